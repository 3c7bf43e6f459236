"""Who is acting, for which training centre, and how services reach I/O."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """The signed-in staff member and the training centre they act for."""

    tenant_id: int
    user: str
    is_admin: bool = False


async def in_thread(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run blocking database work off the event loop."""
    return await asyncio.to_thread(fn, *args, **kwargs)

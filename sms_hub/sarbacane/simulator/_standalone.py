"""The app served by ``python -m sms_hub.sarbacane.simulator``."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount

from sms_hub.sarbacane.simulator import create_app
from sms_hub.settings import SIMULATOR_MOUNT, load_settings


def build_app() -> Starlette:
    """The simulator mounted where the app mounts it (one per worker)."""
    return Starlette(
        routes=[Mount(SIMULATOR_MOUNT, app=create_app(load_settings().simulator))]
    )

"""A CSV export read the way the browser gets it: the page's signed link,
used once, its file read, then finished."""

from __future__ import annotations

import asyncio

from sms_hub.services import downloads
from sms_hub.services.context import Actor
from sms_hub.services.downloads import Download


async def downloaded(actor: Actor, kind: Download, object_id: int) -> str:
    """The CSV behind the link a page asks for (``downloads.prepare``)."""
    url = await downloads.prepare(actor, kind, object_id, "export.csv")
    link = downloads.open_link(url.removeprefix(downloads.ROUTE_PREFIX))
    prepared = await asyncio.to_thread(downloads.begin, link)
    try:
        body = prepared.file.read()
    finally:
        await asyncio.to_thread(downloads.finish, prepared)
    return body.decode("utf-8")

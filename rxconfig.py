"""Reflex configuration: everything comes from the environment (see README)."""

import os

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

from sms_hub.settings import get_settings

settings = get_settings()

config = rx.Config(
    app_name="sms_hub",
    telemetry_enabled=False,
    db_url=settings.database_url,
    redis_url=os.environ.get("REDIS_URL") or None,
    frontend_port=settings.port,
    backend_port=settings.port,
    api_url=os.environ.get("API_URL") or f"http://localhost:{settings.port}",
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium")
        )
    ],
    disable_plugins=[SitemapPlugin],
)

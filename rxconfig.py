"""Reflex configuration: everything comes from the environment (see README)."""

import os

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

from sms_hub.settings import allowed_origins, get_settings
from sms_hub.startup import refuse_unsafe_start

settings = get_settings()
refuse_unsafe_start(settings)
api_url = os.environ.get("API_URL") or f"http://localhost:{settings.port}"

config = rx.Config(
    app_name="sms_hub",
    telemetry_enabled=False,
    db_url=settings.database_url,
    redis_url=os.environ.get("REDIS_URL") or None,
    frontend_port=settings.port,
    backend_port=settings.port,
    api_url=api_url,
    cors_allowed_origins=allowed_origins(settings, api_url),
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium")
        )
    ],
    disable_plugins=[SitemapPlugin],
)

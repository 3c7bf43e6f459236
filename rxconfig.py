"""Reflex configuration: everything comes from the environment (see README)."""

import os

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

from sms_hub.settings import allowed_origins, get_settings
from sms_hub.startup import refuse_unsafe_start

settings = get_settings()
refuse_unsafe_start(settings)
api_url = os.environ.get("API_URL") or f"http://localhost:{settings.port}"
if settings.workers is not None:
    # Reflex reads both when it starts the production backend, after this file.
    os.environ["GRANIAN_WORKERS"] = str(settings.workers)
    os.environ.setdefault("REFLEX_USE_GRANIAN", "true")

config = rx.Config(
    app_name="sms_hub",
    telemetry_enabled=False,
    db_url=settings.database_url,
    redis_url=settings.redis_url or None,
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

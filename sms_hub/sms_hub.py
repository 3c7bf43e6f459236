"""The Reflex app: pages, and the HTTP surface (headers, simulator)."""

import reflex as rx

from sms_hub.http import build_api
from sms_hub.pages.campaigns import TITLE, campaigns_page
from sms_hub.pages.campaigns_state import CampaignsState
from sms_hub.pages.statistics import ROUTE as STATISTICS_ROUTE
from sms_hub.pages.statistics import TITLE as STATISTICS_TITLE
from sms_hub.pages.statistics import StatisticsState, statistics_page
from sms_hub.services.sync import run_poller
from sms_hub.settings import get_settings

app = rx.App(
    html_lang="fr",
    api_transformer=build_api(get_settings()),
    stylesheets=["/styles.css"],
)
app.add_page(
    campaigns_page, route="/", title=f"{TITLE} · Hub3E", on_load=CampaignsState.on_load
)
app.add_page(
    statistics_page,
    route=STATISTICS_ROUTE,
    title=f"{STATISTICS_TITLE} · Hub3E",
    on_load=StatisticsState.on_load,
)
app.register_lifespan_task(run_poller)

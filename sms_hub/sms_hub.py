"""The Reflex app: pages, the status poller, and the HTTP surface."""

import reflex as rx

from sms_hub.http import build_api
from sms_hub.pages.campaigns import page as campaigns
from sms_hub.pages.campaigns.state import CampaignsState
from sms_hub.pages.contact_lists import page as contact_lists
from sms_hub.pages.contact_lists.contacts_state import ContactsState
from sms_hub.pages.settings import page as settings
from sms_hub.pages.settings.state import SettingsState
from sms_hub.pages.statistics import page as statistics
from sms_hub.pages.statistics.state import StatisticsState
from sms_hub.services.accounts import pooled_clients
from sms_hub.services.sync import run_poller
from sms_hub.settings import get_settings

app = rx.App(
    html_lang="fr",
    api_transformer=build_api(get_settings()),
    stylesheets=["/styles.css"],
)
app.add_page(
    campaigns.campaigns_page,
    route="/",
    title=f"{campaigns.TITLE} · Hub3E",
    on_load=CampaignsState.on_load,
)
app.add_page(
    statistics.statistics_page,
    route=statistics.ROUTE,
    title=f"{statistics.TITLE} · Hub3E",
    on_load=StatisticsState.on_load,
)
app.add_page(
    contact_lists.contact_lists_page,
    route=contact_lists.ROUTE,
    title=f"{contact_lists.TITLE} · Hub3E",
    on_load=ContactsState.on_load,
)
app.add_page(
    settings.settings_page,
    route=settings.ROUTE,
    title=f"{settings.TITLE} · Hub3E",
    on_load=SettingsState.on_load,
)
app.register_lifespan_task(run_poller)
app.register_lifespan_task(pooled_clients)

"""The Reflex app: pages, the status poller, and the HTTP surface."""

import reflex as rx
from reflex.app import health as reflex_health

from sms_hub import logs
from sms_hub.http import build_api
from sms_hub.pages.campaign_detail import page as campaign_detail
from sms_hub.pages.campaign_detail.state import CampaignDetailState
from sms_hub.pages.campaigns import page as campaigns
from sms_hub.pages.campaigns.state import CampaignsState
from sms_hub.pages.contact_data import page as contact_data
from sms_hub.pages.contact_data.state import ContactDataState
from sms_hub.pages.contact_lists import page as contact_lists
from sms_hub.pages.contact_lists.contacts_state import ContactsState
from sms_hub.pages.settings import page as settings
from sms_hub.pages.settings.state import SettingsState
from sms_hub.pages.statistics import page as statistics
from sms_hub.pages.statistics.state import StatisticsState
from sms_hub.pages.templates import page as templates
from sms_hub.pages.templates.state import TemplatesState
from sms_hub.services.accounts import pooled_clients
from sms_hub.settings import get_settings
from sms_hub.state.errors import backend_error
from sms_hub.state.live import live_status
from sms_hub.state.session import page_load

logs.configure(get_settings().log_format)

app = rx.App(
    html_lang="fr",
    api_transformer=build_api(get_settings(), base_health=reflex_health),
    stylesheets=["/styles.css"],
    backend_exception_handler=backend_error,
)

#: Each page: its view, route, title and the handler that loads it (after the
#: load script has asked the portal's frame for its launch token).
PAGES = (
    (campaigns.campaigns_page, "/", campaigns.TITLE, CampaignsState.on_load),
    (
        campaign_detail.campaign_detail_page,
        campaign_detail.ROUTE,
        campaign_detail.TITLE,
        CampaignDetailState.on_load,
    ),
    (
        statistics.statistics_page,
        statistics.ROUTE,
        statistics.TITLE,
        StatisticsState.on_load,
    ),
    (
        contact_lists.contact_lists_page,
        contact_lists.ROUTE,
        contact_lists.TITLE,
        ContactsState.on_load,
    ),
    (
        templates.templates_page,
        templates.ROUTE,
        templates.TITLE,
        TemplatesState.on_load,
    ),
    (
        contact_data.contact_data_page,
        contact_data.ROUTE,
        contact_data.TITLE,
        ContactDataState.on_load,
    ),
    (settings.settings_page, settings.ROUTE, settings.TITLE, SettingsState.on_load),
)
for view, route, title, on_load in PAGES:
    app.add_page(
        view, route=route, title=f"{title} · Hub3E", on_load=page_load(on_load)
    )

app.register_lifespan_task(live_status)
app.register_lifespan_task(pooled_clients)

"""A campaign's own page: the service that assembles it, for this centre only."""

from __future__ import annotations

import pytest

from sms_hub.domain.campaign import CampaignKind, NewCampaign
from sms_hub.domain.paging import CampaignPageQuery
from sms_hub.services import audience, campaign_detail, discovery
from sms_hub.services import campaigns as campaign_service
from sms_hub.services.campaign_detail import CAMPAIGN_MISSING
from sms_hub.services.errors import NotFound
from tests.support.factories import (
    add_contact_list,
    centre_with_account,
    finished_campaign,
    made_in_sarbacane,
    mobile_numbers,
    tenant_of,
)

pytestmark = pytest.mark.usefixtures("fresh_discovery")


async def _missing(actor, campaign_id) -> str:
    with pytest.raises(NotFound) as refused:
        await campaign_detail.campaign_detail(actor, campaign_id)
    return refused.value.user_message


async def test_a_draft_shows_its_text_sender_type_status_and_exclusions(actor, sim):
    row = await campaign_service.create_campaign(
        actor,
        NewCampaign(
            "Portes ouvertes", CampaignKind.MARKETING, "CentreForm", "Venez samedi"
        ),
    )
    await audience.import_lists(
        actor, row.id, [add_contact_list(actor, "p", mobile_numbers(10, 3))]
    )
    detail = await campaign_detail.campaign_detail(actor, str(row.id))
    assert detail.id == row.id and detail.name == "Portes ouvertes"
    assert detail.sender == "CentreForm"
    assert detail.kind_label == row.kind_label
    assert detail.status_label == "Brouillon"
    assert detail.recipient_count == 3 and detail.recipient_count_label == "3"
    assert detail.origin_label == "Hub3E" and not detail.adopted
    # The text as received: the opt-out mention of an SMS Marketing included.
    assert [p.label for p in detail.parts] == ["SMS 1/1"]
    assert detail.parts[0].text.startswith("Venez samedi")
    assert detail.parts[0].text.endswith(await campaign_service.opt_out_mention(actor))
    # Its exclusion lists by name (the STOP list given at creation).
    names = await audience.current_exclusions(actor, row.id)
    assert names and detail.exclusions == names
    assert all(name != "DEFAULT_BLACKLIST" for name in detail.exclusions)
    # The latest events of « Historique », newest first.
    assert detail.event_total >= 2
    assert len(detail.events) == min(detail.event_total, 5)
    assert detail.events[0].what != detail.events[-1].what
    # Every action of the table, with the reason of a refused one.
    assert len(detail.actions) == len(row.actions)
    stats = next(a for a in detail.actions if a.key == "stats_hub3e")
    assert not stats.enabled and stats.reason
    assert not detail.finished and detail.figures == []


async def test_only_the_five_latest_events_are_shown(actor, sim):
    row = await campaign_service.create_campaign(
        actor, NewCampaign("Relance", CampaignKind.NOTIFICATION, "CentreForm", "Bjr")
    )
    for n in range(6):
        await audience.assign_exclusions(
            actor, row.id, [("DEFAULT_BLACKLIST", f"Liste {n}")]
        )
    detail = await campaign_detail.campaign_detail(actor, row.id)
    assert detail.event_total == 7
    assert len(detail.events) == 5
    assert detail.events_note == "les 5 derniers sur 7"
    assert detail.exclusions == ["Liste 5"]


async def test_a_finished_campaign_shows_its_statistics_summary(actor, sim):
    campaign_id = await finished_campaign(actor)
    detail = await campaign_detail.campaign_detail(actor, campaign_id)
    assert detail.finished and detail.status_label == "Envoi terminé"
    figures = {f.label: f.value for f in detail.figures}
    assert figures["Destinataires"] == "5"
    assert detail.statistics_href == f"/statistiques?campagne={campaign_id}"


async def test_another_centres_missing_deleted_or_odd_id_is_introuvable(
    actor,
    centre_b,
    sim,
):
    row = await campaign_service.create_campaign(
        actor, NewCampaign("Rappel", CampaignKind.NOTIFICATION, "CentreForm", "Bjr")
    )
    gone = await campaign_service.create_campaign(
        actor, NewCampaign("Effacée", CampaignKind.NOTIFICATION, "CentreForm", "Bjr")
    )
    await campaign_service.delete_campaign(actor, gone.id)
    messages = [
        await _missing(centre_b, row.id),
        await _missing(centre_b, str(row.id)),
        await _missing(actor, gone.id),
        await _missing(actor, 987654321),
        await _missing(actor, "abc"),
        await _missing(actor, "-1"),
        await _missing(actor, "1e3"),
        await _missing(actor, ""),
    ]
    assert set(messages) == {CAMPAIGN_MISSING} == {"Campagne introuvable."}
    # The own centre still opens it.
    assert (await campaign_detail.campaign_detail(actor, row.id)).name == "Rappel"


async def test_a_campaign_made_in_sarbacane_says_so(actor, sim):
    centre, store = centre_with_account(sim, "detail")
    made_in_sarbacane(store, "Faite dans Sarbacane", "SMS_NOTIFICATION")
    await discovery.discover_centre(tenant_of(centre))
    page = await campaign_service.campaign_page(centre, CampaignPageQuery())
    adopted = next(r for r in page.rows if r.name == "Faite dans Sarbacane")
    detail = await campaign_detail.campaign_detail(centre, adopted.id)
    assert detail.adopted and detail.origin_label == "Créée sur Sarbacane"
    # Its text, written in Sarbacane, is not known here: the page says so.
    assert detail.parts == []
    assert detail.text_note.startswith("Le texte de cette campagne a été écrit dans")

"""Import lists into a campaign, exclusions, launch, schedule, cancel, live sync."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from sms_hub.domain.campaign import CampaignKind
from sms_hub.domain.lifecycle import Status
from sms_hub.services import audience, sending, sync
from sms_hub.services.context import Actor
from sms_hub.services.downloads import Download
from sms_hub.services.errors import GatewayError, NotAllowed
from sms_hub.store import centre_queries, recipient_queries
from tests.integration.download_support import downloaded
from tests.support.factories import (
    add_contact_list,
    create_draft,
    db_scope,
    mobile_numbers,
    poll_until_finished,
    remote_phones,
    sarbacane_account,
    stored_campaign,
)


async def test_import_dedupes_by_number_and_pushes_each_recipient_once(actor, sim):
    campaign_id = await create_draft(actor)
    first = add_contact_list(actor, "stagiaires", mobile_numbers(0, 1500))
    second = add_contact_list(
        actor, "anciens", mobile_numbers(1000, 700)
    )  # 500 in common
    assert await audience.contacts_to_add(actor, campaign_id, [first, second]) == 1700
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    summary = await audience.import_lists(actor, campaign_id, [first, second], progress)
    assert (summary.added, summary.skipped, summary.pushed) == (1700, 0, 1700)
    assert seen == [(0, 1700), (1000, 1700), (1700, 1700)]
    assert sim.count("POST /v1/campaigns/{campaign_id}/recipients") == 2
    remote = stored_campaign(actor, campaign_id).sarbacane_id
    phones = []
    for offset in range(0, 3000, 1000):
        page = await sarbacane_account().list_recipients(
            remote, offset=offset, limit=1000
        )
        phones += [r.phone for r in page]
    assert sorted(phones) == mobile_numbers(0, 1700)

    again = await audience.import_lists(actor, campaign_id, [first])
    assert (again.added, again.skipped, again.pushed) == (0, 1500, 0)
    assert stored_campaign(actor, campaign_id).recipient_count == 1700


async def test_a_lost_answer_on_a_batch_is_read_back_not_pushed_again(actor, sim):
    campaign_id = await create_draft(actor)
    list_id = add_contact_list(actor, "perdu", mobile_numbers(0, 2500))
    route = "POST /v1/campaigns/{campaign_id}/recipients"
    sim.set_faults(fault_route=route, drop_response_after_commit=1)
    summary = await audience.import_lists(actor, campaign_id, [list_id])
    assert summary.pushed == 2500
    assert sim.count(route) == 3
    assert await remote_phones(stored_campaign(actor, campaign_id)) == mobile_numbers(
        0, 2500
    )


async def test_a_push_interrupted_by_faults_resumes_without_duplicates(actor, sim):
    campaign_id = await create_draft(actor)
    list_id = add_contact_list(actor, "gros", mobile_numbers(0, 2500))

    async def fail_after_first_batch(done: int, total: int) -> None:
        if done == 1000:
            sim.set_faults(error_rate=1.0)

    with pytest.raises(GatewayError, match="1\u202f000 destinataire"):
        await audience.import_lists(
            actor, campaign_id, [list_id], fail_after_first_batch
        )
    assert await audience.unpushed_count(actor, campaign_id) == 1500
    sim.reset()
    _, total = await audience.push_pending(actor, campaign_id)
    assert total == 2500
    assert await audience.unpushed_count(actor, campaign_id) == 0
    assert await remote_phones(stored_campaign(actor, campaign_id)) == mobile_numbers(
        0, 2500
    )


async def test_a_batch_acknowledged_before_a_crash_is_not_pushed_again(actor, sim):
    campaign_id = await create_draft(actor)
    list_id = add_contact_list(actor, "crash", mobile_numbers(0, 1500))
    sim.set_faults(error_rate=1.0)
    with pytest.raises(GatewayError):
        await audience.import_lists(actor, campaign_id, [list_id])
    sim.reset()
    campaign = stored_campaign(actor, campaign_id)
    # The app pushed the first batch, then died before marking it pushed.
    with db_scope() as session:
        first = recipient_queries.pending_recipients(session, campaign_id, 1000)
    await sarbacane_account().add_recipients(
        campaign.sarbacane_id, [(email, phone) for _, email, phone in first]
    )
    await audience.push_pending(actor, campaign_id)
    assert await remote_phones(campaign) == mobile_numbers(0, 1500)


async def test_recipients_read_the_french_way_and_are_found_as_read(actor, sim):
    campaign_id = await create_draft(actor)
    phones = ["+33612345678", "+262692123456", "+32470123456"]
    await audience.import_lists(
        actor, campaign_id, [add_contact_list(actor, "fr", phones)]
    )
    rows, total = await audience.recipients_page(
        actor, campaign_id, search="", offset=0, limit=20
    )
    assert total == 3
    assert {r.phone: r.phone_label for r in rows} == {
        "+33612345678": "06 12 34 56 78",
        "+262692123456": "+262 692 12 34 56",
        "+32470123456": "+32 470 12 34 56",
    }
    for typed, phone in [
        ("06 12 34 56 78", "+33612345678"),
        ("+262 692 12", "+262692123456"),
        ("0692 12 34 56", "+262692123456"),
        ("+32470123456", "+32470123456"),
    ]:
        found, _ = await audience.recipients_page(
            actor, campaign_id, search=typed, offset=0, limit=20
        )
        assert [r.phone for r in found] == [phone], typed


async def test_exclusions_preselect_stop_list_for_marketing_and_are_saved(actor, sim):
    campaign_id = await create_draft(actor, kind=CampaignKind.MARKETING)
    choices = await audience.exclusion_choices(actor, campaign_id)
    assert choices[0].id == "DEFAULT_BLACKLIST"
    assert choices[0].chosen and choices[0].recommended
    assert [c.id for c in choices if c.chosen] == ["DEFAULT_BLACKLIST"]
    other = next(
        c for c in choices if c.id not in ("DEFAULT_BLACKLIST", "DEFAULT_BOUNCELIST")
    )
    await audience.assign_exclusions(
        actor,
        campaign_id,
        [("DEFAULT_BLACKLIST", choices[0].name), (other.id, other.name)],
    )
    again = await audience.exclusion_choices(actor, campaign_id)
    assert {c.id for c in again if c.chosen} == {"DEFAULT_BLACKLIST", other.id}
    remote = await sarbacane_account().get_campaign(
        stored_campaign(actor, campaign_id).sarbacane_id
    )
    assert set(remote.blacklists) == {"DEFAULT_BLACKLIST", other.id}


async def test_launch_needs_a_recipient(actor):
    campaign_id = await create_draft(actor)
    with pytest.raises(NotAllowed, match="au minimum 1 destinataire"):
        await sending.launch(actor, campaign_id, None)


async def test_launch_twice_sends_once_and_the_poller_follows_to_finish(actor, sim):
    campaign_id = await create_draft(actor)
    await audience.import_lists(
        actor, campaign_id, [add_contact_list(actor, "l", mobile_numbers(0, 20))]
    )
    results = await asyncio.gather(
        sending.launch(actor, campaign_id, None),
        sending.launch(actor, campaign_id, None),
    )
    assert sorted(results) == [False, True]
    assert sim.count("POST /v1/campaigns/{campaign_id}/send") == 1
    assert stored_campaign(actor, campaign_id).status == Status.RECEIVED
    await poll_until_finished(actor, campaign_id)
    campaign = stored_campaign(actor, campaign_id)
    assert campaign.status == Status.FINISHED
    assert campaign.processed_count == 20


async def test_a_send_whose_answer_is_lost_is_not_sent_twice(actor, sim):
    campaign_id = await create_draft(actor)
    await audience.import_lists(
        actor, campaign_id, [add_contact_list(actor, "p", mobile_numbers(0, 5))]
    )
    sim.set_faults(drop_response_after_commit=1)
    assert await sending.launch(actor, campaign_id, None) is True
    stats = sim.stats()
    sends = stats.get("POST /v1/campaigns/{campaign_id}/send", 0)
    assert sends == 1


async def test_schedule_in_the_past_is_refused_and_a_future_one_is_planned(actor, sim):
    campaign_id = await create_draft(actor)
    await audience.import_lists(
        actor, campaign_id, [add_contact_list(actor, "s", mobile_numbers(0, 3))]
    )
    with pytest.raises(NotAllowed, match="La date d'envoi est passée"):
        await sending.launch(actor, campaign_id, datetime.now(UTC) - timedelta(hours=1))
    when = datetime.now(UTC) + timedelta(days=2)
    assert await sending.launch(actor, campaign_id, when)
    campaign = stored_campaign(actor, campaign_id)
    assert campaign.status == Status.SCHEDULED
    await sync.poll_once()
    assert stored_campaign(actor, campaign_id).status == Status.SCHEDULED
    assert await sending.cancel(actor, campaign_id)
    assert stored_campaign(actor, campaign_id).status == Status.CANCELLED
    preview = await sending.preview(actor, campaign_id)
    assert "déjà reçu le SMS" in preview.relaunch_warning
    assert await sending.launch(actor, campaign_id, None)
    assert stored_campaign(actor, campaign_id).status == Status.RECEIVED


async def test_marketing_outside_the_window_offers_the_next_slot(actor):
    campaign_id = await create_draft(actor, kind=CampaignKind.MARKETING)
    await audience.import_lists(
        actor, campaign_id, [add_contact_list(actor, "m", mobile_numbers(0, 3))]
    )
    sunday_noon = datetime(2027, 1, 10, 11, 0, tzinfo=UTC)
    with pytest.raises(
        NotAllowed, match="Prochain créneau autorisé : 11/01/2027 08:00"
    ):
        await sending.launch(actor, campaign_id, sunday_noon)


async def test_the_poller_survives_sarbacane_errors_and_catches_up(actor, sim):
    campaign_id = await create_draft(actor)
    await audience.import_lists(
        actor, campaign_id, [add_contact_list(actor, "e", mobile_numbers(0, 4))]
    )
    await sending.launch(actor, campaign_id, None)
    sim.set_faults(error_rate=1.0)
    assert await sync.poll_once() == 0  # the centre is skipped, nothing breaks
    assert stored_campaign(actor, campaign_id).status == Status.RECEIVED
    sim.set_faults(error_rate=0.0)
    await poll_until_finished(actor, campaign_id)
    assert stored_campaign(actor, campaign_id).status == Status.FINISHED


async def test_statistics_match_the_simulator_outcomes(actor, sim):
    from sms_hub.services import statistics

    campaign_id = await create_draft(actor)
    phones = [*mobile_numbers(0, 10), "+33612345613", "+33612345699", "+33612345713"]
    await audience.import_lists(
        actor, campaign_id, [add_contact_list(actor, "st", phones)]
    )
    with pytest.raises(NotAllowed, match="Envoi terminé"):
        await statistics.campaign_statistics(actor, campaign_id)
    await sending.launch(actor, campaign_id, None)
    await poll_until_finished(actor, campaign_id)
    view = await statistics.campaign_statistics(actor, campaign_id)
    figures = {f.label: (f.value, f.rate) for f in view.figures}
    assert figures["Destinataires"] == ("13", "")
    assert figures["Envoyés"] == ("13", "")
    assert figures["Délivrés"] == ("11", "84,6\u202f%")
    assert figures["Échecs"] == ("2", "15,4\u202f%")
    assert figures["STOP"] == ("1", "7,7\u202f%")
    assert figures["En attente"] == ("0", "")
    assert figures["Crédits utilisés"] == ("13", "")
    assert {p.name: p.value for p in view.outcomes_chart} == {
        "Délivré": 10,
        "Échec": 2,
        "STOP (désinscrit)": 1,
    }
    assert sum(p.value for p in view.timeline_chart) == 13
    failed, total = await statistics.outcome_page(
        actor, campaign_id, outcome="failed", offset=0, limit=20
    )
    assert total == 2
    assert {r.phone for r in failed} == {"+33612345613", "+33612345713"}
    assert {r.phone_label for r in failed} == {"06 12 34 56 13", "06 12 34 57 13"}
    csv_text = await downloaded(actor, Download.STATISTICS, campaign_id)
    assert "+33612345699;STOP (désinscrit)" in csv_text

    # A finished campaign's report is read once and kept: reopening is local.
    reads = sim.count("GET /v1/reports/{campaign_id}/recipients")
    assert reads >= 1
    again = await statistics.campaign_statistics(actor, campaign_id)
    assert sim.count("GET /v1/reports/{campaign_id}/recipients") == reads
    assert again.figures == view.figures
    assert again.outcomes_chart == view.outcomes_chart
    assert again.timeline_chart == view.timeline_chart


async def test_a_kept_report_with_pending_outcomes_is_read_again_later(actor, sim):
    import json

    from sqlmodel import col, update

    from sms_hub.domain.statistics import PENDING_REREAD_AFTER
    from sms_hub.services import statistics
    from sms_hub.store.models import Campaign

    campaign_id = await create_draft(actor)
    phones = mobile_numbers(20, 3)
    await audience.import_lists(
        actor, campaign_id, [add_contact_list(actor, "pd", phones)]
    )
    await sending.launch(actor, campaign_id, None)
    await poll_until_finished(actor, campaign_id)
    await statistics.campaign_statistics(actor, campaign_id)
    reads = sim.count("GET /v1/reports/{campaign_id}/recipients")

    def kept(pending: int, age: timedelta) -> None:
        summary = json.loads(stored_campaign(actor, campaign_id).report_summary or "{}")
        summary["pending"] = pending
        with db_scope() as session:
            session.exec(
                update(Campaign)
                .where(col(Campaign.id) == campaign_id)
                .values(
                    report_summary=json.dumps(summary),
                    report_fetched_at=datetime.now(UTC) - age,
                )
            )

    kept(pending=2, age=PENDING_REREAD_AFTER / 3)
    await statistics.campaign_statistics(actor, campaign_id)
    assert sim.count("GET /v1/reports/{campaign_id}/recipients") == reads

    kept(pending=2, age=PENDING_REREAD_AFTER)
    view = await statistics.campaign_statistics(actor, campaign_id)
    reads_after = sim.count("GET /v1/reports/{campaign_id}/recipients")
    assert reads_after > reads
    assert dict((f.label, f.value) for f in view.figures)["En attente"] == "0"

    kept(pending=0, age=PENDING_REREAD_AFTER * 100)
    await statistics.campaign_statistics(actor, campaign_id)
    assert sim.count("GET /v1/reports/{campaign_id}/recipients") == reads_after


async def test_a_poll_cycle_costs_bulk_reads_plus_capped_progress_reads(
    actor, sim, monkeypatch
):
    monkeypatch.setattr(sync, "PROGRESS_READS_PER_CYCLE", 1)
    sim.set_faults(recipients_per_second=0.5, moderation_seconds=0.0)
    ids = []
    for name in ("a", "b", "c"):
        campaign_id = await create_draft(actor)
        await audience.import_lists(
            actor, campaign_id, [add_contact_list(actor, name, mobile_numbers(0, 50))]
        )
        await sending.launch(actor, campaign_id, None)
        ids.append(campaign_id)
    await asyncio.sleep(0.2)
    sim.reset()
    sim.set_faults(recipients_per_second=0.5, moderation_seconds=0.0)
    await sync.poll_once()
    stats = sim.stats()
    assert stats.get("GET /v1/campaigns", 0) == 2  # MODERATION and ROUTING lists
    assert stats.get("GET /v1/campaigns/{campaign_id}", 0) == 1
    assert {stored_campaign(actor, i).status for i in ids} == {Status.SENDING}


async def test_a_campaign_deleted_in_sarbacane_is_marked(actor, sim):
    campaign_id = await create_draft(actor)
    await audience.import_lists(
        actor, campaign_id, [add_contact_list(actor, "del", mobile_numbers(0, 2))]
    )
    sim.set_faults(moderation_seconds=3600)
    await sending.launch(actor, campaign_id, None)
    sim.reset()
    await sarbacane_account().cancel(stored_campaign(actor, campaign_id).sarbacane_id)
    await sarbacane_account().delete_campaign(
        stored_campaign(actor, campaign_id).sarbacane_id
    )
    await sync.poll_once()
    campaign = stored_campaign(actor, campaign_id)
    assert campaign.status == Status.CANCELLED
    assert campaign.last_error == "La campagne n'existe plus dans Sarbacane."


async def test_marketing_waits_for_the_window_of_every_recipient_zone(actor, sim):
    """A Paris centre writing to Paris and La Réunion: 18:30 in Paris is 21:30
    in La Réunion, so the schedule is refused, naming La Réunion, and the
    slot offered is open for both."""
    campaign_id = await create_draft(actor, kind=CampaignKind.MARKETING)
    phones = [*mobile_numbers(0, 3), "+262692123456", "+262693000001"]
    await audience.import_lists(
        actor, campaign_id, [add_contact_list(actor, "dom", phones)]
    )
    evening = datetime(2027, 1, 5, 17, 30, tzinfo=UTC)  # Tuesday 18:30 in Paris
    with pytest.raises(NotAllowed) as refused:
        await sending.launch(actor, campaign_id, evening)
    assert refused.value.user_message == (
        "Pour les destinataires de La Réunion (heure locale 21:30), les SMS "
        "commerciaux sont envoyés entre 08h00 et 20h00. "
        "Prochain créneau autorisé : 06/01/2027 08:00 (heure de Paris)."
    )
    assert stored_campaign(actor, campaign_id).status == Status.DRAFT
    slot = datetime(2027, 1, 6, 7, 0, tzinfo=UTC)  # 08:00 Paris, 11:00 La Réunion
    assert await sending.launch(actor, campaign_id, slot)
    assert stored_campaign(actor, campaign_id).status == Status.SCHEDULED


async def test_the_recipient_zones_come_from_one_grouped_query(actor):
    from sms_hub.services.recipient_zones import recipient_zones

    campaign_id = await create_draft(actor, kind=CampaignKind.MARKETING)
    phones = [
        *mobile_numbers(0, 2000),
        "+262692123456",
        "+262639012345",
        "+32470123456",
    ]
    await audience.import_lists(
        actor, campaign_id, [add_contact_list(actor, "z", phones)]
    )
    with db_scope() as session:
        tenant = centre_queries.tenant(session, actor.tenant_id)
        samples = recipient_queries.recipient_number_samples(
            session, actor.tenant_id, campaign_id, 9, "+33"
        )
    assert len(samples) == 4  # every metropolitan number is one group
    zones = recipient_zones(actor, campaign_id, tenant)
    assert [zone.label for zone in zones] == [
        "de France métropolitaine",
        "de La Réunion",
        "de Mayotte",
        "de l'indicatif +32 (Belgique)",
    ]
    stranger = Actor(tenant_id=actor.tenant_id + 1, user="autre@centre.fr")
    with db_scope() as session:
        assert not recipient_queries.recipient_number_samples(
            session, stranger.tenant_id, campaign_id, 9, "+33"
        )

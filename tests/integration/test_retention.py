"""« Durée de conservation »: the daily job anonymises exactly the people
whose last campaign is past the centre's limit (``now`` injected)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from sms_hub.domain.lifecycle import Status
from sms_hub.domain.retention import cutoff
from sms_hub.services import retention
from sms_hub.services.context import Actor
from sms_hub.store.models import (
    Campaign,
    CampaignRecipient,
    Contact,
    ContactList,
    Tenant,
)
from tests.support.factories import db_scope

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
OLD, BOTH, RECENT, DRAFT, NEVER = (f"+3362000000{n}" for n in range(5))


def _campaign(session, actor: Actor, name: str, status: Status, ended, phones):
    campaign = Campaign(
        tenant_id=actor.tenant_id,
        sarbacane_id=f"sb-{name}",
        name=name,
        kind="marketing",
        sender="CentreForm",
        content="Bonjour",
        status=status,
        recipient_count=len(phones),
        status_changed_at=ended,
    )
    session.add(campaign)
    session.flush()
    for phone, outcome in phones.items():
        session.add(
            CampaignRecipient(
                campaign_id=campaign.id,
                phone=phone,
                email=f"{phone[1:]}@exemple.fr",
                pushed=True,
                outcome=outcome,
            )
        )
    return campaign.id


def _arrange(actor: Actor) -> dict[str, int]:
    limit = cutoff(NOW, 36)
    with db_scope() as session:
        ids = {
            "old": _campaign(
                session,
                actor,
                "ancienne",
                Status.FINISHED,
                limit - timedelta(minutes=1),
                {OLD: "delivered", BOTH: "failed", DRAFT: "stop"},
            ),
            "recent": _campaign(
                session,
                actor,
                "récente",
                Status.FINISHED,
                limit + timedelta(minutes=1),
                {BOTH: "delivered", RECENT: "delivered"},
            ),
            "draft": _campaign(
                session, actor, "brouillon", Status.DRAFT, NOW, {DRAFT: None}
            ),
        }
        contact_list = ContactList(tenant_id=actor.tenant_id, name="Stagiaires")
        session.add(contact_list)
        session.flush()
        for phone in (OLD, RECENT, NEVER):
            session.add(Contact(list_id=contact_list.id, phone=phone))
        contact_list.contact_count = 3
        ids["list"] = contact_list.id
    return ids


def _phones(sql: str, **params) -> list[str]:
    with db_scope() as session:
        return sorted(r[0] for r in session.exec(text(sql), params=params).all())


def _outcomes(campaign_id: int) -> Counter:
    return Counter(
        _phones(
            "SELECT coalesce(outcome, '') FROM campaignrecipient WHERE campaign_id = :c",
            c=campaign_id,
        )
    )


def test_only_people_past_the_limit_are_anonymised(actor: Actor):
    ids = _arrange(actor)
    before = _outcomes(ids["old"])

    assert retention.run_due(NOW) == 1

    old_phones = _phones(
        "SELECT phone FROM campaignrecipient WHERE campaign_id = :c", c=ids["old"]
    )
    assert BOTH in old_phones and DRAFT in old_phones and OLD not in old_phones
    assert sum(p.startswith("anonyme-") for p in old_phones) == 1
    assert _outcomes(ids["old"]) == before
    assert _phones("SELECT email FROM campaignrecipient WHERE phone = :p", p=OLD) == []
    assert _phones("SELECT phone FROM contact") == sorted([RECENT, NEVER])
    with db_scope() as session:
        assert session.get(ContactList, ids["list"]).contact_count == 2
        tenant = session.get(Tenant, actor.tenant_id)
        assert tenant.retention_count == 1
        assert tenant.retention_run_at.replace(tzinfo=UTC) == NOW


def test_the_job_runs_once_a_day_per_centre(actor: Actor):
    _arrange(actor)
    assert retention.run_due(NOW) == 1
    # A day later BOTH's last campaign is still within the limit: nothing new.
    with db_scope() as session:
        tenant = session.get(Tenant, actor.tenant_id)
        tenant.retention_months = 1
        session.add(tenant)
    assert retention.run_due(NOW + timedelta(hours=23)) == 0
    with db_scope() as session:
        assert session.get(Tenant, actor.tenant_id).retention_count == 1
    # A day after, with one month kept, BOTH and RECENT are past it too.
    assert retention.run_due(NOW + timedelta(days=1)) == 2


async def test_the_settings_page_keeps_the_limit_and_shows_the_last_run(
    actor: Actor,
):
    from dataclasses import replace

    import pytest

    from sms_hub.domain.centre_settings import CentreSettings
    from sms_hub.pages.settings.state import retention_last_run
    from sms_hub.services import centre_settings
    from sms_hub.services.errors import InvalidInput

    admin = replace(actor, is_admin=True)
    view = await centre_settings.centre_settings(admin)
    assert view.settings.retention_months == 36  # the default
    assert retention_last_run(view.retention_run_on, view.retention_count) == (
        "Le nettoyage quotidien n'a pas encore eu lieu."
    )
    wanted: CentreSettings = replace(view.settings, retention_months=24)
    saved = await centre_settings.save_centre_settings(admin, wanted, "", "")
    assert saved.settings.retention_months == 24
    with pytest.raises(InvalidInput) as refused:
        await centre_settings.save_centre_settings(
            admin, replace(wanted, retention_months=0), "", ""
        )
    assert "entre 1 et 120 mois" in refused.value.field_errors["retention_months"]

    _arrange(actor)  # with 24 months kept, OLD, BOTH and RECENT are past it
    retention.run_due(NOW)
    view = await centre_settings.centre_settings(admin)
    assert retention_last_run(view.retention_run_on, view.retention_count) == (
        "Dernier nettoyage le 04/12/2026 04:00 : 3 personnes anonymisées."
    )

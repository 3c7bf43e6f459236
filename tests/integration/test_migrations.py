"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel, select

from sms_hub.store.db import get_engine, session_scope
from sms_hub.store.migrate import alembic_config, upgrade
from sms_hub.store.models import Campaign, Tenant, utcnow
from tests.integration.postgres_support import postgres_cluster


def test_migrations_match_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    upgrade(url)
    with get_engine(url).connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection), SQLModel.metadata
        )
    assert differences == []


def test_existing_campaigns_record_their_centres_account(tmp_path):
    """Campaigns stored before they recorded their Sarbacane account take
    their centre's current one; none breaks the (account, Sarbacane id) unicity."""
    _check_backfill(f"sqlite:///{tmp_path / 'backfill.db'}")


def test_existing_campaigns_record_their_centres_account_on_postgresql():
    with postgres_cluster() as url:
        _check_backfill(url)


def _check_backfill(url: str) -> None:
    command.upgrade(alembic_config(url), "0006")
    with session_scope(url) as session:
        # Centres too get only the columns of that revision.
        tenant_table = sa.Table(
            "tenant", sa.MetaData(), autoload_with=session.connection()
        )
        tenant_columns = set(tenant_table.columns.keys())
        for tenant in (
            Tenant(slug="lyon", name="Lyon", sarbacane_account_id="acc-lyon"),
            Tenant(slug="demo", name="Démo"),
        ):
            session.execute(
                sa.insert(tenant_table),
                [tenant.model_dump(include=tenant_columns - {"id"})],
            )
        ids = dict(
            session.execute(sa.select(tenant_table.c.slug, tenant_table.c.id)).all()
        )
        lyon, demo = (
            Tenant(id=ids[slug], slug=slug, name="") for slug in ("lyon", "demo")
        )
        # The rows as 0006 stored them (its columns only, not today's model).
        columns = (
            "tenant_id, sarbacane_account_id, sarbacane_id, name, kind, sender,"
            " content, status, recipient_count, processed_count, created_by,"
            " created_at, updated_at, status_changed_at"
        )
        session.execute(
            text(
                f"INSERT INTO campaign ({columns}) VALUES (:tenant_id, :account,"
                " :sarbacane_id, :sarbacane_id, 'SMS_NOTIFICATION', 'CENTRE',"
                " 'Bonjour', 'finished', 0, 0, '', :now, :now, :now)"
            ),
            [
                {"tenant_id": tenant, "account": account, "sarbacane_id": sb_id}
                | {"now": utcnow()}
                for tenant, account, sb_id in [
                    (lyon.id, "", "sb-1"),
                    (lyon.id, "acc-ancien", "sb-2"),
                    (lyon.id, "acc-lyon", "sb-3"),
                    (lyon.id, "", "sb-3"),  # the same Sarbacane campaign again
                    (demo.id, "", "sb-4"),
                ]
            ],
        )
    upgrade(url)
    with session_scope(url) as session:
        rows = session.exec(select(Campaign).order_by(Campaign.id)).all()
        recorded = [(c.sarbacane_id, c.sarbacane_account_id) for c in rows]
    assert recorded == [
        ("sb-1", "acc-lyon"),
        ("sb-2", "acc-ancien"),
        ("sb-3", "acc-lyon"),
        ("sb-3", ""),
        ("sb-4", ""),
    ]

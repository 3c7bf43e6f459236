"""campaigns record the Sarbacane account they were made in (backfill)

Campaigns stored before they recorded it take their centre's current
account id. A row left without one (its centre has no account, or another
row already links that account's campaign) is never read through an
account, so nothing breaks the unique (account, Sarbacane id) pair, which
0004 already created.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BACKFILL = sa.text(
    """
    UPDATE campaign
    SET sarbacane_account_id = (
        SELECT tenant.sarbacane_account_id FROM tenant
        WHERE tenant.id = campaign.tenant_id
    )
    WHERE sarbacane_account_id = ''
    AND EXISTS (
        SELECT 1 FROM tenant
        WHERE tenant.id = campaign.tenant_id
        AND tenant.sarbacane_account_id IS NOT NULL
        AND tenant.sarbacane_account_id <> ''
    )
    AND NOT EXISTS (
        SELECT 1 FROM campaign AS linked, tenant
        WHERE tenant.id = campaign.tenant_id
        AND linked.sarbacane_account_id = tenant.sarbacane_account_id
        AND linked.sarbacane_id = campaign.sarbacane_id
    )
    """
)


def upgrade() -> None:
    op.execute(_BACKFILL)


def downgrade() -> None:
    # Data only: the recorded accounts stay (0004's downgrade drops the column).
    pass

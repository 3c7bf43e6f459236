"""kept statistics of finished campaigns

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 18:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_fetched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('report_summary', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table('campaignrecipient', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('campaignrecipient', schema=None) as batch_op:
        batch_op.drop_column('outcome_at')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('report_summary')
        batch_op.drop_column('report_fetched_at')

"""centres set how long a person's data is kept, and the retention job's
last run and count

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('retention_months', sa.Integer(), nullable=False, server_default='36')
        )
        batch_op.add_column(
            sa.Column('retention_run_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column('retention_count', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade() -> None:
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('retention_count')
        batch_op.drop_column('retention_run_at')
        batch_op.drop_column('retention_months')

"""campaigns made in Sarbacane's own interface (origin, last seen edit)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'origin',
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default='hub',
            )
        )
        batch_op.add_column(
            sa.Column('sarbacane_edited', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('sarbacane_edited')
        batch_op.drop_column('origin')

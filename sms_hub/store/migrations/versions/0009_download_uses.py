"""download links used once, and the downloads under way

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'downloaduse',
        sa.Column('link_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('user', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('link_id'),
    )
    with op.batch_alter_table('downloaduse', schema=None) as batch_op:
        batch_op.create_index('ix_downloaduse_user', ['tenant_id', 'user'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('downloaduse', schema=None) as batch_op:
        batch_op.drop_index('ix_downloaduse_user')
    op.drop_table('downloaduse')

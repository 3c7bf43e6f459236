"""centre accounts, centre settings, launch tokens, sarbacane id per account

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('launchtoken',
    sa.Column('jti', _STR(length=200), nullable=False),
    sa.Column('session_key', _STR(length=200), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('jti')
    )
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('sarbacane_api_key')
        batch_op.add_column(sa.Column('sarbacane_api_key_encrypted', _STR(), nullable=True))
        batch_op.add_column(sa.Column('sarbacane_configured_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('default_sender', _STR(length=11), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('sending_days', _STR(length=13), nullable=False, server_default='0,1,2,3,4,5'))
        batch_op.add_column(sa.Column('timezone', _STR(length=40), nullable=False, server_default='Europe/Paris'))
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sarbacane_account_id', _STR(length=200), nullable=False, server_default=''))
        batch_op.create_unique_constraint('uq_campaign_account_sarbacane_id', ['sarbacane_account_id', 'sarbacane_id'])


def downgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_constraint('uq_campaign_account_sarbacane_id', type_='unique')
        batch_op.drop_column('sarbacane_account_id')
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('timezone')
        batch_op.drop_column('sending_days')
        batch_op.drop_column('default_sender')
        batch_op.drop_column('sarbacane_configured_at')
        batch_op.drop_column('sarbacane_api_key_encrypted')
        batch_op.add_column(sa.Column('sarbacane_api_key', _STR(length=200), nullable=True))
    op.drop_table('launchtoken')

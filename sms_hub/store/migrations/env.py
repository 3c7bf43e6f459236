"""Alembic environment: the target metadata is the sqlmodel tables."""

from alembic import context
from sqlmodel import SQLModel

from sms_hub.store import models  # noqa: F401  (registers the tables)
from sms_hub.store.db import get_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = get_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()

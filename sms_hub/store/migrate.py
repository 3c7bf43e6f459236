"""Apply the alembic migrations: ``python -m sms_hub.store.migrate``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str) -> None:
    """Bring the database at ``database_url`` to the latest schema."""
    command.upgrade(alembic_config(database_url), "heads")


def main() -> None:
    from sms_hub.settings import get_settings

    settings = get_settings()
    upgrade(settings.database_url)
    print("Base de données à jour.")


if __name__ == "__main__":
    main()

"""Encryption at rest of the centres' Sarbacane API keys.

``SECRETS_KEY`` lists one or more Fernet keys separated by commas: the first
encrypts, every one decrypts (``MultiFernet``), so a key is rotated by
putting the new one first, re-encrypting (``python -m sms_hub.store.secret_box
rotate``), then dropping the old one. Demo mode with no ``SECRETS_KEY`` keeps
a key of its own in the data directory: the demo needs no set-up, and the
start-up check refuses a deployment without the setting.

``python -m sms_hub.store.secret_box new-key`` prints a fresh key.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import sys
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from sms_hub.settings import Settings, get_settings


class SecretUnreadable(Exception):
    """A stored secret was encrypted with a key ``SECRETS_KEY`` no longer lists."""


def _demo_key(settings: Settings) -> str:
    return _demo_key_at(settings.data_dir / "demo-secrets.key")


@functools.cache
def _demo_key_at(path: Path) -> str:
    """Read once per process (handlers call this on the event loop)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    return path.read_text().strip()


@functools.cache
def _box(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _keys(settings: Settings) -> tuple[str, ...]:
    if settings.secrets_keys:
        return settings.secrets_keys
    if settings.demo_mode:
        return (_demo_key(settings),)
    raise RuntimeError("SECRETS_KEY is not set")


def derived_key(purpose: str, settings: Settings | None = None) -> bytes:
    """A key for ``purpose`` (e.g. signing download links), derived from the
    first ``SECRETS_KEY``: the same on every worker, different per purpose."""
    first = _keys(settings or get_settings())[0]
    return hmac.new(first.encode(), purpose.encode(), hashlib.sha256).digest()


def encrypt(secret: str, settings: Settings | None = None) -> str:
    return _box(_keys(settings or get_settings())).encrypt(secret.encode()).decode()


def decrypt(token: str, settings: Settings | None = None) -> str:
    try:
        return _box(_keys(settings or get_settings())).decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable() from error


def rotate(token: str, settings: Settings | None = None) -> str:
    """The same secret, encrypted again with the first key."""
    return _box(_keys(settings or get_settings())).rotate(token.encode()).decode()


def _rotate_all() -> int:
    from sms_hub.store import centre_queries
    from sms_hub.store.db import session_scope

    settings = get_settings()
    with session_scope(settings.database_url) as session:
        return centre_queries.reencrypt_api_keys(
            session, lambda token: rotate(token, settings)
        )


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "new-key":
        print(Fernet.generate_key().decode())
    elif command == "rotate":
        print(f"{_rotate_all()} clé(s) d'API chiffrée(s) à nouveau.")
    else:
        raise SystemExit("usage: python -m sms_hub.store.secret_box new-key|rotate")

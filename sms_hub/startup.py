"""The start-up check: a deployment that is not configured safely does not start.

Demo mode is a deliberate choice (``DEMO_MODE=1``, with the built-in
simulator only), never what a missing setting falls back to. Outside demo
mode the portal's launch tokens must be verifiable (``PORTAL_SIGNING_KEY``
of at least 32 bytes, or ``PORTAL_PUBLIC_KEY``) and the centres' Sarbacane
keys must be encryptable (``SECRETS_KEY``). In every mode, several backend
workers (``WORKERS``) need Redis for Reflex's state and a database server for
the poller lease and the pushes, and ``FRAME_ANCESTORS`` must name the portal
(no ``*``, no scheme alone). Each problem names the setting.
"""

from __future__ import annotations

import re
import sys

from sms_hub.settings import (
    MIN_SIGNING_KEY_BYTES,
    Settings,
    get_settings,
    runs_several_workers,
)


class UnsafeConfiguration(SystemExit):
    """Raised at start-up; its message lists every problem, one a line."""

    def __init__(self, problems: list[str]) -> None:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"SMS Hub refuses to start: the configuration is not safe.\n{lines}\n"
            "See README.md, section Settings."
        )
        self.problems = problems


def _public_key_problem(pem: str) -> str | None:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(pem.replace("\\n", "\n").encode())
    except ValueError:
        return "PORTAL_PUBLIC_KEY is not a PEM public key."
    if isinstance(key, rsa.RSAPublicKey):
        return None
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(
        key.curve, ec.SECP256R1
    ):
        return None
    return "PORTAL_PUBLIC_KEY must be an RSA (RS256) or P-256 EC (ES256) public key."


#: A CSP source that lets any site frame the app: ``*``, a scheme alone
#: (``https:``, ``data:``) or any host of a scheme (``https://*``, ``*://*:*``).
_ANY_SITE = re.compile(
    r"^(\*|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*|\*)://\*(:[0-9*]+)?/?)$"
)


def _frame_ancestors_problem(sources: str) -> str | None:
    open_to_all = [s for s in sources.split() if _ANY_SITE.match(s.lower())]
    if not open_to_all:
        return None
    return (
        f"FRAME_ANCESTORS allows any site to frame the app ({' '.join(open_to_all)}):"
        " list the Hub3E portal's origins (e.g. 'self' https://portail.hub3e.example)."
    )


def _secrets_key_problem(keys: tuple[str, ...]) -> str | None:
    from cryptography.fernet import Fernet

    for key in keys:
        try:
            Fernet(key)
        except ValueError:
            return (
                "SECRETS_KEY holds a key that is not a Fernet key (32 url-safe "
                "base64-encoded bytes); generate one with "
                "`python -m sms_hub.store.secret_box new-key`."
            )
    return None


def _workers_problems(settings: Settings) -> list[str]:
    if settings.workers is not None and settings.workers < 1:
        return [f"WORKERS={settings.workers}: it must be at least 1."]
    if not runs_several_workers(settings):
        return []
    several = (
        f"WORKERS={settings.workers}"
        if settings.workers is not None
        else "REDIS_URL without WORKERS (Reflex then starts 2 × cores + 1 workers)"
    )
    problems: list[str] = []
    if not settings.redis_url:
        problems.append(
            f"{several} without REDIS_URL: each worker would keep its own Reflex "
            "state, and a tab whose events reach another worker would lose its "
            "session. Set REDIS_URL (shared state), or WORKERS=1."
        )
    if settings.database_url.startswith("sqlite"):
        problems.append(
            f"{several} on SQLite (DATABASE_URL): several processes would share "
            "one SQLite file, while the status poller's lease and the pushes to "
            "Sarbacane need a shared database server (and Redis). Set "
            "DATABASE_URL=postgresql+psycopg://…, or WORKERS=1."
        )
    return problems


def configuration_problems(settings: Settings) -> list[str]:
    """Every reason this configuration is unsafe to serve; empty when it is safe."""
    problems = _workers_problems(settings)
    framing = _frame_ancestors_problem(settings.frame_ancestors)
    if framing:
        problems.append(framing)
    if settings.demo_mode:
        if not settings.uses_simulator:
            problems.append(
                "DEMO_MODE=1 works only with the built-in simulator: unset "
                "SARBACANE_API_URL, or unset DEMO_MODE to serve real centres."
            )
        return problems
    if settings.uses_simulator:
        problems.append(
            "SARBACANE_API_URL is not set: outside demo mode each centre sends "
            "through its own Sarbacane account at that address (the built-in "
            "simulator serves demos only, with DEMO_MODE=1)."
        )
    signing, public = settings.portal_signing_key, settings.portal_public_key
    if not signing and not public:
        problems.append(
            "PORTAL_SIGNING_KEY (or PORTAL_PUBLIC_KEY) is not set: nobody could "
            "sign in from the Hub3E portal. Set it, or set DEMO_MODE=1 for a demo."
        )
    if signing and len(signing.encode()) < MIN_SIGNING_KEY_BYTES:
        problems.append(
            f"PORTAL_SIGNING_KEY is shorter than {MIN_SIGNING_KEY_BYTES} bytes."
        )
    if public:
        problem = _public_key_problem(public)
        if problem:
            problems.append(problem)
    if not settings.secrets_keys:
        problems.append(
            "SECRETS_KEY is not set: the centres' Sarbacane API keys could not be "
            "encrypted. Generate one with `python -m sms_hub.store.secret_box new-key`."
        )
    else:
        problem = _secrets_key_problem(settings.secrets_keys)
        if problem:
            problems.append(problem)
    return problems


def refuse_unsafe_start(settings: Settings | None = None) -> None:
    """Stop the process with the list of problems when the configuration is unsafe."""
    problems = configuration_problems(settings or get_settings())
    if problems:
        raise UnsafeConfiguration(problems)


if __name__ == "__main__":
    try:
        refuse_unsafe_start()
    except UnsafeConfiguration as refusal:
        print(refusal.code, file=sys.stderr)
        raise SystemExit(2) from None
    print("Configuration OK.")

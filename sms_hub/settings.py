"""One typed settings object, read from the environment once.

Every knob of the product is here, with the default that makes the app run
with no account and no server: SQLite under ``data/`` and the built-in
Sarbacane simulator mounted on the app's own port.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Where the simulator is mounted on the app's own server.
SIMULATOR_MOUNT = "/sarbacane-sim"
#: Credentials the simulator accepts when the app runs on it.
SIMULATOR_ACCOUNT_ID = "demo-account"
SIMULATOR_API_KEY = "demo-api-key"
#: How the simulator words its answers where the public evidence allows
#: several shapes (see ``sms_hub.sarbacane.simulator._shapes``): ``likely``
#: (the default) or ``alternative``.
SIMULATOR_RESPONSE_STYLES = ("likely", "alternative")
#: The audience every launch token must name.
PORTAL_AUDIENCE = "sms-hub"
#: The shortest HS256 key accepted (RFC 7518 §3.2: at least the hash size).
MIN_SIGNING_KEY_BYTES = 32


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _env_float(name: str, default: float) -> float:
    return float(_env(name, str(default)))


def _env_int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def _env_optional_int(name: str, default: int | None) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _env_bool(name: str, default: bool) -> bool:
    return _env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SimulatorSettings:
    """Behaviour of the built-in Sarbacane simulator (demos and tests)."""

    db_path: Path
    account_id: str
    api_key: str = field(repr=False)
    recipients_per_second: float
    moderation_seconds: float
    latency_ms: int
    error_rate: float
    lock_error_rate: float
    rate_limit_rate: float
    force_unauthorized: bool
    initial_sms_credits: int
    response_style: str = SIMULATOR_RESPONSE_STYLES[0]


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment."""

    port: int
    database_url: str
    data_dir: Path
    sarbacane_api_url: str
    sarbacane_account_id: str
    sarbacane_api_key: str = field(repr=False)
    sarbacane_timeout_seconds: float
    sarbacane_max_retries: int
    sarbacane_app_url: str
    sarbacane_campaign_path: str
    sarbacane_report_path: str
    sarbacane_new_campaign_path: str
    uses_simulator: bool
    simulator: SimulatorSettings
    demo_mode: bool
    demo_tenant_name: str
    demo_user: str
    opt_out_mention: str
    page_size: int
    frame_ancestors: str
    poll_interval_seconds: float
    portal_signing_key: str = field(repr=False)
    portal_public_key: str = field(repr=False)
    portal_issuer: str
    session_max_age_seconds: float
    secrets_keys: tuple[str, ...] = field(repr=False)
    csv_max_bytes: int
    csv_max_rows: int
    stuck_after_seconds: float
    redis_url: str = ""
    workers: int | None = None
    #: How often the poller's leader looks for campaigns made in Sarbacane.
    discovery_interval_seconds: float = 300.0
    #: How often the poller's leader reads each centre's unsubscribe list.
    stop_refresh_seconds: float = 900.0
    #: Bearer token of ``/_metrics``; empty: no metrics endpoint (404).
    metrics_token: str = field(default="", repr=False)
    #: ``json``: one JSON object a log line; anything else: the human format.
    log_format: str = "text"

    def sarbacane_link(self, path_template: str, **ids: str) -> str:
        """A link into Sarbacane's web application (or the simulator's pages)."""
        return self.sarbacane_app_url.rstrip("/") + path_template.format(**ids)


def load_settings() -> Settings:
    """Read the environment (not cached: tests build their own)."""
    port = _env_int("PORT", 3000)
    data_dir = Path(_env("DATA_DIR", str(PROJECT_ROOT / "data")))
    api_url = os.environ.get("SARBACANE_API_URL", "").strip()
    uses_simulator = not api_url
    if uses_simulator:
        api_url = f"http://127.0.0.1:{port}{SIMULATOR_MOUNT}/v1"
        account_id, api_key = SIMULATOR_ACCOUNT_ID, SIMULATOR_API_KEY
        app_url = _env("SARBACANE_APP_URL", f"{SIMULATOR_MOUNT}/app")
        campaign_path = "/campaigns/{campaign_id}"
        report_path = "/reports/{campaign_id}"
        new_campaign_path = "/campaigns/new"
    else:
        account_id = _env("SARBACANE_ACCOUNT_ID", "")
        api_key = _env("SARBACANE_API_KEY", "")
        app_url = _env("SARBACANE_APP_URL", "https://app.sarbacane.com")
        campaign_path = "/#!/p/campaignslist/camp/{campaign_id}/preview"
        report_path = "/#!/p/campaignslist/camp/{campaign_id}/report"
        new_campaign_path = "/#!/p/campaignslist/create"
    simulator = SimulatorSettings(
        db_path=Path(_env("SIMULATOR_DB_PATH", str(data_dir / "simulator.db"))),
        account_id=SIMULATOR_ACCOUNT_ID,
        api_key=SIMULATOR_API_KEY,
        recipients_per_second=_env_float("SIMULATOR_RECIPIENTS_PER_SECOND", 50.0),
        moderation_seconds=_env_float("SIMULATOR_MODERATION_SECONDS", 3.0),
        latency_ms=_env_int("SIMULATOR_LATENCY_MS", 0),
        error_rate=_env_float("SIMULATOR_ERROR_RATE", 0.0),
        lock_error_rate=_env_float("SIMULATOR_LOCK_ERROR_RATE", 0.0),
        rate_limit_rate=_env_float("SIMULATOR_RATE_LIMIT_RATE", 0.0),
        force_unauthorized=_env_bool("SIMULATOR_FORCE_UNAUTHORIZED", False),
        initial_sms_credits=_env_int("SIMULATOR_SMS_CREDITS", 100_000),
        response_style=_response_style(),
    )
    return Settings(
        port=port,
        database_url=_env("DATABASE_URL", f"sqlite:///{data_dir / 'sms_hub.db'}"),
        data_dir=data_dir,
        sarbacane_api_url=api_url,
        sarbacane_account_id=account_id,
        sarbacane_api_key=api_key,
        sarbacane_timeout_seconds=_env_float("SARBACANE_TIMEOUT_SECONDS", 10.0),
        sarbacane_max_retries=_env_int("SARBACANE_MAX_RETRIES", 3),
        sarbacane_app_url=_env("SARBACANE_APP_URL", app_url),
        sarbacane_campaign_path=_env("SARBACANE_CAMPAIGN_PATH", campaign_path),
        sarbacane_report_path=_env("SARBACANE_REPORT_PATH", report_path),
        sarbacane_new_campaign_path=_env(
            "SARBACANE_NEW_CAMPAIGN_PATH", new_campaign_path
        ),
        uses_simulator=uses_simulator,
        simulator=simulator,
        demo_mode=_env_bool("DEMO_MODE", False),
        demo_tenant_name=_env("DEMO_TENANT_NAME", "Centre de formation Horizon"),
        demo_user=_env("DEMO_USER", "demo@centre-formation.fr"),
        opt_out_mention=_env("OPT_OUT_MENTION", "STOP au 36111"),
        page_size=_env_int("PAGE_SIZE", 20),
        frame_ancestors=_env("FRAME_ANCESTORS", "'self'"),
        poll_interval_seconds=_env_float("POLL_INTERVAL_SECONDS", 2.0),
        stop_refresh_seconds=_env_float("STOP_REFRESH_SECONDS", 900.0),
        portal_signing_key=_env("PORTAL_SIGNING_KEY", ""),
        portal_public_key=_env("PORTAL_PUBLIC_KEY", ""),
        portal_issuer=_env("PORTAL_ISSUER", "hub3e-portal"),
        session_max_age_seconds=_env_float("SESSION_MAX_AGE_HOURS", 8.0) * 3600,
        secrets_keys=tuple(
            key.strip() for key in _env("SECRETS_KEY", "").split(",") if key.strip()
        ),
        csv_max_bytes=_env_int("CSV_MAX_BYTES", 50_000_000),
        csv_max_rows=_env_int("CSV_MAX_ROWS", 1_000_000),
        stuck_after_seconds=_env_float("STUCK_AFTER_SECONDS", 600.0),
        redis_url=_env("REDIS_URL", ""),
        workers=_env_optional_int(
            "WORKERS", _env_optional_int("GRANIAN_WORKERS", None)
        ),
        discovery_interval_seconds=_env_float("DISCOVERY_INTERVAL_SECONDS", 300.0),
        metrics_token=_env("METRICS_TOKEN", ""),
        log_format=_env("LOG_FORMAT", "text").lower(),
    )


def _response_style() -> str:
    style = _env("SIMULATOR_RESPONSE_STYLE", SIMULATOR_RESPONSE_STYLES[0]).lower()
    if style not in SIMULATOR_RESPONSE_STYLES:
        raise ValueError(
            f"SIMULATOR_RESPONSE_STYLE must be one of {SIMULATOR_RESPONSE_STYLES},"
            f" not {style!r}"
        )
    return style


def origin_of(url: str) -> str | None:
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    if "*" in parts.netloc:  # a CSP wildcard is no origin a browser sends
        return None
    return f"{parts.scheme}://{parts.netloc}"


def allowed_origins(settings: Settings, api_url: str) -> list[str]:
    """Origins allowed to call the backend (CORS, websocket): the app's own and
    the portal's (the origins listed in ``FRAME_ANCESTORS``)."""
    origins: list[str] = []
    own = origin_of(api_url)
    if own:
        origins.append(own)
        if "://localhost" in own:
            origins.append(own.replace("://localhost", "://127.0.0.1"))
    for source in [os.environ.get("DEPLOY_URL", ""), *settings.frame_ancestors.split()]:
        origin = origin_of(source)
        if origin and origin not in origins:
            origins.append(origin)
    return origins


def runs_several_workers(settings: Settings) -> bool:
    """Whether the backend starts more than one worker process.

    ``WORKERS`` decides when set. Unset, Reflex starts one worker without
    ``REDIS_URL`` and, with it, ``2 × cores + 1`` (at least 3, at most 8).
    """
    if settings.workers is not None:
        return settings.workers > 1
    return bool(settings.redis_url)


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()

"""The sqlmodel tables: one database for every training centre (tenant).

Every row that belongs to a training centre carries ``tenant_id``; the
named queries (``store/*_queries.py``) filter on it, or their docstring says
why not on a line starting "Not scoped:".
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timestamps are aware and stored in UTC; display converts to Europe/Paris."""
    return datetime.now(UTC)


class Tenant(SQLModel, table=True):
    """A training centre, its Sarbacane account and its sending settings.

    The API key is stored encrypted (``store.secret_box``) and never leaves
    the server; ``repr`` leaves it out.
    """

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True, max_length=64)
    name: str = Field(max_length=200)
    sarbacane_account_id: str | None = Field(default=None, max_length=200)
    sarbacane_api_key_encrypted: str | None = Field(default=None, repr=False)
    sarbacane_configured_at: datetime | None = None
    default_sender: str = Field(default="", max_length=11)
    opt_out_mention: str = Field(default="STOP au 36111", max_length=40)
    sending_days: str = Field(default="0,1,2,3,4,5", max_length=13)
    window_start: str = Field(default="08:00", max_length=5)
    window_end: str = Field(default="20:00", max_length=5)
    timezone: str = Field(default="Europe/Paris", max_length=40)
    holiday_subdivision: str | None = Field(default=None, max_length=8)
    templates_given: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    #: « Durée de conservation » (months after the last campaign that reached
    #: a person), and the retention job's last run and how many it anonymised.
    retention_months: int = 36
    retention_run_at: datetime | None = None
    retention_count: int = 0


class Campaign(SQLModel, table=True):
    """A standard SMS campaign created from Hub3E, mirrored in Sarbacane."""

    __table_args__ = (
        Index("ix_campaign_tenant_created", "tenant_id", "created_at"),
        Index("ix_campaign_tenant_status", "tenant_id", "status"),
        UniqueConstraint(
            "sarbacane_account_id",
            "sarbacane_id",
            name="uq_campaign_account_sarbacane_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    sarbacane_account_id: str = Field(default="", max_length=200)
    sarbacane_id: str = Field(max_length=100, index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    sender: str = Field(max_length=11)
    content: str
    status: str = Field(max_length=16)
    remote_state: str | None = Field(default=None, max_length=32)
    scheduled_at: datetime | None = None
    recipient_count: int = 0
    processed_count: int = 0
    created_by: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    status_changed_at: datetime = Field(default_factory=utcnow)
    last_sync_at: datetime | None = None
    last_error: str | None = None
    #: When the finished campaign's per-recipient report was read and kept,
    #: and the statistics computed from it then (JSON), for later opens.
    report_fetched_at: datetime | None = None
    report_summary: str | None = None
    #: A replacement of the Sarbacane campaign under way (JSON, see
    #: ``services.modify``): None when the campaign is linked to exactly one.
    replacement: str | None = None
    #: When Hub3E last wrote to or read its Sarbacane campaign: a later
    #: ``edited`` there means someone changed it in Sarbacane.
    sarbacane_seen_at: datetime | None = None
    #: ``hub``: made from Hub3E; ``sarbacane``: made in Sarbacane's own
    #: interface and taken in by discovery (« Créée sur Sarbacane »).
    origin: str = Field(default="hub", max_length=16)
    #: Sarbacane's ``edited`` last seen for an adopted campaign (its name is
    #: read again when Sarbacane's is newer).
    sarbacane_edited: datetime | None = None


class ContactList(SQLModel, table=True):
    """A Hub3E contact list (the source of a campaign's recipients)."""

    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    name: str = Field(max_length=200)
    contact_count: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Contact(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("list_id", "phone"),)

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="contactlist.id")
    email: str | None = Field(default=None, max_length=320)
    phone: str = Field(max_length=20)
    last_name: str | None = Field(default=None, max_length=200)
    first_name: str | None = Field(default=None, max_length=200)


class CampaignRecipient(SQLModel, table=True):
    """A recipient copied into a campaign; ``pushed`` once Sarbacane acknowledged it."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "phone"),
        Index("ix_recipient_campaign_pushed", "campaign_id", "pushed"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    email: str | None = Field(default=None, max_length=320)
    phone: str = Field(max_length=20)
    source_list_id: int | None = None
    pushed: bool = False
    outcome: str | None = Field(default=None, max_length=16)
    outcome_at: datetime | None = None


class CampaignExclusion(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("campaign_id", "blacklist_id"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    blacklist_id: str = Field(max_length=100)
    blacklist_name: str = Field(max_length=200)


class AuditEvent(SQLModel, table=True):
    """Who did what to which campaign, when, and how it ended."""

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    campaign_id: int | None = Field(default=None, index=True)
    campaign_name: str = Field(default="", max_length=200)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=32)
    outcome: str = Field(max_length=16)
    detail: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SmsTemplate(SQLModel, table=True):
    """A centre's reusable SMS text (« Modèles de SMS »)."""

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    name: str = Field(max_length=80)
    content: str
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Lease(SQLModel, table=True):
    """A named lease held by one worker (elects the single status poller)."""

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=200)
    expires_at: datetime


class PollHealth(SQLModel, table=True):
    """How the status poller fares with a centre's Sarbacane account.

    ``consecutive_failures`` above 0 flags the account (silent, refusing,
    erroring); the poller leaves it alone until ``next_attempt_at`` (a
    backoff that doubles with each failure, capped), and resets the count at
    the first read that succeeds. Shared by every worker (any may lead).
    """

    tenant_id: int = Field(foreign_key="tenant.id", primary_key=True)
    consecutive_failures: int = 0
    last_error_code: str | None = Field(default=None, max_length=100)
    last_failure_at: datetime | None = None
    next_attempt_at: datetime | None = None
    recovered_at: datetime | None = None


class LaunchToken(SQLModel, table=True):
    """A portal launch token already used, kept until it expires (replay guard)."""

    jti: str = Field(primary_key=True, max_length=200)
    session_key: str = Field(max_length=200)
    expires_at: datetime


class DownloadUse(SQLModel, table=True):
    """A download link already used (it never serves again), and while its
    file is being sent, one of its user's few concurrent downloads."""

    __table_args__ = (Index("ix_downloaduse_user", "tenant_id", "user"),)

    link_id: str = Field(primary_key=True, max_length=64)
    tenant_id: int
    user: str = Field(max_length=200)
    used_at: datetime
    expires_at: datetime
    finished_at: datetime | None = None


class Unsubscriber(SQLModel, table=True):
    """A number (E.164) or an e-mail (lower case) on the centre's Sarbacane
    unsubscribe list (``DEFAULT_BLACKLIST``), as last read."""

    __table_args__ = (UniqueConstraint("tenant_id", "kind", "value"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    kind: str = Field(max_length=5)  # "phone" or "email"
    value: str = Field(max_length=320)


class UnsubscribersRead(SQLModel, table=True):
    """When the centre's unsubscribe list was last read from Sarbacane."""

    tenant_id: int = Field(foreign_key="tenant.id", primary_key=True)
    read_at: datetime

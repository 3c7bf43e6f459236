"""The centre's unsubscribed contacts (« Désinscrit (STOP) »).

Who answered STOP (or unsubscribed by e-mail) is on the centre's Sarbacane
unsubscribe list (``DEFAULT_BLACKLIST``). SMS Hub keeps a copy per centre,
as keys: an E.164 number or a lower-cased e-mail address. A contact or a
recipient is unsubscribed when its number or its e-mail is among them.

Only SMS Marketing leaves them out: a notification SMS carries no opt-out
(no commercial content, no « STOP au 36xxx »), so a STOP does not stop a
session reminder or a convocation.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sms_hub.domain.campaign import UNSUBSCRIBE_LIST_ID, CampaignKind
from sms_hub.domain.formatting import count_fr, date_time_fr
from sms_hub.domain.phone import normalize_mobile

#: The badge of an unsubscribed contact or recipient.
BADGE = "Désinscrit (STOP)"
#: The filter of the contacts and recipients tables.
FILTER_ALL = "Tous les contacts"
FILTER_ONLY = "Désinscrits uniquement"
NEVER_READ = "Liste des désinscrits pas encore lue depuis Sarbacane."
REFRESH_FAILED = (
    "La liste des désinscrits n'a pas pu être lue depuis Sarbacane : "
    "réessayez dans un instant."
)

PHONE = "phone"
EMAIL = "email"


def phone_key(raw: str | None) -> str | None:
    """The E.164 form of an unsubscribed number, None when it is not one."""
    if not raw or not raw.strip():
        return None
    return normalize_mobile(raw.strip()).e164


def email_key(raw: str | None) -> str | None:
    value = (raw or "").strip().lower()
    return value if "@" in value else None


def entry_keys(email: str | None, phones: Iterable[str]) -> set[tuple[str, str]]:
    """The keys of one entry of the unsubscribe list: its e-mail and each of
    its numbers (an entry may hold several)."""
    keys: set[tuple[str, str]] = set()
    if (address := email_key(email)) is not None:
        keys.add((EMAIL, address))
    for raw in phones:
        if (number := phone_key(raw)) is not None:
            keys.add((PHONE, number))
    return keys


def leaves_out_unsubscribed(kind: str | CampaignKind) -> bool:
    """Whether a campaign of this kind never goes to an unsubscribed number:
    SMS Marketing only (a notification has no opt-out)."""
    return CampaignKind(kind) is CampaignKind.MARKETING


def excluded_by(blacklist_ids: Iterable[str]) -> bool:
    """Whether the campaign's exclusion lists include the unsubscribe list."""
    return UNSUBSCRIBE_LIST_ID in set(blacklist_ids)


def read_at_label(read_at: datetime | None, timezone: str | None = None) -> str:
    """« Liste des désinscrits mise à jour le 04/12/2026 18:05 »."""
    if read_at is None:
        return NEVER_READ
    return f"Liste des désinscrits mise à jour le {date_time_fr(read_at, timezone)}"


def excluded_message(count: int) -> str:
    """The launch dialog's line: « 3 destinataires désinscrits ne recevront
    pas ce SMS »; empty when none."""
    if count <= 0:
        return ""
    verb = "ne recevra" if count < 2 else "ne recevront"
    who = count_fr(count, "destinataire désinscrit", "destinataires désinscrits")
    return f"{who} {verb} pas ce SMS"


def skipped_message(count: int) -> str:
    """The import's line about the unsubscribed contacts it left out; empty
    when none."""
    if count <= 0:
        return ""
    return (
        count_fr(
            count,
            "contact désinscrit (STOP) ignoré",
            "contacts désinscrits (STOP) ignorés",
        )
        + (" : il ne recevra pas" if count < 2 else " : ils ne recevront pas")
        + (" les SMS Marketing du centre.")
    )

"""A training centre's own settings (« Paramètres du centre ») and their rules.

The sending window may be narrowed but never widened past 08:00–22:00 nor
opened on Sundays (``calendar.SendingWindow`` decides); the opt-out mention
must name STOP (the recipient's way to object, sms-rules.md); the default
sender follows the sender-label rule. Each problem is a French message keyed
by the form field it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from sms_hub.domain import calendar, retention
from sms_hub.domain.formatting import count_fr
from sms_hub.domain.lifecycle import ACTIVE_STATUSES, STATUS_INFO, Status
from sms_hub.domain.sender import validate_sender

MENTION_MAX_LENGTH = 40
ACCOUNT_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,200}$")
API_KEY_PATTERN = re.compile(r"^[A-Za-z0-9._~+/=-]{8,500}$")
DAY_LABELS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi")


@dataclass(frozen=True)
class CentreSettings:
    default_sender: str
    opt_out_mention: str
    sending_days: frozenset[int]
    window_start: str
    window_end: str
    timezone: str
    alsace_moselle: bool
    #: « Durée de conservation », in months (see ``domain.retention``).
    retention_months: int = retention.DEFAULT_MONTHS

    @property
    def subdivision(self) -> str | None:
        return calendar.subdivision_for(self.timezone, self.alsace_moselle)

    def window(self) -> calendar.SendingWindow:
        """The sending window; raises ``ValueError`` (French) when it is invalid."""
        return calendar.SendingWindow(
            start=_parse_time(self.window_start),
            end=_parse_time(self.window_end),
            weekdays=self.sending_days,
            subdivision=self.subdivision,
            timezone=self.timezone,
        )


def _parse_time(text: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError as error:
        raise ValueError("Saisissez une heure au format HH:MM.") from error


def days_to_text(days: frozenset[int]) -> str:
    return ",".join(str(day) for day in sorted(days))


def days_from_text(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in text.split(",") if part.strip().isdigit())


def validate_centre_settings(settings: CentreSettings) -> dict[str, str]:
    """Field name → French message; empty when the settings can be saved."""
    errors: dict[str, str] = {}
    if settings.default_sender:
        problem = validate_sender(settings.default_sender)
        if problem:
            errors["default_sender"] = problem
    mention = settings.opt_out_mention.strip()
    if "STOP" not in mention.upper():
        errors["opt_out_mention"] = (
            "La mention de désinscription doit indiquer comment répondre STOP "
            "(par exemple « STOP au 36111 »)."
        )
    elif len(mention) > MENTION_MAX_LENGTH:
        errors["opt_out_mention"] = (
            f"La mention ne peut pas dépasser {MENTION_MAX_LENGTH} caractères."
        )
    retention_problem = retention.validate_months(settings.retention_months)
    if retention_problem:
        errors["retention_months"] = retention_problem
    if settings.timezone not in calendar.TIMEZONES:
        errors["timezone"] = "Choisissez un fuseau horaire de la liste."
        return errors
    try:
        settings.window()
    except ValueError as error:
        field = (
            "sending_days"
            if "jour" in str(error) or "lundi" in str(error)
            else ("window")
        )
        errors[field] = str(error)
    return errors


def validate_account(account_id: str, api_key: str) -> dict[str, str]:
    """The Sarbacane account fields as entered (the key may be left blank to keep it)."""
    errors: dict[str, str] = {}
    if not ACCOUNT_ID_PATTERN.fullmatch(account_id.strip()):
        errors["account_id"] = (
            "Saisissez l'identifiant du compte Sarbacane (lettres, chiffres, . _ -)."
        )
    if api_key and not API_KEY_PATTERN.fullmatch(api_key):
        errors["api_key"] = (
            "La clé d'API n'a pas le bon format : recopiez-la depuis Sarbacane, "
            "sans espace."
        )
    return errors


OTHER_ACCOUNT = (
    "Cette campagne a été créée avec un autre compte Sarbacane que celui "
    "configuré aujourd'hui dans « Paramètres du centre » : elle ne peut être "
    "ni consultée ni modifiée avec ce compte."
)


def made_in_account(recorded: str, current: str, *, own_account: bool) -> bool:
    """Whether a campaign recorded as made in ``recorded`` is reached through
    ``current``, the account the centre uses now (``own_account``: the
    centre's own, not the demo one).

    A campaign stored before campaigns recorded their account, whose centre
    had no account when it was recorded (``""``), belongs to the demo
    account only.
    """
    if recorded:
        return recorded == current
    return not own_account


def account_change_refusal(active_campaigns: int) -> str | None:
    """Why the Sarbacane account cannot change now, or None.

    Sarbacane keeps sending the active campaigns in the account they were
    made in; read through another account they would look gone. They must
    end or be cancelled first. Entering a new key for the same account id
    stays allowed: Sarbacane checks the key with the account id, so it
    cannot lead to another account.
    """
    if not active_campaigns:
        return None
    labels = [STATUS_INFO[s].label for s in Status if s in ACTIVE_STATUSES]
    statuses = ", ".join(labels[:-1]) + " ou " + labels[-1]
    campaigns = count_fr(active_campaigns, "campagne active", "campagnes actives")
    return (
        "Le compte Sarbacane ne peut pas être changé tant que des campagnes "
        f"sont actives : {campaigns} ({statuses}) avec le compte actuel. "
        "Attendez la fin de leur envoi ou annulez-les d'abord."
    )

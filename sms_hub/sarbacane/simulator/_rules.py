"""The simulated Sarbacane's rules: outcomes, SMS parts, a send's timeline.

Outcome of each recipient, decided by the last two digits of the phone:

- ``…13``: the SMS fails (``bounce: true, success: false``); the number joins
  ``DEFAULT_BOUNCELIST`` (its ``bounces``) when processed;
- ``…99``: the SMS is delivered, then the person answers STOP
  (``success: true, unsubscribe: true``); the number joins
  ``DEFAULT_BLACKLIST`` (its ``unsubscribers``) when processed;
- anything else: delivered (``success: true``).

Timeline of a send, computed from stored timestamps (no background task,
so it survives restarts and agrees across worker processes):

- before its start (the ``requestedSendDate`` of a scheduled send) the
  campaign reports ``DRAFT``: Sarbacane documents no scheduled state, Hub3E
  keeps *Planifiée* as its own, and the simulator exposes
  ``requestedSendDate`` so the difference can be seen;
- ``MODERATION`` for ``moderation_seconds`` (forever when the SMS content is
  empty: « si une campagne a été créée sur Sarbacane sans modèle de SMSing
  [...] elle restera bloquée au statut Reçue par le serveur d'envoi »);
- ``ROUTING`` at ``recipients_per_second``, recipients in insertion order;
- ``FINISH`` when every recipient is processed.

A cancel freezes the timeline at the cancel time (recipients already
processed stay processed) and puts the campaign back to ``DRAFT`` with
``cancelled: true``; it can be sent again (a new send, all recipients).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = set("^{}\\[~]|€\f")


class Outcome(enum.Enum):
    DELIVERED = "delivered"
    BOUNCE = "bounce"
    STOP = "stop"


def outcome(phone: str) -> Outcome:
    """What happens to an SMS sent to ``phone`` (see the module docstring)."""
    if phone.endswith("13"):
        return Outcome.BOUNCE
    if phone.endswith("99"):
        return Outcome.STOP
    return Outcome.DELIVERED


def sms_parts(text: str) -> int:
    """How many SMS a text takes (GSM 7-bit or UCS-2); 0 for an empty text."""
    if not text:
        return 0
    if all(char in _GSM_BASIC or char in _GSM_EXTENSION for char in text):
        units = sum(2 if char in _GSM_EXTENSION else 1 for char in text)
        single, part = 160, 153
    else:
        units = sum(2 if ord(char) > 0xFFFF else 1 for char in text)
        single, part = 70, 67
    return 1 if units <= single else math.ceil(units / part)


@dataclass(frozen=True)
class Send:
    """A stored send of a campaign (one per launch)."""

    id: str
    campaign_id: str
    created: float
    start_at: float
    requested_send_date: str | None
    moderation_seconds: float
    recipients_per_second: float
    total: int
    parts: int
    cancelled_at: float | None

    @property
    def stuck(self) -> bool:
        return self.parts == 0

    @property
    def routing_start(self) -> float:
        return self.start_at + self.moderation_seconds

    def processed_at(self, seq: int) -> float:
        """When the recipient at position ``seq`` (from 0) is processed."""
        return self.routing_start + (seq + 1) / self.recipients_per_second


@dataclass(frozen=True)
class Progress:
    phase: str  # SCHEDULED, MODERATION, ROUTING or FINISH
    processed: int


def progress(send: Send, now: float) -> Progress:
    """Where the send stands at ``now`` (frozen at its cancel time)."""
    at = min(now, send.cancelled_at) if send.cancelled_at is not None else now
    if at < send.start_at:
        return Progress("SCHEDULED", 0)
    if send.stuck or at < send.routing_start:
        return Progress("MODERATION", 0)
    done = min(
        send.total, math.floor((at - send.routing_start) * send.recipients_per_second)
    )
    return Progress("FINISH" if done >= send.total else "ROUTING", done)


def campaign_state(send: Send | None, now: float) -> str:
    """The ``state`` Sarbacane reports for a campaign whose last send is ``send``."""
    if send is None or send.cancelled_at is not None:
        return "DRAFT"
    phase = progress(send, now).phase
    return "DRAFT" if phase == "SCHEDULED" else phase

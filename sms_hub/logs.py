"""Logging: the human format by default, one JSON object a line with
``LOG_FORMAT=json``; in both, no secret and no phone number.

A JSON line holds ``timestamp`` (UTC, ISO 8601), ``level``, ``logger``,
``event`` (the message), and ``centre`` (slug) and ``campaign_id`` when the
code logging runs inside :func:`log_context` (or passes them in ``extra``).
:class:`Redact` masks, in every record, what looks like an E.164 or French
phone number and the value of a known secret field (``apiKey=…``,
``"token": "…"``, ``Authorization: Bearer …``).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

_centre: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "log_centre", default=None
)
_campaign: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "log_campaign", default=None
)

MASK = "[masqué]"
#: +33612345678, +33 6 12 34 56 78, 0612345678, 06 12 34 56 78, 06.12.34.56.78
_PHONE = re.compile(
    r"(?<![\w+])(?:\+[1-9](?:[ .-]?\d){7,14}|0[1-9](?:[ .-]?\d{2}){4})(?!\d)"
)
_SECRET_NAMES = (
    r"api[_-]?key|apikey|secret[s_]*(?:key)?|password|passwd|token|"
    r"signing[_-]?key|metrics[_-]?token|authorization|bearer"
)
#: ``name=value``, ``name: value``, ``"name": "value"``, ``'name': 'value'``.
_SECRET_FIELD = re.compile(
    rf"(?i)(?P<name>[\"']?\b[\w-]*(?:{_SECRET_NAMES})[\"']?\s*[:=]\s*"
    rf"(?:bearer\s+)?[\"']?)(?P<value>[^\s\"',;}}&]+)"
)
_BEARER = re.compile(r"(?i)\b(bearer\s+)[^\s\"',;]+")


def redact(text: str) -> str:
    """The text without secret values nor phone numbers."""
    text = _SECRET_FIELD.sub(lambda m: m.group("name") + MASK, text)
    text = _BEARER.sub(lambda m: m.group(1) + MASK, text)
    return _PHONE.sub(MASK, text)


@contextlib.contextmanager
def log_context(
    *, centre: str | None = None, campaign_id: int | None = None
) -> Iterator[None]:
    """Lines logged inside name this centre (slug) and campaign."""
    tokens = []
    if centre is not None:
        tokens.append((_centre, _centre.set(centre)))
    if campaign_id is not None:
        tokens.append((_campaign, _campaign.set(campaign_id)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


class Redact(logging.Filter):
    """Masks phone numbers and secret fields in the message and the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
            "centre": getattr(record, "centre", None) or _centre.get(),
            "campaign_id": getattr(record, "campaign_id", None) or _campaign.get(),
        }
        if record.exc_info or record.exc_text:
            line["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


HUMAN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(log_format: str, stream=None) -> logging.Handler:
    """Install one handler on the root logger (replacing one installed before
    by this function): JSON lines for ``json``, else the human format."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(Redact())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(HUMAN_FORMAT))
    handler.set_name("sms-hub")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "sms-hub"]:
        root.removeHandler(old)
    root.addHandler(handler)
    return handler

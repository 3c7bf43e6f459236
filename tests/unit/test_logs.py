"""Logs: one JSON object a line with ``LOG_FORMAT=json``, the human format by
default; never a secret nor a phone number in either."""

from __future__ import annotations

import io
import json
import logging

import pytest

from sms_hub import logs
from sms_hub.settings import load_settings

API_KEY = "sk-live-6f1d0c2b9a8e7d6c"
PHONE = "+33612345678"


@pytest.fixture
def captured():
    made: list[logging.Handler] = []

    def install(log_format: str) -> io.StringIO:
        stream = io.StringIO()
        made.append(logs.configure(log_format, stream))
        return stream

    yield install
    for handler in made:
        logging.getLogger().removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_log_format_is_a_setting_and_defaults_to_the_human_one(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    assert load_settings().log_format == "text"
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert load_settings().log_format == "json"


def test_a_json_line_names_the_centre_and_campaign_and_hides_key_and_phone(
    captured,
):
    stream = captured("json")
    log = logging.getLogger("sms_hub.services.sync")
    with logs.log_context(centre="cfa-lyon", campaign_id=42):
        log.warning(
            "push failed for %s with headers %s",
            PHONE,
            {"accountId": "acc-1", "apiKey": API_KEY},
        )
    log.warning("after the context: %s", "nothing")

    first, second = _lines(stream)
    assert first["level"] == "WARNING"
    assert first["logger"] == "sms_hub.services.sync"
    assert first["centre"] == "cfa-lyon"
    assert first["campaign_id"] == 42
    assert first["timestamp"].endswith("+00:00")
    assert first["event"].startswith("push failed for [masqué] with headers")
    assert "acc-1" in first["event"]
    assert (second["centre"], second["campaign_id"]) == (None, None)
    assert API_KEY not in stream.getvalue()
    assert "612345678" not in stream.getvalue()


def test_a_traceback_loses_its_secrets_too(captured):
    stream = captured("json")
    try:
        raise ValueError(f"token={API_KEY} for 06 12 34 56 78")
    except ValueError:
        logging.getLogger("sms_hub.http").exception("download failed")
    (line,) = _lines(stream)
    assert "ValueError" in line["exception"]
    assert API_KEY not in line["exception"]
    assert "06 12 34 56 78" not in line["exception"]


def test_the_human_format_is_the_default_and_is_masked_as_well(captured):
    stream = captured("text")
    logging.getLogger("sms_hub.x").warning(
        "Authorization: Bearer %s, contact 0612345678", API_KEY
    )
    text = stream.getvalue()
    assert text.rstrip().endswith(
        "WARNING sms_hub.x: Authorization: Bearer [masqué], contact [masqué]"
    )
    assert not text.startswith("{")


@pytest.mark.parametrize(
    "kept",
    [
        "campaign 12345 read in 250 ms",
        "HTTP 401 GET /campaigns/65a1b2c3d4e5f60718293a4b",
        "2026-12-04T19:13:42+00:00",
        "3 recipient(s) sur 1500",
    ],
)
def test_ids_counts_and_dates_are_not_mistaken_for_phone_numbers(kept):
    assert logs.redact(kept) == kept

"""The client against every recorded response shape (tests/fixtures/sarbacane)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

import sms_hub.sarbacane as sarbacane
from sms_hub.sarbacane import RecipientIn, SarbacaneClient
from tests.integration.sarbacane_support import make_client

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sarbacane"
BASE_URL = "https://sarbacane.test/v1"


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def serving(status: int, body: Any, seen: list[httpx.Request]) -> SarbacaneClient:
    """A client whose every request gets this one answer."""

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body)

    return make_client(BASE_URL, transport=httpx.MockTransport(answer))


def project(value: Any, expected: Any) -> Any:
    """``value`` reduced to what ``expected`` names, as plain JSON values."""
    if isinstance(expected, dict):
        return {key: project(getattr(value, key), sub) for key, sub in expected.items()}
    if isinstance(expected, list):
        items = list(value)
        if len(items) != len(expected):
            return [project(item, None) for item in items]
        return [project(item, sub) for item, sub in zip(items, expected, strict=True)]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [project(item, None) for item in value]
    return value


SAMPLES = sorted(path.stem for path in FIXTURES.glob("*.json"))


def test_every_sample_names_its_source() -> None:
    assert SAMPLES
    for name in SAMPLES:
        sample = load(name)
        assert sample["_source"].strip(), name
        assert ("expect" in sample) != ("expect_error" in sample), name


@pytest.mark.parametrize("name", SAMPLES)
async def test_the_client_reads_each_recorded_shape(name: str) -> None:
    sample = load(name)
    seen: list[httpx.Request] = []
    client = serving(sample["status"], sample["body"], seen)
    call = getattr(client, sample["call"])(**sample["args"])
    try:
        if "expect_error" in sample:
            wanted = sample["expect_error"]
            with pytest.raises(getattr(sarbacane, wanted["type"])) as caught:
                await call
            assert caught.value.code == wanted["code"]
            if "maybe_applied" in wanted:
                assert caught.value.maybe_applied is wanted["maybe_applied"]
            assert len(seen) == wanted["requests"]
        else:
            result = await call
            assert project(result, sample["expect"]) == sample["expect"]
    finally:
        await client.aclose()
    method, path = sample["request"].split(" ", 1)
    assert (seen[0].method, seen[0].url.path) == (method, "/v1" + path)


async def test_optional_keys_are_left_out_not_sent_as_null() -> None:
    seen: list[httpx.Request] = []
    client = serving(200, {"id": "cmp-1", "name": "N"}, seen)
    await client.create_sms_campaign(
        name="N", kind="SMS_NOTIFICATION", sms_from=None, content="C"
    )
    await client.add_recipients(
        "cmp-1", [RecipientIn(email=None, phone="+33600000001"), (None, "+33600000002")]
    )
    await client.aclose()
    create, recipients = (json.loads(request.content) for request in seen)
    assert create == {"name": "N", "kind": "SMS_NOTIFICATION", "content": "C"}
    assert recipients == [{"phone": "+33600000001"}, {"phone": "+33600000002"}]


def test_credits_that_expired_by_the_given_moment_do_not_count() -> None:
    body = load("credits_bare_list")["body"]
    now = datetime.fromisoformat("2020-01-30T12:00:00+00:00")
    assert sarbacane.Credits.parse(body, now=now).sms == 1200 + 300 + 75


def test_a_date_only_expiry_lasts_the_whole_day() -> None:
    body = [{"count": 10, "creditType": "SMS", "expirationDate": "2026-12-31"}]
    last_evening = datetime.fromisoformat("2026-12-31T23:00:00+00:00")
    next_morning = datetime.fromisoformat("2027-01-01T00:00:01+00:00")
    assert sarbacane.Credits.parse(body, now=last_evening).sms == 10
    assert sarbacane.Credits.parse(body, now=next_morning).sms == 0


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("+33600000001; +33600000002", ("+33600000001", "+33600000002")),
        ("+33600000001 +33600000002", ("+33600000001", "+33600000002")),
        ("+33600000001\n+33600000001", ("+33600000001",)),
        ("06 00 00 00 01", ("06 00 00 00 01",)),
        (["+33600000001", None], ("+33600000001",)),
        (None, ()),
    ],
)
def test_phones_of_an_exclusion_entry_are_split(
    text: Any, numbers: tuple[str, ...]
) -> None:
    entry = sarbacane.BlacklistEntry.parse({"phones": text})
    assert entry.phones == numbers
    assert entry.phone == (numbers[0] if numbers else None)


def test_numbers_are_read_from_phones_only() -> None:
    entry = sarbacane.BlacklistEntry.parse({"phone": "+33600000009"})
    assert (entry.phone, entry.phones) == (None, ())

"""The client reading an account's campaigns page by page, against the
simulator over real HTTP (once per response style, as the contract tests),
and against hand-made answers where Sarbacane's may differ."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from sms_hub.domain.adoption import is_adoptable
from sms_hub.sarbacane import (
    MAX_BATCH,
    CampaignSummary,
    ListingPage,
    Recipient,
    SarbacaneClient,
)
from sms_hub.sarbacane.simulator import Store
from sms_hub.settings import SIMULATOR_RESPONSE_STYLES
from tests.integration.sarbacane_support import (
    Simulator,
    make_client,
    phones,
    running_simulator,
    simulator_settings,
)


@pytest.fixture(scope="module", params=SIMULATOR_RESPONSE_STYLES)
def simulator(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Simulator]:
    with running_simulator(tmp_path_factory, response_style=request.param) as sim:
        yield sim


def token() -> str:
    return uuid.uuid4().hex[:10]


def bulk_create(sim: Simulator, tag: str, count: int) -> None:
    """``count`` campaigns named ``Lot <tag> <n>``, written straight into the
    simulator's file (the API would take a request each)."""
    store = Store(simulator_settings(sim.db_path))
    for n in range(count):
        store.create_campaign(
            name=f"Lot {tag} {n}",
            kind="SMS_MARKETING",
            sms_from=None,
            content="Bonjour",
            now=1_700_000_000 + n,
        )


async def collect(
    pages: Any,
) -> list[ListingPage[Any]]:
    return [page async for page in pages]


# -- one page -------------------------------------------------------------


async def test_listed_campaigns_are_typed(
    sim: Simulator, client: SarbacaneClient
) -> None:
    tag = token()
    first = await client.create_sms_campaign(
        name=f"Rentrée {tag}", kind="SMS_MARKETING", sms_from="Centre", content="x"
    )
    await client.add_recipients(first.id, [(None, n) for n in phones(2)])
    second = await client.create_sms_campaign(
        name=f"Rappel {tag}", kind="SMS_NOTIFICATION", sms_from=None, content="y"
    )
    listed = {s.id: s for s in await client.list_campaigns(search=tag)}
    assert set(listed) == {first.id, second.id}
    assert all(isinstance(s, CampaignSummary) for s in listed.values())
    assert listed[first.id].kind == "SMS_MARKETING"
    assert listed[second.id].kind == "SMS_NOTIFICATION"
    assert listed[first.id].count == 2 and listed[second.id].count == 0
    for summary in listed.values():
        assert summary.created is not None and summary.edited is not None
        assert summary.created.tzinfo is not None
        assert summary.edited >= summary.created
        assert abs(datetime.now(UTC) - summary.created).total_seconds() < 600


async def test_campaigns_made_in_sarbacane_s_interface_come_with_their_kind(
    sim: Simulator, client: SarbacaneClient
) -> None:
    tag = token()
    for kind in ("SMS_MARKETING", "EMAIL", "SMS_AUTOMATION"):
        made = sim.http.post(
            "/app/campaigns/new",
            data={"name": f"{kind} {tag}", "kind": kind, "content": "Bonjour"},
        )
        assert made.status_code == 303
    kinds = {s.kind for s in await client.list_campaigns(search=tag)}
    assert kinds == {"SMS_MARKETING", "EMAIL", "SMS_AUTOMATION"}
    adoptable = [
        s.name for s in await client.list_campaigns(search=tag) if is_adoptable(s.kind)
    ]
    assert adoptable == [f"SMS_MARKETING {tag}"]


# -- every page -----------------------------------------------------------


@pytest.fixture(scope="module")
def many(simulator: Simulator) -> str:
    """The tag of 2005 campaigns of the account (made once per simulator)."""
    tag = token()
    bulk_create(simulator, tag, 2 * MAX_BATCH + 5)
    return tag


async def test_campaign_pages_read_everything_by_1000(
    sim: Simulator, client: SarbacaneClient, many: str
) -> None:
    pages = await collect(client.campaign_pages(search=many))

    assert [len(page.items) for page in pages] == [1000, 1000, 5]
    assert [page.offset for page in pages] == [0, 1000, 2000]
    assert [page.last for page in pages] == [False, False, True]
    assert pages[-1].next_offset == 2005
    names = [s.name for page in pages for s in page.items]
    assert len(set(names)) == 2005
    assert names[0] == f"Lot {many} 2004" and names[-1] == f"Lot {many} 0"
    assert sim.count("GET /v1/campaigns") == 3


async def test_a_call_reads_at_most_max_pages_and_can_resume(
    sim: Simulator, client: SarbacaneClient, many: str
) -> None:
    pages = await collect(client.campaign_pages(search=many, max_pages=2))

    assert [len(page.items) for page in pages] == [1000, 1000]
    assert not pages[-1].last
    assert sim.count("GET /v1/campaigns") == 2
    rest = await collect(
        client.campaign_pages(search=many, offset=pages[-1].next_offset, max_pages=2)
    )
    assert [len(page.items) for page in rest] == [5]
    assert rest[0].last and rest[0].offset == 2000


async def test_an_account_without_campaigns_gives_one_empty_last_page(
    sim: Simulator, client: SarbacaneClient
) -> None:
    pages = await collect(client.campaign_pages(search=f"aucune {token()}"))
    assert [(page.items, page.last, page.next_offset) for page in pages] == [
        ((), True, 0)
    ]


@pytest.mark.parametrize("bound", [0, -1])
async def test_max_pages_must_allow_one_page(
    client: SarbacaneClient, bound: int
) -> None:
    with pytest.raises(ValueError):
        await collect(client.campaign_pages(max_pages=bound))


async def test_recipient_pages_read_a_campaign_s_recipients_by_1000(
    sim: Simulator, client: SarbacaneClient
) -> None:
    created = await client.create_sms_campaign(
        name=f"Destinataires {token()}",
        kind="SMS_MARKETING",
        sms_from=None,
        content="x",
    )
    numbers = phones(1500)
    for start in range(0, 1500, MAX_BATCH):
        await client.add_recipients(
            created.id, [(None, n) for n in numbers[start : start + MAX_BATCH]]
        )

    pages = await collect(client.recipient_pages(created.id))

    assert [len(page.items) for page in pages] == [1000, 500]
    assert [page.last for page in pages] == [False, True]
    assert all(isinstance(r, Recipient) for page in pages for r in page.items)
    assert [r.phone for page in pages for r in page.items] == numbers
    bounded = await collect(client.recipient_pages(created.id, max_pages=1))
    assert len(bounded) == 1 and bounded[0].next_offset == 1000


# -- what Sarbacane may answer instead ---------------------------------------------


def serving(
    pages: list[list[dict[str, Any]]], seen: list[httpx.Request]
) -> SarbacaneClient:
    """A client whose n-th ``GET /campaigns`` gets ``pages[n]``."""

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=pages[min(len(seen), len(pages)) - 1])

    return make_client(
        "https://sarbacane.test/v1", transport=httpx.MockTransport(answer)
    )


def rows(first: int, count: int) -> list[dict[str, Any]]:
    return [
        {"id": f"c{n}", "name": f"Campagne {n}"} for n in range(first, first + count)
    ]


async def test_a_campaign_shifted_into_the_next_page_is_given_once() -> None:
    """A campaign created while the pages are read pushes the others down by
    one: the next page starts with the last one already given."""
    seen: list[httpx.Request] = []
    client = serving([rows(0, 1000), rows(999, 3)], seen)
    pages = await collect(client.campaign_pages())
    ids = [s.id for page in pages for s in page.items]
    assert len(ids) == len(set(ids)) == 1002
    assert pages[1].next_offset == 1003  # offsets count rows, not what was given
    assert [request.url.params["limit"] for request in seen] == ["1000", "1000"]
    assert [request.url.params["offset"] for request in seen] == ["0", "1000"]


async def test_a_full_last_page_is_followed_by_an_empty_last_one() -> None:
    seen: list[httpx.Request] = []
    client = serving([rows(0, 1000), []], seen)
    pages = await collect(client.campaign_pages())
    assert [(len(page.items), page.last) for page in pages] == [
        (1000, False),
        (0, True),
    ]
    assert pages[-1].next_offset == 1000
    assert len(seen) == 2


async def test_rows_missing_their_kind_dates_or_count_are_kept() -> None:
    seen: list[httpx.Request] = []
    client = serving(
        [
            [
                {"id": "c1", "name": "Sans rien"},
                {
                    "id": "c2",
                    "name": "Dates en millisecondes",
                    "kind": "SMS_NOTIFICATION",
                    "created": 1764806400000,
                    "edited": "pas une date",
                    "count": "12",
                },
            ]
        ],
        seen,
    )
    (page,) = await collect(client.campaign_pages(search="x", state="DRAFT"))
    bare, odd = page.items
    assert (bare.kind, bare.created, bare.edited, bare.count) == (None,) * 4
    assert not is_adoptable(bare.kind)
    assert odd.kind == "SMS_NOTIFICATION"
    assert odd.created == datetime(2025, 12, 4, tzinfo=UTC)
    assert odd.edited is None
    assert odd.count == 12
    assert seen[0].url.params["search"] == "x"
    assert seen[0].url.params["state"] == "DRAFT"

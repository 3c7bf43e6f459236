"""A scripted Sarbacane speaking the shapes of the public evidence.

Unlike the simulator, it answers as ``docs/sarbacane-api.md`` (« Corrections
from public evidence ») says Sarbacane does: a campaign has ``sends[0]``
from its creation on, ``GET /campaigns/{id}`` carries no ``state`` (only
the ``state`` filter of ``GET /campaigns`` tells it), reports are keyed by
send id, lock errors come wrapped. Faults are scripted per route, so a test
decides exactly which request fails and how.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from sms_hub.sarbacane import SarbacaneClient
from tests.integration.sarbacane_support import make_client

BASE_URL = "https://sarbacane.test/v1"
_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sarbacane"
WRAPPED_LOCK = json.loads((_FIXTURES / "error_lock_wrapped.json").read_text())["body"]

#: What a scripted fault does to one request.
LOCK = "lock"  # wrapped lock error, nothing done
ERROR = "error"  # 500, nothing done
ERROR_NEW_SEND_ID = "error-new-send-id"  # 500, nothing sent, yet a send id appears
LOST = "lost"  # done, then the answer is lost (read timeout)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FakeCampaign:
    id: str
    name: str
    kind: str
    created: str
    sends: list[str]
    state: str = "DRAFT"
    requested_send_date: str | None = None
    send_dates: dict[str, str] = field(default_factory=dict)


class FakeSarbacane:
    """In-memory campaigns; ``state_after_send`` is where a send now lands."""

    def __init__(self, *, state_after_send: str = "MODERATION") -> None:
        self.state_after_send = state_after_send
        self.campaigns: dict[str, FakeCampaign] = {}
        self.sends_done: dict[str, int] = {}
        self.requests: list[str] = []
        self._faults: dict[str, list[str]] = {}

    def script(self, route: str, *actions: str) -> None:
        """The next requests of ``route`` (``POST /campaigns/{id}/send``) fail so."""
        self._faults.setdefault(route, []).extend(actions)

    def count(self, prefix: str) -> int:
        return sum(1 for request in self.requests if request.startswith(prefix))

    def client(self) -> SarbacaneClient:
        return make_client(BASE_URL, transport=httpx.MockTransport(self._handle))

    def _handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v1")
        query = request.url.query.decode()
        self.requests.append(
            f"{request.method} {path}" + (f"?{query}" if query else "")
        )
        route = f"{request.method} {re.sub(r'/cmp-[0-9]+', '/{id}', path)}"
        queue = self._faults.get(route)
        action = queue.pop(0) if queue else None
        if action == LOCK:
            return httpx.Response(500, json=WRAPPED_LOCK)
        if action in (ERROR, ERROR_NEW_SEND_ID):
            if action == ERROR_NEW_SEND_ID:
                campaign = self.campaigns[path.split("/")[2]]
                campaign.sends.append(f"snd-{campaign.id}-{len(campaign.sends) + 1}")
            return httpx.Response(500, json={"message": "INTERNAL_SERVER_ERROR"})
        response = self._answer(request, path)
        if action == LOST:
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    def _answer(self, request: httpx.Request, path: str) -> httpx.Response:
        parts = path.strip("/").split("/")
        if request.method == "POST" and path == "/campaigns/sms":
            body = json.loads(request.content)
            campaign_id = f"cmp-{len(self.campaigns) + 1}"
            self.campaigns[campaign_id] = FakeCampaign(
                id=campaign_id,
                name=body["name"],
                kind=body["kind"],
                created=_now(),
                sends=[f"snd-{campaign_id}-1"],
            )
            return httpx.Response(200, json={"id": campaign_id, "name": body["name"]})
        if request.method == "GET" and path == "/campaigns":
            return httpx.Response(200, json=self._listed(request.url.params))
        campaign = self.campaigns[parts[1]]
        if request.method == "GET" and parts[0] == "campaigns" and len(parts) == 2:
            return httpx.Response(200, json={"campaign": self._view(campaign)})
        if request.method == "POST" and parts[-1] == "send":
            self._send(campaign, request.content)
            return httpx.Response(200)
        if request.method == "GET" and parts[0] == "reports":
            report = {
                send_id: {"date": campaign.send_dates.get(send_id), "sent": 0}
                for send_id in campaign.sends
            }
            return httpx.Response(200, json=report)
        return httpx.Response(404, json={"message": "Not found"})

    def _listed(self, params: httpx.QueryParams) -> list[dict[str, Any]]:
        search, state = params.get("search") or "", params.get("state")
        return [
            {
                "id": c.id,
                "name": c.name,
                "kind": c.kind,
                "created": c.created,
                "count": 3,
            }
            for c in self.campaigns.values()
            if search in c.name and (state is None or c.state == state.upper())
        ]

    @staticmethod
    def _view(campaign: FakeCampaign) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": campaign.id,
            "name": campaign.name,
            "kind": campaign.kind,
            "sends": list(campaign.sends),
            "blacklists": [],
        }
        if campaign.requested_send_date:
            view["requestedSendDate"] = campaign.requested_send_date
        return view

    def _send(self, campaign: FakeCampaign, content: bytes) -> None:
        requested = json.loads(content).get("requestedSendDate") if content else None
        self.sends_done[campaign.id] = self.sends_done.get(campaign.id, 0) + 1
        if requested:
            campaign.requested_send_date = requested
            return
        campaign.state = self.state_after_send
        campaign.send_dates[campaign.sends[-1]] = _now()

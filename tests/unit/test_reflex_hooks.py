"""The private Reflex hooks the app relies on still exist and are still called.

``state/live.py`` overrides two private methods of ``rx.SharedState`` so that
an event which leaves the centre's feed unchanged is not sent to every other
tab of the centre; ``components/upload_zone.py`` rewrites the file input's
``special_props``. A Reflex upgrade that renames or stops calling them would
silently go back to one update per linked tab per event: these tests fail
loudly instead.
"""

from __future__ import annotations

import inspect
import uuid

import pytest
import reflex as rx
from reflex.istate import shared
from reflex.istate.data import SessionData
from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import BaseStateToken
from reflex.state import State

from sms_hub.components.upload_zone import upload_zone
from sms_hub.settings import get_settings
from sms_hub.state.live import CentreFeed


def _params(method) -> list[tuple[str, object]]:
    return [(p.name, p.default) for p in inspect.signature(method).parameters.values()]


def test_the_shared_state_hooks_keep_their_names_and_signatures():
    base = rx.SharedState
    assert _params(base._internal_patch_linked_state) == [
        ("self", inspect.Parameter.empty),
        ("token", inspect.Parameter.empty),
        ("full_delta", False),
    ]
    assert inspect.iscoroutinefunction(base._internal_patch_linked_state)
    assert _params(base._clean) == [("self", inspect.Parameter.empty)]
    # the app's overrides are the ones the class uses
    assert "_internal_patch_linked_state" in CentreFeed.__dict__
    assert "_clean" in CentreFeed.__dict__


def test_the_upload_zone_names_its_file_input():
    rendered = str(upload_zone(rx.text("Déposer"), input_label="Fichier CSV").render())
    assert "aria-label" in rendered and "Fichier CSV" in rendered


@pytest.fixture
def manager(monkeypatch, tmp_path):
    """An in-memory state manager the shared states use, and the fan-outs recorded."""
    # Reflex reads the app's configuration, which needs a safe one: a demo's.
    monkeypatch.setenv("DEMO_MODE", "1")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    memory = StateManagerMemory()
    monkeypatch.setattr("reflex.istate.manager.get_state_manager", lambda: memory)
    fan_outs: list[set[str]] = []

    def record(affected_tokens, previous_dirty_vars, state_type):
        fan_outs.append(set(affected_tokens))
        return []

    monkeypatch.setattr(shared, "_do_update_other_tokens", record)
    return memory, fan_outs


def _token(ident: str) -> BaseStateToken:
    return BaseStateToken(ident=ident, cls=State)


async def _event(memory, ident: str, bump: bool = False) -> None:
    """One event of the tab ``ident`` that reads the feed (and bumps it if asked)."""
    async with memory.modify_state_with_links(_token(ident)) as root:
        feed = await root.get_state(CentreFeed)
        _ = feed.version
        if bump:
            feed.version += 1
        root._clean()


async def test_an_event_leaving_the_feed_unchanged_reaches_no_other_tab(manager):
    memory, fan_outs = manager
    centre = f"centre{uuid.uuid4().hex}"
    tabs = [uuid.uuid4().hex for _ in range(3)]
    for tab in tabs:
        async with memory.modify_state_with_links(_token(tab)) as root:
            root.rx_router_session = SessionData(client_token=tab)
            feed = await root.get_state(CentreFeed)
            await feed._link_to(centre)
            root._clean()
    fan_outs.clear()

    await _event(memory, tabs[0])
    await _event(memory, tabs[1])
    assert sum(len(tokens) for tokens in fan_outs) == 0

    await _event(memory, tabs[0], bump=True)
    assert fan_outs and fan_outs[-1] == set(tabs) - {tabs[0]}

"""How many Reflex states one event loads and saves, and the Redis commands it costs.

Reflex loads, for an event on state ``S``: ``S``, its parents up to the root,
and every substate whose computed vars may depend on them
(``StateManagerRedis._get_required_state_classes``, the manager's own rule).
This benchmark asks that rule which states the campaigns screen's events
load -- one live update (``CampaignsState.follow_changes``) and one click
(``CampaignsState.sort_by``) -- and the size of their pickles for a fresh tab.

Then, against a throwaway Redis on loopback (``benchmarks/_backing.py``), it
drives a ``StateManagerRedis`` in-process: one ``modify_state`` of the state
each event runs on, touching a var, and counts the Redis commands it sent
(``INFO commandstats``), and the states it wrote back (``set`` calls).

Memory per idle tab: ``TABS`` (50) tabs hydrated on the campaigns screen
(every state of the tab created, as a page load does), measured as the
Python heap they hold in one worker's in-memory manager (``tracemalloc``)
and the bytes they hold in Redis (``used_memory``). The rows a real tab
loads from the database come on top. No server, no browser: under 30 s
(``python -m benchmarks states``).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import tracemalloc
import uuid
from contextlib import contextmanager

#: (label, module, class name of the state the event runs on)
EVENTS = (
    ("live update (follow_changes)", "sms_hub.pages.campaigns.state", "CampaignsState"),
    ("click (sort_by)", "sms_hub.pages.campaigns.state", "CampaignsState"),
)


def _state_classes():
    # The app's module refuses to load without a configuration: a demo one.
    os.environ.setdefault("DEMO_MODE", "1")
    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="bench-states-"))
    from importlib import import_module

    import sms_hub.sms_hub  # noqa: F401  (every page's states registered)

    return [(label, getattr(import_module(mod), name)) for label, mod, name in EVENTS]


def required_states(state_cls) -> set[type]:
    """The states Reflex's Redis manager loads for an event on ``state_cls``."""
    from reflex.istate.manager.redis import StateManagerRedis

    class _Rule:
        _get_required_state_classes = StateManagerRedis._get_required_state_classes

    return _Rule()._get_required_state_classes(state_cls, subclasses=False)


def tree_size(root) -> int:
    return 1 + sum(tree_size(sub) for sub in root.get_substates())


async def _campaigns_event(root, state_cls) -> None:
    """What a campaigns event does to a tab's states: its rows reloaded, the
    signed identity read (``_actor``: a parent before the flattening, one
    ``get_state`` after)."""
    from sms_hub.state.session import SessionState

    state = await root.get_state(state_cls)
    state._was_touched = True
    await root.get_state(SessionState)


async def _redis_commands(url: str, state_cls) -> tuple[int, dict[str, int]]:
    """Redis commands one ``modify_state`` of ``state_cls`` sends (warm tab)."""
    import redis.asyncio as aioredis
    from reflex.istate.manager.redis import StateManagerRedis

    client = aioredis.from_url(url)
    manager = StateManagerRedis(redis=client)
    with _current_manager(manager):
        return await _count_commands(client, manager, state_cls)


async def _count_commands(client, manager, state_cls) -> tuple[int, dict[str, int]]:
    from reflex.istate.manager.token import BaseStateToken

    token = BaseStateToken(ident=str(uuid.uuid4()), cls=state_cls)
    # First touch creates the tab's states (hydration); not counted.
    async with manager.modify_state(token) as root:
        state = await root.get_state(state_cls)
        state.dirty_vars.add("page")
    await asyncio.sleep(0.2)
    stats = lambda: client.info("commandstats")  # noqa: E731
    before = await stats()
    async with manager.modify_state(token) as root:
        await _campaigns_event(root, state_cls)
    await asyncio.sleep(0.2)
    after = await stats()
    await manager.close()
    per = {}
    for key, value in after.items():
        calls = value["calls"] - before.get(key, {}).get("calls", 0)
        if calls and key not in ("cmdstat_info",):
            per[key.removeprefix("cmdstat_")] = calls
    return sum(per.values()), per


#: Tabs hydrated for the memory figures (bounded: the brief allows 60).
TABS = 50


async def _open_campaigns_tabs(manager, state_cls, tabs: int) -> None:
    """Tabs on the campaigns screen: signed in, their rows loaded, idle."""
    from reflex.istate.manager.token import BaseStateToken
    from reflex.state import State

    from sms_hub.state.session import SessionState

    for _ in range(tabs):
        token = BaseStateToken(ident=str(uuid.uuid4()), cls=state_cls)
        async with manager.modify_state(token) as root:
            await _campaigns_event(root, state_cls)
            (await root.get_state(SessionState))._was_touched = True
            root.get_substate([State.get_name()])._was_touched = True


async def _hydrate(manager, tabs: int) -> None:
    from reflex.istate.manager.token import BaseStateToken
    from reflex.istate.shared import SharedStateBaseInternal
    from reflex.state import State

    leaves = [
        cls
        for cls in _all_states(State)
        # A shared state is linked on sign-in, in an event's context.
        if not cls.get_substates() and not issubclass(cls, SharedStateBaseInternal)
    ]
    for _ in range(tabs):
        ident = str(uuid.uuid4())
        # A page load's hydration creates every state of the tab.
        for cls in leaves:
            token = BaseStateToken(ident=ident, cls=cls)
            async with manager.modify_state(token) as root:
                state = await root.get_state(cls)
                while state is not None:  # written back, as a hydrated tab is
                    state._was_touched = True
                    state = state.parent_state


def _all_states(root) -> list[type]:
    found = []
    for sub in root.get_substates():
        found.append(sub)
        found.extend(_all_states(sub))
    return found


def memory_per_tab(state_cls) -> int:
    """Python heap bytes one hydrated idle tab holds (in-memory manager)."""
    from reflex.istate.manager.memory import StateManagerMemory

    manager = StateManagerMemory()
    tracemalloc.start()
    start = tracemalloc.take_snapshot()
    asyncio.run(_hydrate(manager, TABS))
    end = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in end.compare_to(start, "filename"))
    return grown // TABS


async def _redis_bytes_per_tab(url: str, state_cls, every_state: bool) -> int:
    import redis.asyncio as aioredis
    from reflex.istate.manager.redis import StateManagerRedis

    client = aioredis.from_url(url)
    manager = StateManagerRedis(redis=client)
    before = int((await client.info("memory"))["used_memory"])
    keys_before = await client.dbsize()
    with _current_manager(manager):
        if every_state:
            await _hydrate(manager, TABS)
        else:
            await _open_campaigns_tabs(manager, state_cls, TABS)
    await manager.close()  # flushes the states it still holds
    keys = await client.dbsize() - keys_before
    after = int((await client.info("memory"))["used_memory"])
    print(f"  Redis keys per tab: {keys / TABS:.0f}")
    return (after - before) // TABS


@contextmanager
def _current_manager(manager):
    """The manager ``get_state`` asks for a state not loaded yet (in the app,
    the event's context names it)."""
    import reflex.istate.manager as managers

    saved = managers.get_state_manager
    managers.get_state_manager = lambda: manager
    try:
        yield
    finally:
        managers.get_state_manager = saved


def main() -> bool:
    from reflex.state import State

    classes = _state_classes()
    print(f"states under the root: {tree_size(State)}")
    for label, cls in classes:
        loaded = required_states(cls)
        names = sorted(c.__name__ for c in loaded)
        print(f"{label}: {len(loaded)} states loaded/saved: {', '.join(names)}")
    heap = memory_per_tab(classes[0][1])
    print(f"server heap per idle tab ({TABS} tabs, 1 worker): {heap / 1024:,.1f} KiB")
    if shutil.which("redis-server") is None:
        print("redis-server missing: Redis command count skipped")
        return True
    from benchmarks._backing import redis_server

    with redis_server() as server:
        for _label, cls in classes[:1]:
            try:
                total, per = asyncio.run(_redis_commands(server.url, cls))
            except Exception as exc:  # the in-process manager's API moved
                print(f"Redis commands per event: not measured ({exc!r})")
                return True
            detail = ", ".join(f"{k} {v}" for k, v in sorted(per.items()))
            print(f"Redis commands per event on {cls.__name__}: {total} ({detail})")
        cls = classes[0][1]
        for every_state, what in ((False, "campaigns tab"), (True, "every state")):
            per_tab = asyncio.run(_redis_bytes_per_tab(server.url, cls, every_state))
            print(
                f"Redis memory per idle {what} ({TABS} tabs): {per_tab / 1024:,.1f} KiB"
            )
    return True


if __name__ == "__main__":
    main()

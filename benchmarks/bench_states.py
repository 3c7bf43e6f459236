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
(``INFO commandstats``). No server, no browser: a few seconds
(``python -m benchmarks states``).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid

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


async def _redis_commands(url: str, state_cls) -> tuple[int, dict[str, int]]:
    """Redis commands one ``modify_state`` of ``state_cls`` sends (warm tab)."""
    import redis.asyncio as aioredis
    from reflex.istate.manager.redis import StateManagerRedis
    from reflex.istate.manager.token import BaseStateToken

    client = aioredis.from_url(url)
    manager = StateManagerRedis(redis=client)
    token = BaseStateToken(ident=str(uuid.uuid4()), cls=state_cls)
    # First touch creates the tab's states (hydration); not counted.
    async with manager.modify_state(token) as root:
        state = await root.get_state(state_cls)
        state.dirty_vars.add("page")
    await asyncio.sleep(0.2)
    stats = lambda: client.info("commandstats")  # noqa: E731
    before = await stats()
    async with manager.modify_state(token) as root:
        state = await root.get_state(state_cls)
        state._was_touched = True
    await asyncio.sleep(0.2)
    after = await stats()
    await manager.close()
    per = {}
    for key, value in after.items():
        calls = value["calls"] - before.get(key, {}).get("calls", 0)
        if calls and key not in ("cmdstat_info",):
            per[key.removeprefix("cmdstat_")] = calls
    return sum(per.values()), per


def main() -> bool:
    from reflex.state import State

    classes = _state_classes()
    print(f"states under the root: {tree_size(State)}")
    for label, cls in classes:
        loaded = required_states(cls)
        names = sorted(c.__name__ for c in loaded)
        print(f"{label}: {len(loaded)} states loaded/saved: {', '.join(names)}")
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
    return True


if __name__ == "__main__":
    main()

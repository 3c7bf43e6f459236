"""No var the browser receives can carry the centre, the user or a secret.

Reflex sends every public var of a state to the browser (and pickles the
state); backend-only vars start with an underscore. The identity that
authorises a service call (centre id, user, role) and anything secret must
be backend-only. The centre's display name is shown on screen by design.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import reflex as rx

import sms_hub.pages
import sms_hub.state

FORBIDDEN = re.compile(
    r"tenant(_id|_slug)?$|^user$|user_id|^sub$|role$|account|api_?key|secret|"
    r"password|token|jwt|signing|credential",
    re.IGNORECASE,
)


#: Public on purpose, each with its reason.
SHOWN_ON_PURPOSE = {
    # The admin reads and edits the centre's Sarbacane account id on the
    # settings page: an identifier, not a credential (the key is write-only).
    "sms_hub.pages.settings.state.SettingsState.account_id",
}


class _Public:
    _backend = False


_PUBLIC = _Public()


def _import_all(package) -> None:
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)


def _states(cls: type[rx.State]) -> list[type[rx.State]]:
    found = [cls]
    for sub in cls.get_substates():
        found.extend(_states(sub))
    return found


def test_public_vars_carry_no_identity_and_no_secret():
    _import_all(sms_hub.state)
    _import_all(sms_hub.pages)
    ours = [s for s in _states(rx.State) if s.__module__.startswith("sms_hub.")]
    assert len(ours) >= 5, "the walk must reach the app's states"
    leaks = {
        f"{state.__module__}.{state.__name__}.{name}"
        for state in ours
        for name in {**state.base_vars, **state.computed_vars}
        if FORBIDDEN.search(name)
        and not state.computed_vars.get(name, _PUBLIC)._backend
    }
    assert leaks - SHOWN_ON_PURPOSE == set()


def test_the_identity_is_backend_only():
    from sms_hub.state.session import SessionState

    backend = {name for name, f in SessionState.__fields__.items() if f._backend}
    assert {"_tenant_id", "_user", "_is_admin", "_signed_in_at"} <= backend

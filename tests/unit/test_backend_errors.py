"""A failed event shows staff a French sentence, never Reflex's English one."""

from __future__ import annotations

import logging

import pytest

from sms_hub.state.errors import NOT_SIGNED_IN, UNEXPECTED, backend_error
from sms_hub.state.session import NotSignedIn


def _shown(spec) -> str:
    return str(spec)


def test_a_click_before_the_sign_in_ends_says_so_in_french():
    shown = _shown(backend_error(NotSignedIn()))
    assert NOT_SIGNED_IN in shown
    assert "An error occurred" not in shown


def test_any_other_failure_is_french_and_its_trace_is_logged(
    caplog: pytest.LogCaptureFixture,
):
    with caplog.at_level(logging.ERROR, logger="sms_hub.state.errors"):
        shown = _shown(backend_error(RuntimeError("boom")))
    assert UNEXPECTED in shown
    assert "boom" not in shown
    assert "An error occurred" not in shown
    assert any(record.exc_info for record in caplog.records)


def test_the_app_uses_the_french_handler(monkeypatch: pytest.MonkeyPatch, tmp_path):
    from sms_hub.settings import get_settings

    monkeypatch.setenv("DEMO_MODE", "1")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        from sms_hub.sms_hub import app
    finally:
        get_settings.cache_clear()
    assert app.backend_exception_handler is backend_error

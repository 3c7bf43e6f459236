"""The Sarbacane gateway speaks codes only (an error kind on each exception);
``services/gateway.py`` is where a kind becomes the French sentence users read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sms_hub.sarbacane import (
    ErrorKind,
    SarbacaneConfigError,
    SarbacaneError,
    SarbacaneNotFound,
    SarbacaneRejected,
    SarbacaneUnavailable,
)
from sms_hub.services.gateway import MESSAGES, user_message

SARBACANE = Path(__file__).resolve().parents[2] / "sms_hub" / "sarbacane"
#: The simulator's stand-in web pages imitate Sarbacane's French interface.
FRENCH_ALLOWED_FILES = {SARBACANE / "simulator" / "_pages.py"}
#: The simulated account's own data: names a French centre gave its account
#: and lists (Sarbacane stores and returns them as typed).
FRENCH_ALLOWED_DATA = {"SEED_BLACKLISTS", "DEMO_ACCOUNT_NAME"}

_FRENCH = re.compile(
    r"[’«»]|\b(?:le|la|les|des|du|de|une|est|pas|ne|vous|votre|pour|dans|avec"
    r"|plus|cette|été|à|au|aux|et|sur|erreur|n'|l'|d'|qu')(?=\W|$)",
    re.IGNORECASE,
)


def test_every_error_kind_has_a_french_message():
    assert set(MESSAGES) == set(ErrorKind)
    for kind in ErrorKind:
        assert _FRENCH.search(MESSAGES[kind]), kind


@pytest.mark.parametrize(
    ("error", "kind", "message"),
    [
        (
            SarbacaneConfigError("HTTP 401", status_code=401, code="NEED_API_KEY"),
            ErrorKind.CONFIG,
            "La connexion à Sarbacane est mal configurée (identifiants refusés). "
            "Contactez l'administrateur.",
        ),
        (
            SarbacaneNotFound("HTTP 404", status_code=404),
            ErrorKind.NOT_FOUND,
            "Cette campagne n'existe plus dans Sarbacane.",
        ),
        (
            SarbacaneRejected("HTTP 400", status_code=400, code="INVALID_KIND"),
            ErrorKind.REJECTED,
            "Sarbacane a refusé la demande : INVALID_KIND",
        ),
        (
            SarbacaneRejected(status_code=422),
            ErrorKind.REJECTED,
            "Sarbacane a refusé la demande : HTTP 422",
        ),
        (
            SarbacaneUnavailable("HTTP 500", status_code=500),
            ErrorKind.UNAVAILABLE,
            "Sarbacane ne répond pas pour le moment. "
            "Réessayez dans quelques instants ; rien n'a été modifié.",
        ),
        (
            SarbacaneUnavailable("ReadTimeout", maybe_applied=True),
            ErrorKind.UNCONFIRMED,
            "Sarbacane ne répond pas pour le moment et n'a pas confirmé la demande. "
            "Vérifiez l'état de la campagne avant de réessayer.",
        ),
        (SarbacaneError("odd"), ErrorKind.UNKNOWN, "Erreur Sarbacane."),
    ],
)
def test_each_error_carries_its_kind_and_the_gateway_says_it_in_french(
    error: SarbacaneError, kind: ErrorKind, message: str
):
    assert error.kind is kind
    assert user_message(error) == message
    assert not _FRENCH.search(str(error))  # what the logs read


def _strings(tree: ast.Module) -> list[tuple[int, str]]:
    """String constants of a module, docstrings and allowed data left out."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        if any(getattr(t, "id", None) in FRENCH_ALLOWED_DATA for t in targets):
            skipped.update(id(n) for n in ast.walk(node))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
    ]


def test_no_french_text_in_the_gateway():
    french = [
        f"{path.relative_to(SARBACANE.parent)}:{line}: {text!r}"
        for path in sorted(SARBACANE.rglob("*.py"))
        if path not in FRENCH_ALLOWED_FILES
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8")))
        if _FRENCH.search(text)
    ]
    assert french == []

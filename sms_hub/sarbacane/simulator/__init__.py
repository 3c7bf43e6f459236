"""A local Sarbacane: the same API as ``docs/sarbacane-api.md``, for demos and tests.

``create_app(settings)`` returns a Starlette app whose routes start at
``/v1`` (mount it, e.g. under ``/sarbacane-sim``, to get an API base of
``…/sarbacane-sim/v1``), plus:

- ``/app/campaigns``, ``/app/campaigns/new``, ``/app/campaigns/{id}``,
  ``/app/reports/{id}``: French pages standing in for Sarbacane's web
  application (they create campaigns of every kind, SMS, e-mail and
  automated, and edit a draft's name or text: see ``_pages``);
- ``/_admin/accounts`` (POST JSON ``{accountId, apiKey, name?, smsCredits?}``:
  201 when created, 200 when it exists with that key, 409 with another key),
  ``/_admin/faults`` (GET, POST JSON, DELETE to reset) and ``/_admin/stats``
  (GET, DELETE to reset): not Sarbacane, for demos and tests.

Each account (the one of the settings, and those added through
``/_admin/accounts``) has its own campaigns, exclusion lists (seeded alike),
sends, reports and SMS credits: a campaign of one account is a 404 for
another. The pages stand in for whichever account owns the campaign.

Answers take the shapes of the public evidence; where it allows several,
``SimulatorSettings.response_style`` (``SIMULATOR_RESPONSE_STYLE``, or the
``response_style`` knob) picks one: see ``_shapes``.

Outcome rule and timeline: see ``_rules``. Storage: ``_store`` and the
modules it gathers.
"""

from starlette.applications import Starlette

from sms_hub.sarbacane.simulator._app import admin_routes, api_routes
from sms_hub.sarbacane.simulator._db import (
    DEFAULT_BLACKLIST,
    DEFAULT_BOUNCELIST,
    SEED_BLACKLISTS,
)
from sms_hub.sarbacane.simulator._knobs import Knobs
from sms_hub.sarbacane.simulator._pages import page_routes
from sms_hub.sarbacane.simulator._rules import Outcome, outcome, sms_parts
from sms_hub.sarbacane.simulator._store import Store
from sms_hub.settings import SimulatorSettings


def create_app(settings: SimulatorSettings) -> Starlette:
    """The simulator as a Starlette app, on its SQLite file (created if needed)."""
    store = Store(settings)
    app = Starlette(
        routes=[
            *api_routes(store),
            *admin_routes(store, settings),
            *page_routes(store),
        ]
    )
    app.state.store = store
    return app


__all__ = [
    "DEFAULT_BLACKLIST",
    "DEFAULT_BOUNCELIST",
    "SEED_BLACKLISTS",
    "Knobs",
    "Outcome",
    "Store",
    "create_app",
    "outcome",
    "sms_parts",
]

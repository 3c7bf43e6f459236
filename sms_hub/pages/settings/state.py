"""What the settings page shows, and its handlers (admins only).

The API key never enters this state: it travels once from the browser in the
submitted form (or the connection test's payload), goes to the service and
is forgotten; the page then clears the field. What comes back is only the
date it was configured.
"""

from __future__ import annotations

import reflex as rx

from sms_hub.domain.centre_settings import CentreSettings
from sms_hub.domain.formatting import count_fr
from sms_hub.services import centre_settings as service
from sms_hub.services.errors import InvalidInput, ServiceError
from sms_hub.state.session import SignedInState

ROUTE = "/parametres"
KEY_FIELD_ID = "sarbacane-api-key"
ACCOUNT_FIELD_ID = "sarbacane-account-id"
SAVED = "Paramètres enregistrés."
#: Reads the two account fields in the browser for « Tester la connexion ».
READ_ACCOUNT_FIELDS = (
    f"[document.getElementById('{ACCOUNT_FIELD_ID}').value, "
    f"document.getElementById('{KEY_FIELD_ID}').value]"
)


def retention_last_run(run_on: str, count: int) -> str:
    if not run_on:
        return "Le nettoyage quotidien n'a pas encore eu lieu."
    return (
        f"Dernier nettoyage le {run_on} : "
        f"{count_fr(count, 'personne anonymisée', 'personnes anonymisées')}."
    )


class SettingsState(SignedInState, rx.State):
    loaded: bool = False
    refused: str = ""
    account_id: str = ""
    key_configured_on: str = ""
    default_sender: str = ""
    mention: str = ""
    days: list[bool] = [True] * 6
    window_start: str = "08:00"
    window_end: str = "20:00"
    timezone: str = "Europe/Paris"
    alsace_moselle: bool = False
    retention_months: str = "36"
    #: « Dernier passage le … : N personnes anonymisées », or "".
    retention_last_run: str = ""
    errors: dict[str, str] = {}
    saved_message: str = ""
    connection_message: str = ""
    connection_ok: bool = False
    busy: bool = False

    def _show(self, view: service.CentreSettingsView) -> None:
        settings = view.settings
        self.account_id, self.key_configured_on = (
            view.account_id,
            view.key_configured_on,
        )
        self.default_sender = settings.default_sender
        self.mention = settings.opt_out_mention
        self.days = [day in settings.sending_days for day in range(6)]
        self.window_start, self.window_end = settings.window_start, settings.window_end
        self.timezone, self.alsace_moselle = settings.timezone, settings.alsace_moselle
        self.retention_months = str(settings.retention_months)
        self.retention_last_run = retention_last_run(
            view.retention_run_on, view.retention_count
        )

    def _entered(self) -> CentreSettings:
        return CentreSettings(
            default_sender=self.default_sender,
            opt_out_mention=self.mention,
            sending_days=frozenset(i for i, on in enumerate(self.days) if on),
            window_start=self.window_start,
            window_end=self.window_end,
            timezone=self.timezone,
            alsace_moselle=self.alsace_moselle,
            retention_months=int(self.retention_months)
            if self.retention_months.strip().isdigit()
            else 0,
        )

    async def on_load(self, launch: dict | None = None):
        self.loaded, self.refused = False, ""
        if not await self._ensure_session(launch):
            return
        try:
            self._show(await service.centre_settings(await self._actor()))
        except ServiceError as error:
            self.refused = error.user_message
            return
        self.errors, self.saved_message, self.connection_message = {}, "", ""
        self.loaded = True

    @rx.event
    def set_account_id(self, value: str):
        self.account_id = value

    @rx.event
    def set_default_sender(self, value: str):
        self.default_sender = value

    @rx.event
    def set_mention(self, value: str):
        self.mention = value

    @rx.event
    def set_window_start(self, value: str):
        self.window_start = value

    @rx.event
    def set_window_end(self, value: str):
        self.window_end = value

    @rx.event
    def set_retention_months(self, value: str):
        self.retention_months = value

    @rx.event
    def set_timezone(self, value: str):
        self.timezone = value

    @rx.event
    def set_alsace_moselle(self, value: bool):
        self.alsace_moselle = bool(value)

    @rx.event
    def set_day(self, day: int, value: bool):
        if 0 <= day < len(self.days):
            self.days[day] = bool(value)

    @rx.event
    async def save(self, form_data: dict):
        """« Enregistrer »: the key comes from the form, once, and is not kept."""
        api_key = str(form_data.get("api_key", ""))
        self.busy, self.saved_message = True, ""
        yield
        try:
            view = await service.save_centre_settings(
                await self._actor(), self._entered(), self.account_id, api_key
            )
        except InvalidInput as error:
            self.errors = error.field_errors
            return
        except ServiceError as error:
            self.errors = {"form": error.user_message}
            return
        finally:
            self.busy = False
        self._show(view)
        self.errors, self.saved_message = {}, SAVED
        yield rx.set_value(KEY_FIELD_ID, "")

    @rx.event
    def test_connection(self):
        """« Tester la connexion »: read the two fields in the browser, then try them."""
        self.connection_message = ""
        return rx.call_script(READ_ACCOUNT_FIELDS, callback=SettingsState.try_account)

    @rx.event
    async def try_account(self, fields: list):
        account_id, api_key = [*list(fields), "", ""][:2]
        self.busy = True
        yield
        try:
            message = await service.try_connection(
                await self._actor(), str(account_id or ""), str(api_key or "")
            )
        except InvalidInput as error:
            self.errors = error.field_errors
            message = ""
        except ServiceError as error:
            message = error.user_message
        finally:
            self.busy = False
        self.connection_ok = message.startswith("Connexion réussie")
        self.connection_message = message

"""The simulator's web pages: what Sarbacane's own application would show.

No authentication, as they stand in for pages the user opens in a new tab
(``Ouvrir la campagne dans Sarbacane``, ``Voir les statistiques sur
Sarbacane``, ``Créer une campagne avancée``). A campaign's pages show (and
edit) it whichever account owns it; the list and the creation form are those
of the account of the settings.

They also make what SMS Hub never makes, as a person would in Sarbacane's
own interface: a standard SMS campaign with or without a text (« sans modèle
de SMSing »), an e-mail campaign, an automated campaign, and edits of a
draft's name or text (which move its ``edited`` date).
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from sms_hub.sarbacane.simulator._campaigns import (
    APP_KINDS,
    AUTOMATION_KIND,
    EMAIL_KIND,
    SMS_KINDS,
)
from sms_hub.sarbacane.simulator._errors import ApiError
from sms_hub.sarbacane.simulator._reports import NOT_LAUNCHED
from sms_hub.sarbacane.simulator._store import Store

STATE_LABELS = {
    "DRAFT": "Brouillon",
    "MODERATION": "En modération",
    "ROUTING": "Envoi en cours",
    "FINISH": "Envoyée",
}


KIND_LABELS = {
    "SMS_MARKETING": "SMS Marketing",
    "SMS_NOTIFICATION": "Notification SMS",
    EMAIL_KIND: "E-mail",
    AUTOMATION_KIND: "Campagne automatisée (e-mails et SMS)",
}
assert set(KIND_LABELS) == set(APP_KINDS)

#: The refusals of the store, as the pages word them.
_REFUSALS = {
    "NAME_REQUIRED": "Chaque campagne d'emailing / de SMSing doit avoir un nom.",
    "INVALID_SMS_FROM": "L'expéditeur doit compter de 3 à 11 lettres ou chiffres, "
    "dont au moins une lettre.",
    "INVALID_KIND": "Choisissez un type de campagne.",
    "CAMPAIGN_IS_SENDING": "Seul un brouillon peut être modifié : cette campagne "
    "est en cours d'envoi.",
    "CAMPAIGN_ALREADY_SENT": "Seul un brouillon peut être modifié : cette campagne "
    "a déjà été envoyée.",
}
_NO_TEXT = (
    "Saisissez le contenu du SMS, ou cochez « Sans modèle de SMSing » pour créer "
    "la campagne sans contenu."
)


def _refusal(error: ApiError) -> str:
    return _REFUSALS.get(error.message.split(":")[0], error.message)


def _date(text: str | None) -> str:
    """An API date (``…Z``) as the pages show it: ``04/12/2026 16:10 UTC``."""
    if not text:
        return "—"
    moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%d/%m/%Y %H:%M UTC")


def _form_fields(body: bytes) -> dict[str, str]:
    form = parse_qs(body.decode(), keep_blank_values=True)
    return {key: values[0] for key, values in form.items()}


def _alert(message: str | None) -> str:
    if not message:
        return ""
    return f'<p role="alert" class="error" id="erreur">{_text(message)}</p>'


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)


_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f5f6fa;color:#1d2330}
header{background:#b3261e;color:#fff;padding:12px 24px;font-weight:600}
main{max-width:880px;margin:24px auto;background:#fff;padding:24px;border-radius:8px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px;text-align:left}
.note{color:#666;font-size:.9em}pre{white-space:pre-wrap;background:#f0f0f0;padding:12px}
label{display:block;margin-top:12px}input,textarea,select{width:100%;padding:6px;box-sizing:border-box}
input[type=radio],input[type=checkbox]{width:auto;margin-right:6px}
.choice label{display:inline;margin:0}.choice{margin-top:8px}
fieldset{margin-top:16px;border:1px solid #ccc;border-radius:6px}
.error{color:#a50e0e;font-weight:600}.hint{color:#555;font-size:.9em;margin:4px 0}
button{margin-top:16px;padding:8px 16px}a:focus,button:focus,input:focus,
textarea:focus,select:focus{outline:3px solid #1a5fb4;outline-offset:2px}
"""


def _html(title: str, body: str, status: int = 200) -> HTMLResponse:
    page = (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_text(title)}</title><style>{_STYLE}</style></head><body>"
        f"<header>Sarbacane — simulateur</header><main><h1>{_text(title)}</h1>{body}"
        f'<p class="note">Page du simulateur local de Sarbacane (aucun envoi réel).</p>'
        f"</main></body></html>"
    )
    return HTMLResponse(page, status_code=status)


def _missing() -> HTMLResponse:
    return _html("Campagne introuvable", "<p>Cette campagne n'existe pas.</p>", 404)


def _rows(pairs: list[tuple[str, Any]]) -> str:
    cells = "".join(
        f'<tr><th scope="row">{_text(label)}</th><td>{_text(str(value))}</td></tr>'
        for label, value in pairs
    )
    return f"<table>{cells}</table>"


async def _owner_view(store: Store, campaign_id: str) -> Store:
    """The store of the account owning the campaign (any view when none does:
    the campaign's lookup then answers 404)."""
    owner = await run_in_threadpool(store.campaign_owner, campaign_id)
    return store.for_account(owner) if owner is not None else store


def _creation_form(field: dict[str, str], error: str | None = None) -> str:
    """The creation form, filled with ``field`` (what was typed before)."""
    chosen = field.get("kind") or SMS_KINDS[0]
    kinds = "".join(
        f'<div class="choice"><input type="radio" name="kind" id="kind-{kind}"'
        f' value="{kind}"{" checked" if kind == chosen else ""}>'
        f'<label for="kind-{kind}">{_text(label)}</label></div>'
        for kind, label in KIND_LABELS.items()
    )
    no_template = " checked" if field.get("noTemplate") else ""
    invalid = ' aria-invalid="true" aria-describedby="erreur"' if error else ""
    return (
        "<p>L'éditeur avancé de Sarbacane permet de créer des campagnes plus riches. "
        "Le simulateur en propose une version minimale.</p>"
        f'<form method="post">{_alert(error)}'
        '<label for="name">Nom de la campagne</label>'
        f'<input id="name" name="name" required maxlength="100"'
        f' value="{_attr(field.get("name", ""))}"{invalid}>'
        f"<fieldset><legend>Type de campagne</legend>{kinds}</fieldset>"
        "<fieldset><legend>SMS</legend>"
        '<label for="smsFrom">Expéditeur</label>'
        '<p class="hint" id="smsFrom-aide">Libellé affiché à la place du numéro : '
        "de 3 à 11 lettres ou chiffres, dont au moins une lettre.</p>"
        '<input id="smsFrom" name="smsFrom" maxlength="11"'
        f' aria-describedby="smsFrom-aide" value="{_attr(field.get("smsFrom", ""))}">'
        f'<div class="choice"><input type="checkbox" id="noTemplate" name="noTemplate"'
        f"{no_template}>"
        '<label for="noTemplate">Sans modèle de SMSing (la campagne est créée '
        "sans contenu)</label></div>"
        '<label for="content">Contenu du SMS</label>'
        f'<textarea id="content" name="content" rows="4">'
        f"{_text(field.get('content', ''))}</textarea></fieldset>"
        "<fieldset><legend>E-mail</legend>"
        '<label for="subject">Objet de l\'e-mail</label>'
        f'<input id="subject" name="subject" value="{_attr(field.get("subject", ""))}">'
        "</fieldset>"
        '<button type="submit">Créer la campagne</button></form>'
    )


def _creation(field: dict[str, str]) -> dict[str, Any]:
    """The store's arguments for what the creation form sent; ``ValueError``
    (French) when an SMS campaign has neither a text nor « sans modèle »."""
    kind = field.get("kind", SMS_KINDS[0])
    no_template = bool(field.get("noTemplate"))
    content = "" if no_template or kind == EMAIL_KIND else field.get("content", "")
    if kind in SMS_KINDS and not no_template and not content.strip():
        raise ValueError(_NO_TEXT)
    return {
        "name": field.get("name", "").strip(),
        "kind": kind,
        "sms_from": (field.get("smsFrom") or "").strip() or None
        if kind != EMAIL_KIND
        else None,
        "content": content,
        "subject": (field.get("subject") or "").strip() or None
        if kind not in SMS_KINDS
        else None,
    }


def _edit_form(view: dict[str, Any], error: str | None = None) -> str:
    """« Modifier le brouillon »: its name and, unless an e-mail, its SMS text."""
    invalid = ' aria-invalid="true" aria-describedby="erreur"' if error else ""
    text = ""
    if view["kind"] != EMAIL_KIND:
        text = (
            '<label for="edit-content">Contenu du SMS</label>'
            '<textarea id="edit-content" name="content" rows="4">'
            f"{_text(view['content'])}</textarea>"
        )
    return (
        f'<h2>Modifier le brouillon</h2><form method="post">{_alert(error)}'
        '<label for="edit-name">Nom de la campagne</label>'
        f'<input id="edit-name" name="name" required maxlength="100"'
        f' value="{_attr(view["name"])}"{invalid}>{text}'
        '<button type="submit">Enregistrer</button></form>'
    )


def _campaign_page(
    view: dict[str, Any], error: str | None = None, status: int = 200
) -> HTMLResponse:
    pairs: list[tuple[str, Any]] = [
        ("Nom", view["name"]),
        (
            "État",
            f"{STATE_LABELS.get(view['state'], view['state'])} ({view['state']})",
        ),
        ("Type", f"{KIND_LABELS.get(view['kind'], view['kind'])} ({view['kind']})"),
    ]
    if view.get("subject"):
        pairs.append(("Objet de l'e-mail", view["subject"]))
    pairs += [
        ("Expéditeur", view["smsFrom"] or "—"),
        ("Créée le", _date(view["created"])),
        ("Modifiée le", _date(view["edited"])),
        ("Destinataires", view["recipientCount"]),
        ("Traités", view["processedCount"]),
        ("Envoi demandé pour", view["requestedSendDate"] or "—"),
        ("Annulée", "oui" if view["cancelled"] else "non"),
        ("Listes d'exclusion", ", ".join(view["blacklists"]) or "—"),
    ]
    editable = view["state"] == "DRAFT"
    body = (
        f"{_rows(pairs)}<h2>Message</h2><pre>{_text(view['content']) or '(vide)'}</pre>"
        + (_edit_form(view, error) if editable else _alert(error))
        + f'<p><a href="../reports/{_attr(view["id"])}">Voir les statistiques</a></p>'
    )
    return _html(f"Campagne « {view['name']} »", body, status)


def page_routes(store: Store) -> list[Route]:
    async def campaigns(request: Request) -> Response:
        knobs = await run_in_threadpool(store.knobs)
        items = await run_in_threadpool(
            store.list_campaigns,
            search=None,
            state=None,
            offset=0,
            limit=200,
            now=knobs.now(),
        )
        links = "".join(
            f'<tr><td><a href="campaigns/{_attr(item["id"])}">{_text(item["name"])}</a></td>'
            f"<td>{_text(KIND_LABELS.get(item['kind'], item['kind']))}</td>"
            f"<td>{STATE_LABELS.get(item['state'], item['state'])}</td>"
            f"<td>{_date(item['created'])}</td><td>{_date(item['edited'])}</td>"
            f"<td>{item['count']}</td></tr>"
            for item in items
        )
        headers = "".join(
            f'<th scope="col">{label}</th>'
            for label in (
                "Campagne",
                "Type",
                "État",
                "Créée le",
                "Modifiée le",
                "Destinataires",
            )
        )
        body = (
            '<p><a href="campaigns/new">Créer une campagne avancée</a></p>'
            f"<table><caption>Campagnes du compte, les plus récentes d'abord"
            f"</caption><tr>{headers}</tr>{links}</table>"
        )
        return _html("Campagnes", body)

    async def new_campaign(request: Request) -> Response:
        title = "Création d'une campagne avancée — simulateur Sarbacane"
        if request.method == "GET":
            return _html(title, _creation_form({}))
        field = _form_fields(await request.body())
        knobs = await run_in_threadpool(store.knobs)
        try:
            created = await run_in_threadpool(
                lambda: store.create_in_app(**_creation(field), now=knobs.now())
            )
        except ValueError as refused:
            return _html(title, _creation_form(field, str(refused)), 400)
        except ApiError as error:
            return _html(title, _creation_form(field, _refusal(error)), 400)
        return RedirectResponse(created["id"], status_code=303)

    async def campaign(request: Request) -> Response:
        campaign_id = request.path_params["campaign_id"]
        owner = await _owner_view(store, campaign_id)
        knobs = await run_in_threadpool(store.knobs)
        error = None
        if request.method == "POST":
            field = _form_fields(await request.body())
            try:
                await run_in_threadpool(
                    lambda: owner.edit_draft(
                        campaign_id,
                        name=field.get("name", "").strip(),
                        content=field.get("content"),
                        now=knobs.now(),
                    )
                )
            except ApiError as refused:
                if refused.status == 404:
                    return _missing()
                error = _refusal(refused)
            else:
                return RedirectResponse(campaign_id, status_code=303)
        try:
            view = await run_in_threadpool(owner.campaign, campaign_id, knobs.now())
        except ApiError:
            return _missing()
        return _campaign_page(view, error, 400 if error else 200)

    async def report(request: Request) -> Response:
        campaign_id = request.path_params["campaign_id"]
        owner = await _owner_view(store, campaign_id)
        knobs = await run_in_threadpool(store.knobs)
        try:
            view = await run_in_threadpool(owner.campaign, campaign_id, knobs.now())
            sends = await run_in_threadpool(owner.report, campaign_id, knobs.now())
            people = await run_in_threadpool(
                owner.report_recipients,
                campaign_id,
                offset=0,
                limit=200,
                now=knobs.now(),
            )
        except ApiError:
            return _missing()
        figures = "".join(
            _rows(
                [
                    ("Envoi", send["date"] or "—"),
                    ("Destinataires", send["recipients"]),
                    ("Envoyés", send["sent"]),
                    ("Délivrés", send["delivered"]),
                    ("En erreur", send["bounces"]),
                    ("STOP", send["unsubscribers"]),
                    ("Crédits utilisés", send["creditsUsed"]),
                ]
            )
            for send in sends
            if send["state"] != NOT_LAUNCHED
        )
        lines = "".join(
            f"<tr><td>{_text(p['recipient']['phone'])}</td>"
            f"<td>{_text(p['recipient']['email'] or '')}</td>"
            f"<td>{'erreur' if p['bounce'] else 'délivré'}</td>"
            f"<td>{'oui' if p['unsubscribe'] else ''}</td></tr>"
            for p in people
        )
        body = (
            (figures or "<p>Cette campagne n'a pas encore été envoyée.</p>")
            + "<h2>Destinataires</h2><table><tr><th>Mobile</th><th>E-mail</th>"
            f"<th>Résultat</th><th>STOP</th></tr>{lines}</table>"
        )
        return _html(f"Statistiques — {view['name']}", body)

    return [
        Route("/app/campaigns", campaigns, methods=["GET"]),
        Route("/app/campaigns/new", new_campaign, methods=["GET", "POST"]),
        Route("/app/campaigns/{campaign_id}", campaign, methods=["GET", "POST"]),
        Route("/app/reports/{campaign_id}", report, methods=["GET"]),
    ]

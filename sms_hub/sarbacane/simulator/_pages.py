"""The simulator's web pages: what Sarbacane's own application would show.

No authentication, as they stand in for pages the user opens in a new tab
(``Ouvrir la campagne dans Sarbacane``, ``Voir les statistiques sur
Sarbacane``, ``Créer une campagne avancée``). A campaign's pages show it
whichever account owns it; the list and the creation form are those of the
account of the settings.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from sms_hub.sarbacane.simulator._campaigns import SMS_KINDS
from sms_hub.sarbacane.simulator._errors import ApiError
from sms_hub.sarbacane.simulator._reports import NOT_LAUNCHED
from sms_hub.sarbacane.simulator._store import Store

STATE_LABELS = {
    "DRAFT": "Brouillon",
    "MODERATION": "En modération",
    "ROUTING": "Envoi en cours",
    "FINISH": "Envoyée",
}


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)


_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f5f6fa;color:#1d2330}
header{background:#e6332a;color:#fff;padding:12px 24px;font-weight:600}
main{max-width:880px;margin:24px auto;background:#fff;padding:24px;border-radius:8px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px;text-align:left}
.note{color:#666;font-size:.9em}pre{white-space:pre-wrap;background:#f0f0f0;padding:12px}
label{display:block;margin-top:12px}input,textarea,select{width:100%;padding:6px}
"""


def _html(title: str, body: str, status: int = 200) -> HTMLResponse:
    page = (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8">'
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
        f"<tr><th>{_text(label)}</th><td>{_text(str(value))}</td></tr>"
        for label, value in pairs
    )
    return f"<table>{cells}</table>"


async def _owner_view(store: Store, campaign_id: str) -> Store:
    """The store of the account owning the campaign (any view when none does:
    the campaign's lookup then answers 404)."""
    owner = await run_in_threadpool(store.campaign_owner, campaign_id)
    return store.for_account(owner) if owner is not None else store


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
            f"<td>{STATE_LABELS.get(item['state'], item['state'])}</td>"
            f"<td>{item['count']}</td></tr>"
            for item in items
        )
        body = (
            '<p><a href="campaigns/new">Créer une campagne avancée</a></p>'
            f"<table><tr><th>Campagne</th><th>État</th><th>Destinataires</th></tr>{links}</table>"
        )
        return _html("Campagnes", body)

    async def new_campaign(request: Request) -> Response:
        if request.method == "POST":
            form = parse_qs((await request.body()).decode())
            field = {key: values[0] for key, values in form.items()}
            knobs = await run_in_threadpool(store.knobs)
            try:
                created = await run_in_threadpool(
                    store.create_campaign,
                    name=field.get("name", ""),
                    kind=field.get("kind", SMS_KINDS[0]),
                    sms_from=field.get("smsFrom") or None,
                    content=field.get("content", ""),
                    now=knobs.now(),
                )
            except ApiError as error:
                return _html(
                    "Création impossible", f"<p>{_text(error.message)}</p>", 400
                )
            return RedirectResponse(created["id"], status_code=303)
        options = "".join(f"<option>{kind}</option>" for kind in SMS_KINDS)
        body = (
            "<p>L'éditeur avancé de Sarbacane permet de créer des campagnes plus riches. "
            "Le simulateur en propose une version minimale.</p>"
            '<form method="post">'
            '<label>Nom<input name="name" required></label>'
            f'<label>Type<select name="kind">{options}</select></label>'
            '<label>Expéditeur<input name="smsFrom" maxlength="11"></label>'
            '<label>Message<textarea name="content" rows="4"></textarea></label>'
            '<p><button type="submit">Créer la campagne</button></p></form>'
        )
        return _html("Création d'une campagne avancée — simulateur Sarbacane", body)

    async def campaign(request: Request) -> Response:
        campaign_id = request.path_params["campaign_id"]
        owner = await _owner_view(store, campaign_id)
        knobs = await run_in_threadpool(store.knobs)
        try:
            view = await run_in_threadpool(owner.campaign, campaign_id, knobs.now())
        except ApiError:
            return _missing()
        details = _rows(
            [
                ("Nom", view["name"]),
                (
                    "État",
                    f"{STATE_LABELS.get(view['state'], view['state'])} ({view['state']})",
                ),
                ("Type", view["kind"]),
                ("Expéditeur", view["smsFrom"] or "—"),
                ("Destinataires", view["recipientCount"]),
                ("Traités", view["processedCount"]),
                ("Envoi demandé pour", view["requestedSendDate"] or "—"),
                ("Annulée", "oui" if view["cancelled"] else "non"),
                ("Listes d'exclusion", ", ".join(view["blacklists"]) or "—"),
            ]
        )
        body = (
            f"{details}<h2>Message</h2><pre>{_text(view['content']) or '(vide)'}</pre>"
            f'<p><a href="../reports/{_attr(view["id"])}">Voir les statistiques</a></p>'
        )
        return _html(f"Campagne « {view['name']} »", body)

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
        Route("/app/campaigns/{campaign_id}", campaign, methods=["GET"]),
        Route("/app/reports/{campaign_id}", report, methods=["GET"]),
    ]

"""Page « Statistiques de la campagne » (Hub3E), for finished campaigns."""

from __future__ import annotations

import reflex as rx
from reflex.vars.function import FunctionStringVar

from sms_hub.components.data_table import data_table, download_button, pager
from sms_hub.components.layout import page_shell, section_card
from sms_hub.domain.statistics import OUTCOME_LABELS, Outcome
from sms_hub.pages.statistics.state import ALL, StatisticsState
from sms_hub.services import statistics
from sms_hub.state.session import SessionState

ROUTE = "/statistiques"
TITLE = "Statistiques de la campagne"


S = StatisticsState


def _figure(figure: statistics.Figure) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(figure.label, size="2", color_scheme="gray"),
            rx.heading(figure.value, size="6"),
            rx.cond(figure.rate != "", rx.text(figure.rate, size="2", weight="medium")),
            spacing="1",
        ),
        min_width="140px",
        flex="1",
        class_name="stat-figure",
    )


def _chart_card(title: str, chart: rx.Component, **props) -> rx.Component:
    return rx.card(
        rx.heading(title, size="3", as_="h2"),
        chart,
        flex="1",
        min_width="320px",
        **props,
    )


# Counts in the charts read like every other count: each datum carries its
# ``shown`` text (domain.formatting.number_fr); labels and tooltips print it.
_SHOWN_LABEL = FunctionStringVar.create(
    "((props) => props.payload?.shown ?? props.value)"
)
_SHOWN_VALUE = FunctionStringVar.create(
    "((value, name, item) => item?.payload?.shown ?? value)"
)
# The axis ticks are the one count recharts computes in the browser: they are
# grouped the way babel groups them (fr-FR, a narrow no-break space).
_FRENCH_TICK = FunctionStringVar.create(
    "((value) => new Intl.NumberFormat('fr-FR').format(value))"
)


def _tooltip() -> rx.Component:
    return rx.recharts.graphing_tooltip(custom_attrs={"formatter": _SHOWN_VALUE})


def _outcomes_chart() -> rx.Component:
    return _chart_card(
        "Résultats des envois",
        rx.recharts.pie_chart(
            rx.recharts.pie(
                rx.foreach(
                    S.outcomes_chart,
                    lambda point: rx.recharts.cell(fill=point["fill"]),
                ),
                data=S.outcomes_chart,
                data_key="value",
                name_key="name",
                inner_radius="45%",
                is_animation_active=False,
                # Pie.label is typed bool | dict in Reflex; recharts takes a function.
                custom_attrs={"label": _SHOWN_LABEL},
            ),
            _tooltip(),
            rx.recharts.legend(),
            height=280,
        ),
    )


#: Axis text and grid in the theme's greys, readable on its surface.
_AXIS_TICK = {"fill": rx.color("gray", 11), "fontSize": 12}


def _timeline_chart() -> rx.Component:
    """Bars in the theme's accent; one bar stays a bar (``max_bar_size``), a
    thousand stay visible (no gap once a bar is thinner than a pixel), and
    the axis keeps only the time labels that fit side by side."""
    return _chart_card(
        "SMS traités dans le temps",
        rx.box(
            rx.recharts.bar_chart(
                rx.recharts.cartesian_grid(vertical=False, stroke=rx.color("gray", 5)),
                rx.recharts.bar(
                    data_key="value",
                    name="SMS traités",
                    fill=rx.color("accent", 9),
                    max_bar_size=48,
                    radius=[2, 2, 0, 0],
                    is_animation_active=False,
                ),
                rx.recharts.x_axis(
                    data_key="name",
                    interval="preserveStartEnd",
                    min_tick_gap=16,
                    tick=_AXIS_TICK,
                    tick_line=False,
                    stroke=rx.color("gray", 7),
                ),
                rx.recharts.y_axis(
                    allow_decimals=False,
                    tick=_AXIS_TICK,
                    tick_formatter=_FRENCH_TICK,
                    width=48,
                    stroke=rx.color("gray", 7),
                ),
                rx.recharts.graphing_tooltip(
                    cursor={"fill": rx.color("accent", 3)},
                    custom_attrs={"formatter": _SHOWN_VALUE},
                ),
                data=S.timeline_chart,
                bar_category_gap=S.timeline_gap,
                height=280,
            ),
            role="img",
            aria_label=S.timeline_summary,
        ),
        class_name="timeline-chart",
    )


def _row(row: statistics.OutcomeRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.email),
        rx.table.cell(rx.text(row.phone_label, white_space="nowrap")),
        rx.table.cell(row.outcome),
    )


def _recipients_table() -> rx.Component:
    options = [(ALL, "Tous les statuts")] + [
        (outcome.value, OUTCOME_LABELS[outcome]) for outcome in Outcome
    ]
    return section_card(
        rx.hstack(
            rx.heading("Destinataires", size="3", as_="h2"),
            rx.spacer(),
            rx.el.label(
                "Filtrer par statut",
                html_for="outcome-filter",
                class_name="field-label",
            ),
            rx.select.root(
                rx.select.trigger(id="outcome-filter"),
                rx.select.content(
                    *[rx.select.item(label, value=value) for value, label in options]
                ),
                value=S.outcome_filter,
                on_change=S.filter_outcome,
            ),
            download_button(S.export_csv),
            width="100%",
            align="center",
            spacing="3",
        ),
        data_table(
            ["Email", "Mobile", "Statut"], S.rows, _row, size="1", variant="ghost"
        ),
        pager(
            rx.text(S.total_label, " destinataire(s)", size="2"),
            S.page,
            S.page_count,
            S.page_label,
            S.go_to_page,
            size="1",
        ),
        spacing="3",
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.link(
                rx.hstack(
                    rx.icon("arrow-left", size=16),
                    "Retour aux campagnes",
                    align="center",
                    spacing="1",
                ),
                href="/",
            ),
            rx.spacer(),
            rx.button(
                rx.link(
                    rx.icon("external-link", size=16),
                    "Voir les statistiques sur Sarbacane",
                    href=S.sarbacane_link,
                    is_external=True,
                ),
                as_child=True,
                variant="outline",
            ),
            width="100%",
            align="center",
        ),
        rx.heading("Campagne « ", S.campaign_name, " »", size="5", as_="h2"),
        rx.flex(rx.foreach(S.figures, _figure), gap="3", wrap="wrap", width="100%"),
        rx.flex(
            _outcomes_chart(), _timeline_chart(), gap="3", wrap="wrap", width="100%"
        ),
        _recipients_table(),
        spacing="4",
        width="100%",
    )


def statistics_page() -> rx.Component:
    return page_shell(
        TITLE,
        rx.cond(
            S.error != "",
            rx.vstack(
                rx.callout(
                    S.error, icon="circle-alert", color_scheme="red", role="alert"
                ),
                rx.link("Retour aux campagnes", href="/"),
            ),
            rx.cond(S.loading, rx.spinner(size="3"), _content()),
        ),
        session=SessionState,
    )

"""The statistics as a workbook: every figure's tables, protected for small numbers, with the
overview beside the year before, the definitions and what the file was made from."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from kaa_web import audit
from kaa_web.exports import xlsx_bytes
from kaa_web.models.base import LOCAL_TZ
from kaa_web.permissions import Actor
from kaa_web.rules.report_periods import ReportPeriod
from kaa_web.services.statistics.definitions import BREAKDOWNS, FIGURES, MEASURE_BREAKDOWNS
from kaa_web.services.statistics.page import FigureView, figure_views, headline_column
from kaa_web.services.statistics.protect import ShownTable

LABELS = BREAKDOWNS | MEASURE_BREAKDOWNS


def _table_rows(shown: ShownTable, earlier=None) -> list[list]:
    header = [LABELS[shown.table.dimension], *(label for _, label in shown.columns)]
    rows = [header]
    for row in (*shown.rows, shown.total):
        rows.append([row.label, *(_cell(row, key) for key, _ in shown.columns)])
    if earlier is not None:
        rows.append(["Hela kommunen, året innan", *(_cell(earlier, k) for k, _ in shown.columns)])
    return rows


def _cell(row, key):
    """A number where it may be shown, else the text that stands for it ("<5", "dolt")."""
    value = row.values.get(key)
    return row.shown[key] if value is None else value


def _figure_sheet(view: FigureView) -> list[list]:
    rows = [[view.figure.name], [view.figure.definition], []]
    rows += _table_rows(view.table, view.earlier)
    for extra in view.by_measure:
        rows += [[], *_table_rows(extra)]
    return rows


def statistics_workbook(
    db: Session, *, actor: Actor, period: ReportPeriod, dimension: str, limit: int
) -> bytes:
    """Every table for the period, as it may leave the app; the export is logged."""
    actor.need("statistics.read")
    sections = figure_views(db, period, dimension, limit)
    views = [view for _, section in sections for view in section]
    made = datetime.now(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    about = [
        ["Uppgift", "Värde"],
        ["Period", f"{period.label} ({period.start.isoformat()} – {period.end.isoformat()})"],
        ["Jämförs med", f"{period.year_earlier().start} – {period.year_earlier().end}"],
        ["Uppdelat efter", BREAKDOWNS[dimension]],
        [
            "Små tal",
            f"Antal under {limit} visas som <{limit}; ”dolt” där en summa annars "
            "skulle avslöja ett dolt antal.",
        ],
        ["Uppgifterna hämtade", made],
    ]
    overview = [["Siffra", period.label, "Året innan"]] + [
        [
            v.figure.name,
            _cell(v.table.total, headline_column(v.figure)),
            _cell(v.earlier, headline_column(v.figure)),
        ]
        for v in views
    ]
    definitions = [["Siffra", "Definition"]] + [[f.name, f.definition] for f in FIGURES.values()]
    sheets = [("Om uttaget", about), ("Översikt", overview)]
    sheets += [(v.figure.name, _figure_sheet(v)) for v in views]
    sheets.append(("Definitioner", definitions))
    audit.record(db, actor, "export", object_type="statistics", object_id=period.slug())
    return xlsx_bytes(sheets)

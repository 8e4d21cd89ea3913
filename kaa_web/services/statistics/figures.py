"""A figure's table for a period and a breakdown (exact counts), and the indicator API other
features use: `indicator_value(db, key=, period=, breakdown=)`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from kaa_web.models.register import District
from kaa_web.rules.outreach import DEFAULT_RULES
from kaa_web.rules.report_periods import ReportPeriod
from kaa_web.services.statistics import queries as q
from kaa_web.services.statistics.activity import Activity
from kaa_web.services.statistics.definitions import (
    BREAKDOWNS,
    GROUP_LABELS,
    MEASURE_BREAKDOWNS,
    MEASURE_FIGURES,
    UNKNOWN_DISTRICT,
    Figure,
    figure,
)
from kaa_web.services.statistics.tally import counted

SHARE_PARTS = {  # share figures counted as one figure of another
    "kartlagda": (q.mapped, q.covered),
    "med_plan": (q.with_plan, q.covered),
    "studiebevis": (q.studiebevis, q.covered),
}
COMPUTE = {
    "omfattade": q.covered,
    "omfattade_start": q.covered_start,
    "omfattade_slut": q.covered_end,
    "nya": q.registrations,
    "avregistrerade_orsak": q.deregistration_reasons,
    "sokta": q.sought,
    "nadda": q.reached,
    "nadda_kanal": q.reached_channel,
    "insatser_uppsokande": q.outreach_efforts,
    "dagar_forsta_forsok": q.days_to_first_attempt,
    "insatser_kategori": q.measure_stages,
    "sysselsattning_efter_insats": q.occupation_after_measure,
    "ater_studier_arbete": q.returned_after_measure,
    "resultat_avregistrering": q.deregistration_results,
    "tid_i_kaa": q.time_in_kaa,
    "sysselsattning_senaste": q.latest_occupation,
}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: dict  # column key -> number (None: nothing to compute, e.g. a median of no one)


@dataclass(frozen=True)
class Table:
    figure: Figure
    dimension: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[Row, ...]
    total: Row


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    definition: str
    value: float | int | None  # a share in per cent (one decimal), a count, a median in days
    numerator: int | None
    denominator: int | None
    unit: str


def breakdowns_of(key: str) -> dict[str, str]:
    return {**BREAKDOWNS, **MEASURE_BREAKDOWNS} if key in MEASURE_FIGURES else BREAKDOWNS


def columns_of(f: Figure) -> tuple[tuple[str, str], ...]:
    if f.kind == "count":
        return (("n", f"Antal {f.unit}"),)
    if f.kind == "share":
        return (("taljare", "Antal"), ("namnare", f"Av antal {f.unit}"), ("andel", "Andel"))
    if f.kind == "median":
        extra = tuple(f.categories.items())
        return (("antal", f"Antal {f.unit}"), ("median", "Median, dagar"), *extra)
    total = (("totalt", "Totalt"),) if f.summable else ()
    return (*f.categories.items(), *total)


def grouped(
    db: Session, key: str, period: ReportPeriod, dimension: str, activity: Activity | None = None
) -> dict[str, dict]:
    """{group: {column: number}} exactly as counted: from the period's `activity` when the
    caller read it for many figures (the page, a report), else by the figure's own grouped
    statement (one figure: a chart, an action-plan goal)."""
    if activity is None:
        return grouped_sql(db, key, period, dimension)
    f = figure(key)
    out = counted(activity, key, dimension, _first_letter_days(db))
    return {g: _complete(f, cells) for g, cells in out.items()}


def grouped_sql(db: Session, key: str, period: ReportPeriod, dimension: str) -> dict[str, dict]:
    """The figure by its grouped statements (queries): the definitions in SQL, which the people
    behind a figure are selected by too."""
    f = figure(key)
    query = q.Query(period, dimension)
    if key in SHARE_PARTS:
        part, whole = SHARE_PARTS[key]
        parts, wholes = part(db, query), whole(db, query)
        out = {
            g: {"taljare": parts.get(g, {}).get("n", 0), "namnare": c["n"]}
            for g, c in wholes.items()
        }
    elif key == "forsok_inom_tid":
        out = q.first_attempt_in_time(db, query, _first_letter_days(db))
    else:
        out = COMPUTE[key](db, query)
    return {g: _complete(f, cells) for g, cells in out.items()}


def _complete(f: Figure, cells: dict) -> dict:
    cells = dict(cells)
    if f.kind == "share":
        num, den = cells.get("taljare", 0), cells.get("namnare", 0)
        cells["andel"] = round(100 * num / den, 1) if den else None
    elif f.kind == "distribution":
        cells = {key: cells.get(key, 0) for key in f.categories} | (
            {"totalt": sum(cells.get(key, 0) for key in f.categories)} if f.summable else {}
        )
    elif f.kind == "count":
        cells.setdefault("n", 0)
    return cells


def _first_letter_days(db: Session) -> int:
    return db.info.get("ladder_rules", DEFAULT_RULES).first_letter_days


def whole(db: Session, key: str, period: ReportPeriod, activity: Activity | None = None) -> dict:
    """The figure for the whole municipality: {column: number}."""
    f = figure(key)
    return grouped(db, key, period, "hela", activity).get(q.ALL) or _complete(f, _empty(f))


def table(
    db: Session,
    key: str,
    period: ReportPeriod,
    dimension: str = "hela",
    total=None,
    activity: Activity | None = None,
) -> Table:
    """The figure for every group of the breakdown, with the whole municipality as its total
    (counted on its own, so a person in two groups' rows is one in the total; `total` when
    the caller has it already)."""
    f = figure(key)
    if dimension not in breakdowns_of(key):
        raise ValueError(f"{key} has no breakdown {dimension!r}")
    total = total if total is not None else whole(db, key, period, activity)
    rows = ()
    if dimension != "hela":
        found = grouped(db, key, period, dimension, activity)
        labels = group_labels(db, dimension, found)
        rows = tuple(
            Row(g, label, found.get(g) or _complete(f, _empty(f))) for g, label in labels.items()
        )
    return Table(f, dimension, columns_of(f), rows, Row(q.ALL, "Hela kommunen", total))


def _empty(f: Figure) -> dict:
    if f.kind == "share":
        return {"taljare": 0, "namnare": 0}
    if f.kind == "median":
        return {"antal": 0, "median": None, **dict.fromkeys(f.categories, 0)}
    return {}


def group_labels(db: Session, dimension: str, found: dict) -> dict[str, str]:
    """Every group of the breakdown in the order the tables list them (also empty ones, so a
    table for one period has the same rows as for another)."""
    if dimension == "kommundel":
        districts = db.exec(select(District.id, District.name).order_by(District.name)).all()
        labels = {str(i): name for i, name in districts}
        return labels | {"": UNKNOWN_DISTRICT}
    if dimension == "insats":
        return {g: g or "Insats utanför katalogen" for g in sorted(found)}
    labels = dict(GROUP_LABELS[dimension])
    return labels | {g: g for g in found if g not in labels}


def indicator_value(
    db: Session, *, key: str, period: ReportPeriod, breakdown: tuple[str, str] | None = None
) -> Indicator:
    """One figure's value for the period, for the whole municipality or one group
    (`("kon", "kvinna")`, `("kommundel", "3")`): what a goal in the action plan is checked
    against. Exact (not small-number protected): callers that show it outside decide that."""
    f = figure(key)
    dimension, group = breakdown or ("hela", q.ALL)
    cells = grouped(db, key, period, dimension).get(group) or _complete(f, _empty(f))
    if f.kind == "share":
        value, num, den = cells["andel"], cells["taljare"], cells["namnare"]
    elif f.kind == "median":
        value, num, den = cells["median"], cells["antal"], None
    elif f.kind == "distribution":
        value = cells.get("totalt") if f.summable else cells.get("erbjudna")
        num, den = value, None
    else:
        value, num, den = cells["n"], cells["n"], None
    unit = "%" if f.kind == "share" else ("dagar" if f.kind == "median" else f.unit)
    return Indicator(f.key, f.name, f.definition, value, num, den, unit)

"""The statistics page's query: every figure for a period and a breakdown, beside the same
period a year earlier, read as an act in the audit log (aggregates name no one)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from kaa_web import audit
from kaa_web.permissions import Actor
from kaa_web.rules.report_periods import ReportPeriod
from kaa_web.services.statistics.activity import Activity, load
from kaa_web.services.statistics.definitions import BREAKDOWNS, FIGURES, SECTIONS, Figure
from kaa_web.services.statistics.figures import breakdowns_of, table, whole
from kaa_web.services.statistics.protect import ShownRow, ShownTable, exact_table, protect_table

CHARTED = frozenset(
    key for key, f in FIGURES.items() if f.kind == "distribution" or key == "tid_i_kaa"
)


@dataclass(frozen=True)
class FigureView:
    figure: Figure
    table: ShownTable  # by the chosen breakdown, with the whole municipality as its total
    earlier: ShownRow  # the whole municipality the same period a year earlier
    by_measure: tuple[ShownTable, ...] = ()  # measures also by SCB category and catalogue

    @property
    def headline(self) -> str:
        return self.table.total.shown[headline_column(self.figure)]

    @property
    def earlier_headline(self) -> str:
        return self.earlier.shown[headline_column(self.figure)]

    @property
    def charted(self) -> bool:
        return self.figure.key in CHARTED


@dataclass(frozen=True)
class StatisticsPage:
    period: ReportPeriod
    earlier: ReportPeriod
    dimension: str
    sections: tuple[tuple[str, tuple[FigureView, ...]], ...]
    limit: int  # 0: exact counts

    @property
    def dimension_label(self) -> str:
        return BREAKDOWNS[self.dimension]


def headline_column(f: Figure) -> str:
    if f.kind == "share":
        return "andel"
    if f.kind == "median":
        return "median"
    if f.kind == "distribution":
        return "totalt" if f.summable else "erbjudna"
    return "n"


def figure_view(
    db: Session,
    key: str,
    period: ReportPeriod,
    dimension: str = "hela",
    limit: int = 0,
    activities: tuple[Activity, Activity] | None = None,
) -> FigureView:
    """One figure by a breakdown beside the year before; exact, or protected under `limit`.
    `activities`: the period's and the year before's, when the caller has read them for every
    figure; without them the figure is counted by its own statements."""
    shown = (lambda t: protect_table(t, limit)) if limit else exact_table
    earlier = period.year_earlier()
    now, before = activities or (None, None)
    total = whole(db, key, period, now)  # counted once for every table of the figure
    extra = tuple(
        shown(table(db, key, period, d, total, now))
        for d in breakdowns_of(key)
        if d not in BREAKDOWNS
    )
    return FigureView(
        FIGURES[key],
        shown(table(db, key, period, dimension, total, now)),
        shown(table(db, key, earlier, "hela", activity=before)).total,
        extra,
    )


def figure_views(
    db: Session, period: ReportPeriod, dimension: str, limit: int = 0
) -> tuple[tuple[str, tuple[FigureView, ...]], ...]:
    """Every figure, section by section, from one read of the period and one of the year
    before."""
    activities = (load(db, period), load(db, period.year_earlier()))
    return tuple(
        (
            name,
            tuple(
                figure_view(db, key, period, dimension, limit, activities)
                for key, f in FIGURES.items()
                if f.section == section
            ),
        )
        for section, name in SECTIONS.items()
    )


def statistics_page(
    db: Session, *, actor: Actor, period: ReportPeriod, dimension: str = "hela"
) -> StatisticsPage:
    """The page: exact figures (for users inside the municipality: `statistics.read`)."""
    actor.need("statistics.read")
    if dimension not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {dimension!r}")
    audit.record(db, actor, "view", object_type="statistics", object_id=period.slug())
    return StatisticsPage(
        period, period.year_earlier(), dimension, figure_views(db, period, dimension), 0
    )

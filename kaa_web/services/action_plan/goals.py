"""The plan's goals: each names a figure of the statistics, a target for the plan's year and a
threshold for "partly met"; its value is measured from live data beside last year's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.action_plan import DIRECTIONS, ActionPlanGoal, ActionPlanVersion
from kaa_web.permissions import Actor
from kaa_web.rules.report_periods import KINDS, ReportPeriod, named_period
from kaa_web.services.action_plan.base import draft_of
from kaa_web.services.errors import Invalid, NotFound
from kaa_web.services.statistics.definitions import FIGURES
from kaa_web.services.statistics.figures import Indicator, indicator_value

# Figures a goal can name: one value per period (a distribution has no single value).
GOAL_FIGURES = {k: f for k, f in FIGURES.items() if f.kind in ("count", "share", "median")}
GOAL_PERIODS = {k: name for k, (name, _, _) in KINDS.items() if k != "egen"}


@dataclass(frozen=True)
class GoalData:
    title: str
    indicator: str
    period_kind: str
    direction: str
    target: float
    partial: float


@dataclass(frozen=True)
class GoalResult:
    goal: ActionPlanGoal
    period: ReportPeriod
    measured: Indicator
    last_year: Indicator
    fulfilment: str  # FULFILMENT
    ongoing: bool  # the period has not ended: the value so far
    hidden: bool = False  # too few behind the value to show it (and so its fulfilment)
    last_year_hidden: bool = False

    @property
    def unit(self) -> str:
        return self.measured.unit


def _errors(data: GoalData) -> dict[str, str]:
    errors = {}
    if not data.title.strip():
        errors["title"] = "Beskriv målet."
    if data.indicator not in GOAL_FIGURES:
        errors["indicator"] = "Välj ett mått i listan."
    if data.period_kind not in GOAL_PERIODS:
        errors["period_kind"] = "Välj en period i listan."
    if data.direction not in DIRECTIONS:
        errors["direction"] = "Välj minst eller högst."
    share = GOAL_FIGURES.get(data.indicator) and GOAL_FIGURES[data.indicator].kind == "share"
    for name, value in (("target", data.target), ("partial", data.partial)):
        if value < 0 or (share and value > 100):
            errors[name] = "En andel anges i procent, 0–100." if share else "Ange 0 eller mer."
    if "partial" not in errors and "target" not in errors:
        if data.direction == "minst" and data.partial > data.target:
            errors["partial"] = "Gränsen för delvis uppfyllt kan inte ligga över målvärdet."
        if data.direction == "hogst" and data.partial < data.target:
            errors["partial"] = "Gränsen för delvis uppfyllt kan inte ligga under målvärdet."
    return errors


def _apply(goal: ActionPlanGoal, data: GoalData) -> None:
    goal.title = data.title.strip()[:300]
    goal.indicator, goal.period_kind, goal.direction = (
        data.indicator,
        data.period_kind,
        data.direction,
    )
    goal.target, goal.partial = data.target, data.partial


def add_goal(db: Session, *, actor: Actor, year: int, data: GoalData) -> ActionPlanGoal:
    """A new goal on a draft. The caller commits."""
    plan = draft_of(db, actor, year, "write")
    if errors := _errors(data):
        raise Invalid(field_errors=errors)
    goal = ActionPlanGoal(plan_id=plan.id, title="", indicator="", target=0, partial=0)
    _apply(goal, data)
    db.add(goal)
    db.flush()
    audit.record(db, actor, "create", object_type="action_plan_goal", object_id=goal.id)
    return goal


def _goal_of(db: Session, plan: ActionPlanVersion, goal_id: int) -> ActionPlanGoal:
    goal = db.get(ActionPlanGoal, goal_id)
    if goal is None or goal.plan_id != plan.id:
        raise NotFound(f"goal {goal_id}")
    return goal


def get_goal(db: Session, *, actor: Actor, year: int, goal_id: int) -> ActionPlanGoal:
    """A goal of a draft, for its edit form."""
    return _goal_of(db, draft_of(db, actor, year, "write"), goal_id)


def update_goal(
    db: Session, *, actor: Actor, year: int, goal_id: int, data: GoalData
) -> ActionPlanGoal:
    """Change a draft's goal. The caller commits."""
    goal = _goal_of(db, draft_of(db, actor, year, "write"), goal_id)
    if errors := _errors(data):
        raise Invalid(field_errors=errors)
    _apply(goal, data)
    db.add(goal)
    audit.record(db, actor, "update", object_type="action_plan_goal", object_id=goal.id)
    return goal


def remove_goal(db: Session, *, actor: Actor, year: int, goal_id: int) -> None:
    """Take a goal out of a draft. The caller commits."""
    goal = _goal_of(db, draft_of(db, actor, year, "write"), goal_id)
    audit.record(db, actor, "delete", object_type="action_plan_goal", object_id=goal.id)
    db.delete(goal)


def goals_of(db: Session, plan_id: int) -> list[ActionPlanGoal]:
    return list(
        db.exec(
            select(ActionPlanGoal)
            .where(ActionPlanGoal.plan_id == plan_id)
            .order_by(ActionPlanGoal.id)
        )
    )


def copy_goals(db: Session, source: ActionPlanVersion, plan: ActionPlanVersion) -> None:
    """Next year's draft starts with the goals of the plan it copies."""
    for goal in goals_of(db, source.id):
        copied = ActionPlanGoal(plan_id=plan.id, title="", indicator="", target=0, partial=0)
        _apply(copied, _data_of(goal))
        db.add(copied)


def _data_of(goal: ActionPlanGoal) -> GoalData:
    return GoalData(
        goal.title, goal.indicator, goal.period_kind, goal.direction, goal.target, goal.partial
    )


def fulfilment(goal: ActionPlanGoal, value: float | None) -> str:
    """helt / delvis / ej by the goal's own thresholds; okant without data."""
    if value is None:
        return "okant"
    met = (
        (lambda v, limit: v >= limit)
        if goal.direction == "minst"
        else (lambda v, limit: v <= limit)
    )
    if met(value, goal.target):
        return "helt"
    return "delvis" if met(value, goal.partial) else "ej"


def _has_data(indicator: Indicator) -> bool:
    """A share of nobody, or a median of nothing, is no data — never 0 %."""
    if indicator.denominator is not None:
        return indicator.denominator > 0
    return indicator.value is not None


def too_few(indicator: Indicator, limit: int) -> bool:
    """Whether a value may not be shown under the small-number limit: a count under it, or a
    share or median whose counts are (as a figure's table hides them, statistics/protect)."""
    counts = (indicator.numerator, indicator.denominator)
    return bool(limit) and any(n is not None and 0 < n < limit for n in counts)


def goal_results(
    db: Session, plan: ActionPlanVersion, today: date, limit: int = 0
) -> list[GoalResult]:
    """Every goal of the plan measured for its period of the plan's year, and the year before;
    exact, or with values too few to show under `limit` hidden (documents, shared pages)."""
    results = []
    for goal in goals_of(db, plan.id):
        period = named_period(goal.period_kind, plan.year)
        measured = indicator_value(db, key=goal.indicator, period=period)
        last_year = indicator_value(db, key=goal.indicator, period=period.year_earlier())
        hidden, last_hidden = too_few(measured, limit), too_few(last_year, limit)
        value = measured.value if _has_data(measured) and not hidden else None
        results.append(
            GoalResult(
                goal=goal,
                period=period,
                measured=measured if value is not None else _no_data(measured),
                last_year=last_year
                if _has_data(last_year) and not last_hidden
                else _no_data(last_year),
                fulfilment="dolt" if hidden else fulfilment(goal, value),
                ongoing=period.end >= today,
                hidden=hidden,
                last_year_hidden=last_hidden,
            )
        )
    return results


def _no_data(indicator: Indicator) -> Indicator:
    return Indicator(
        indicator.key, indicator.name, indicator.definition, None, None, None, indicator.unit
    )


def goal_lines(db: Session, plan_id: int) -> list[str]:
    """The goals as lines of text, for the comparison with last year's plan."""
    return [
        f"{g.title} – {_figure_name(g.indicator)}, {DIRECTIONS[g.direction].lower()}"
        f" {g.target:g}, delvis från {g.partial:g}, {GOAL_PERIODS[g.period_kind].lower()}"
        for g in goals_of(db, plan_id)
    ]


def _figure_name(key: str) -> str:
    return GOAL_FIGURES[key].name if key in GOAL_FIGURES else key

"""The yearly review of a plan (årlig uppföljning): every goal beside its outcome, planned
collaboration beside what was held, the routines' measured performance, PwC's eight control
areas as a self-assessment with the evidence the system has, SKR's questions answered from
data, and the managers' conclusions and decided changes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.action_plan import REVIEW_AREAS, ActionPlanReview, ActionPlanVersion
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.meetings import (
    FREQUENCIES,
    ORGANISATIONS,
    ActionPoint,
    Attendance,
    GroupMember,
    Meeting,
    MeetingGroup,
)
from kaa_web.permissions import Actor
from kaa_web.rules.report_periods import named_period
from kaa_web.rules.words import decimal, plural
from kaa_web.services.action_plan.base import get_plan
from kaa_web.services.action_plan.goals import GoalResult, goal_results, too_few
from kaa_web.services.action_plan.linked import linked_parts
from kaa_web.services.errors import EditConflict, Invalid
from kaa_web.services.statistics.figures import Indicator, indicator_value

MAX_TEXT = 10_000


@dataclass(frozen=True)
class GroupOutcome:
    name: str
    planned: str  # the group's planned frequency
    held: int
    cancelled: int
    attendance: dict[str, int]  # organisation -> attendances (present) over the year
    points_opened: int
    points_closed: int


@dataclass(frozen=True)
class Assessment:
    key: str
    title: str
    rating: str  # RATINGS key or ""
    justification: str
    evidence: str  # what the system can say about the area, or ""


@dataclass(frozen=True)
class ReviewPage:
    plan: ActionPlanVersion
    review: ActionPlanReview | None
    goals: list[GoalResult]
    groups: list[GroupOutcome]
    routines: list[tuple[str, str, str]]  # (what, measured, against)
    areas: list[Assessment]
    questions: list[tuple[str, str | None]]  # SKR's question, the answer from data or None


def _shown(indicator: Indicator, limit: int) -> str | None:
    if indicator.value is None or indicator.denominator == 0:
        return None
    if too_few(indicator, limit):
        return f"dolt (färre än {limit})"
    text = f"{decimal(indicator.value)} {indicator.unit}"
    if indicator.denominator:
        text += f" ({indicator.numerator} av {indicator.denominator})"
    return text


def _groups(db: Session, year: int, today: date) -> list[GroupOutcome]:
    start, end = date(year, 1, 1), min(date(year, 12, 31), today)
    outcomes = []
    for group in db.exec(select(MeetingGroup).order_by(MeetingGroup.name)):
        meetings = db.exec(
            select(Meeting).where(
                Meeting.group_id == group.id, Meeting.on >= start, Meeting.on <= end
            )
        ).all()
        held = [m.id for m in meetings if m.cancelled_at is None]
        present = db.exec(
            select(GroupMember.organisation, func.count())
            .join(Attendance, Attendance.member_id == GroupMember.id)
            .where(Attendance.meeting_id.in_(held or [0]), Attendance.status == "narvarande")
            .group_by(GroupMember.organisation)
        ).all()
        points = db.exec(select(ActionPoint).where(ActionPoint.meeting_id.in_(held or [0]))).all()
        outcomes.append(
            GroupOutcome(
                name=group.name,
                planned=FREQUENCIES.get(group.frequency, group.frequency),
                held=len(held),
                cancelled=len(meetings) - len(held),
                attendance={ORGANISATIONS.get(o, o): n for o, n in present},
                points_opened=len(points),
                points_closed=sum(1 for p in points if p.done_at is not None),
            )
        )
    return outcomes


def _figures(db: Session, year: int, limit: int) -> dict[str, str | None]:
    period = named_period("ar", year)
    keys = (
        "omfattade",
        "nya",
        "dagar_forsta_forsok",
        "forsok_inom_tid",
        "kartlagda",
        "med_plan",
        "ater_studier_arbete",
        "tid_i_kaa",
        "studiebevis",
        "nadda",
    )
    return {k: _shown(indicator_value(db, key=k, period=period), limit) for k in keys}


def _evidence(
    figures: dict, plan: ActionPlanVersion, goals: list[GoalResult], groups: list[GroupOutcome]
) -> dict[str, str]:
    met = sum(1 for g in goals if g.fulfilment == "helt")
    held = sum(g.held for g in groups)
    adopted = (
        f"Planen antogs {plan.decided_on.isoformat()} av {plan.decision_body}."
        if plan.decided_on
        else "Planen är inte antagen."
    )
    parts = {
        "styrdokument": adopted,
        "uppfoljning": f"{met} av {len(goals)} mätbara mål uppfyllda."
        if goals
        else "Planen har inga mätbara mål.",
        "kartlaggning": figures["kartlagda"] and f"Kartlagda: {figures['kartlagda']}.",
        "dokumentation": figures["med_plan"]
        and f"Med dokumenterad individuell plan: {figures['med_plan']}.",
        "insatser": figures["ater_studier_arbete"]
        and f"Åter till studier eller arbete efter insats: {figures['ater_studier_arbete']}.",
        "samverkan": f"{_meetings_in_groups(held, groups)} hölls."
        if groups
        else "Inga samverkansgrupper är upplagda.",
    }
    return {k: v for k, v in parts.items() if v}


def _meetings_in_groups(held: int, groups: list[GroupOutcome]) -> str:
    return (
        f"{plural(held, 'samverkansmöte', 'samverkansmöten')} i "
        f"{plural(len(groups), 'grupp', 'grupper')}"
    )


def _questions(figures: dict, groups: list[GroupOutcome]) -> list[tuple[str, str | None]]:
    held = sum(g.held for g in groups)
    return [
        ("Hur många ungdomar omfattas av aktivitetsansvaret?", figures["omfattade"]),
        ("Hur många nya tillkom under året?", figures["nya"]),
        ("Hur stor andel har studiebevis?", figures["studiebevis"]),
        (
            "Hur länge är ungdomarna i aktivitetsansvaret?",
            figures["tid_i_kaa"] and f"Median {figures['tid_i_kaa']}",
        ),
        ("Hur många nåddes?", figures["nadda"]),
        (
            "Vilka resultat ger insatserna?",
            figures["ater_studier_arbete"]
            and f"{figures['ater_studier_arbete']} återgick till studier eller arbete",
        ),
        (
            "Hur fungerar samverkan?",
            f"{held} möten i {len(groups)} samverkansgrupper" if groups else None,
        ),
        ("Vilka resurser har verksamheten?", None),
        ("Vad kostar verksamheten per ungdom?", None),
    ]


def _routines(figures: dict, db: Session) -> list[tuple[str, str, str]]:
    ladder = dict(linked_parts(db).ladder)
    first = next(v for k, v in ladder.items() if k.startswith("Första brevet"))
    return [
        (
            "Dagar från registrering till första kontaktförsöket (median)",
            figures["dagar_forsta_forsok"] or "Inga uppgifter",
            f"Högst {first} dagar",
        ),
        (
            "Första försöket inom tidsgränsen",
            figures["forsok_inom_tid"] or "Inga uppgifter",
            f"Inom {first} dagar",
        ),
        ("Kartlagda", figures["kartlagda"] or "Inga uppgifter", "Alla som nåtts"),
        (
            "Med dokumenterad individuell plan",
            figures["med_plan"] or "Inga uppgifter",
            "Alla som nåtts",
        ),
    ]


def _review_of(db: Session, plan_id: int) -> ActionPlanReview | None:
    return db.exec(select(ActionPlanReview).where(ActionPlanReview.plan_id == plan_id)).first()


def review_of(db: Session, *, actor: Actor, year: int) -> ActionPlanReview | None:
    """The saved review of a plan for its managers' form (no figures), or None."""
    return _review_of(db, get_plan(db, actor=actor, year=year, may="write").id)


def build_review(db: Session, plan: ActionPlanVersion, limit: int = 0) -> ReviewPage:
    """The review of a plan already checked against its reader: exact, or with the values too
    few to show under `limit` hidden (its document, and the page shared with a group)."""
    review = _review_of(db, plan.id)
    today = local_today()
    goals = goal_results(db, plan, today, limit)
    groups = _groups(db, plan.year, today)
    figures = _figures(db, plan.year, limit)
    saved = json.loads(review.assessments) if review else {}
    evidence = _evidence(figures, plan, goals, groups)
    areas = [
        Assessment(
            key,
            title,
            saved.get(key, {}).get("rating", ""),
            saved.get(key, {}).get("justification", ""),
            evidence.get(key, ""),
        )
        for key, title in REVIEW_AREAS.items()
    ]
    return ReviewPage(
        plan, review, goals, groups, _routines(figures, db), areas, _questions(figures, groups)
    )


def review_page(db: Session, *, actor: Actor, year: int) -> ReviewPage:
    """The review of the plan of `year`; the read is logged. The caller commits."""
    plan = get_plan(db, actor=actor, year=year)
    page = build_review(db, plan)
    audit.record(db, actor, "view", object_type="action_plan_review", object_id=plan.id)
    return page


def save_review(
    db: Session,
    *,
    actor: Actor,
    year: int,
    assessments: dict[str, tuple[str, str]],
    conclusions: str,
    changes: str,
    version: int | None,
) -> ActionPlanReview:
    """The managers' assessment, conclusions and decided changes; a save over a newer one is an
    EditConflict. The caller commits."""
    plan = get_plan(db, actor=actor, year=year, may="write")
    if max(len(conclusions), len(changes)) > MAX_TEXT:
        raise Invalid(f"En text får vara högst {MAX_TEXT} tecken.")
    review = _review_of(db, plan.id)
    if (review.version if review else None) != version:
        raise EditConflict(review)
    review = review or ActionPlanReview(plan_id=plan.id, version=0)
    review.assessments = json.dumps(
        {
            k: {"rating": r, "justification": j.strip()}
            for k, (r, j) in assessments.items()
            if k in REVIEW_AREAS
        },
        ensure_ascii=False,
    )
    review.conclusions, review.changes = conclusions.strip(), changes.strip()
    review.updated_by_id, review.updated_at = actor.staff_id, utcnow()
    review.version += 1
    db.add(review)
    db.flush()
    audit.record(db, actor, "update", object_type="action_plan_review", object_id=review.id)
    return review


def decided_changes(db: Session, plan_id: int) -> str:
    """The changes the review of a plan decided: next year's draft starts from them."""
    review = _review_of(db, plan_id)
    return review.changes if review else ""

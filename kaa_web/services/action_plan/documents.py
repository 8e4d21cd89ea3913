"""The adopted plan and its review as Word documents: figures too few to show hidden under the
small-number limit, charts as PNG, the plan's texts laid out from their blocks; each document
kept with what it was made from (the plan's and review's versions, who, when, the data time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.docx.render import WideImage
from kaa_web.markup import to_blocks
from kaa_web.models.action_plan import (
    FULFILMENT,
    RATINGS,
    SECTIONS,
    ActionPlanDocument,
    ActionPlanVersion,
)
from kaa_web.models.base import LOCAL_TZ, local_today, utcnow
from kaa_web.models.documents import GeneratedDocument
from kaa_web.permissions import Actor
from kaa_web.rules.words import decimal
from kaa_web.services import documents
from kaa_web.services.action_plan.base import get_plan, texts_in_force
from kaa_web.services.action_plan.charts import goal_png, radar
from kaa_web.services.action_plan.goals import GoalResult, goal_results
from kaa_web.services.action_plan.linked import LinkedParts, linked_parts, snapshot
from kaa_web.services.action_plan.review import ReviewPage, build_review
from kaa_web.services.errors import Invalid, NotFound
from kaa_web.services.staff import staff_names

NOT_ADOPTED = "Planen måste vara antagen innan den blir ett dokument."
DOC_TYPES = {"plan": "handlingsplan", "uppfoljning": "handlingsplan_uppfoljning"}


@dataclass(frozen=True)
class DocumentRow:
    """A made document as its plan's page lists it."""

    id: int
    kind: str
    plan_version: int
    review_version: int | None
    made_by: str
    made_at: datetime
    data_at: datetime
    settings: str  # "KAA_STATS_MIN_CELL=5"

    @property
    def small_numbers(self) -> str:
        """The setting in the users' words."""
        limit = self.settings.removeprefix("KAA_STATS_MIN_CELL=")
        return f"Antal under {limit} dolda" if limit.isdigit() and limit != "0" else "Alla visas"


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def _value(indicator, hidden: bool, limit: int) -> str:
    if hidden:  # a count shows as "<5"; a share or median of too few says so
        share_or_median = indicator.unit in ("%", "dagar")
        return f"dolt (färre än {limit})" if share_or_median else f"<{limit}"
    if indicator.value is None:
        return "Inga uppgifter"
    text = f"{decimal(indicator.value)} {indicator.unit}"
    if indicator.denominator:
        text += f" ({indicator.numerator} av {indicator.denominator})"
    return text


def _goals(results: list[GoalResult], limit: int) -> tuple[list[dict], list[dict]]:
    """The goal table's rows and a chart per goal (outcome and last year against the target)."""
    rows, charts = [], []
    for r in results:
        goal, unit = r.goal, r.unit
        outcome = _value(r.measured, r.hidden, limit) + (" hittills" if r.ongoing else "")
        before = _value(r.last_year, r.last_year_hidden, limit)
        target = (
            f"{'Minst' if goal.direction == 'minst' else 'Högst'} {decimal(goal.target)} {unit}"
        )
        rows.append(
            {
                "titel": goal.title,
                "matt": r.measured.name,
                "period": r.period.label,
                "malvarde": f"{target}, delvis från {decimal(goal.partial)}",
                "utfall": outcome,
                "aret_innan": before,
                "bedomning": FULFILMENT[r.fulfilment],
            }
        )
        bars = [
            (f"Utfall {r.period.label}", r.measured.value, outcome),
            ("Året före", r.last_year.value, before),
        ]
        charts.append(
            {
                "bild": WideImage(goal_png(goal.title, bars, goal.target)),
                "beskrivning": f"Stapeldiagram: {goal.title}. Utfall {outcome}, året före "
                f"{before}, målvärde {target} (streckad linje).",
            }
        )
    return rows, charts


def _facts(plan: ActionPlanVersion, limit: int, made: datetime) -> dict:
    decision = (
        f"Antagen av {plan.decision_body} {plan.decided_on.isoformat()} ({plan.decision_reference})"
        if plan.decided_on
        else "Utkast, inte antagen"
    )
    return {
        "ar": plan.year,
        "beslut": decision,
        "version": str(plan.version),
        "hamtad": _local(made),
        "smatal": f"Antal under {limit} visas som <{limit}; en andel eller median av färre än "
        f"{limit} visas som ”dolt”, och då också målets bedömning."
        if limit
        else "Alla antal visas.",
    }


def _linked(parts: LinkedParts) -> dict:
    return {
        "grupper": [
            {"namn": g["name"], "slag": g["kind"], "frekvens": g["frequency"]} for g in parts.groups
        ],
        "trappan": [{"steg": label, "varde": value} for label, value in parts.ladder],
        "insatser": [
            {"namn": m["name"], "anordnare": m["provider"], "kategori": m["category"]}
            for m in parts.measures
        ],
        "kalender": [{"vad": a, "period": b, "nar": c} for a, b, c in parts.calendar],
    }


def _blocks(text: str) -> list[dict]:
    return to_blocks(text) or to_blocks("–")


def plan_context(db: Session, plan: ActionPlanVersion, limit: int, made: datetime) -> dict:
    """The plain data the plan's template fills in."""
    texts = texts_in_force(db, plan.id)
    rows, charts = _goals(goal_results(db, plan, local_today(), limit), limit)
    return {
        "plan": _facts(plan, limit, made),
        "avsnitt": [
            {
                "nyckel": key,
                "rubrik": title,
                "block": _blocks(texts[key].body if key in texts else ""),
            }
            for key, title in SECTIONS.items()
        ],
        "mal": rows,
        "diagram": charts,
        **_linked(snapshot(plan) or linked_parts(db)),
    }


def review_context(db: Session, page: ReviewPage, limit: int, made: datetime) -> dict:
    """The plain data the review's template fills in, from the review built under `limit`."""
    rows, charts = _goals(page.goals, limit)
    review = page.review
    names = staff_names(db)
    saved = (
        f"{names.get(review.updated_by_id, 'okänd')} {_local(review.updated_at)}"
        if review
        else "Inte skriven ännu"
    )
    return {
        "plan": _facts(page.plan, limit, made),
        "uppfoljning": {
            "sparad": saved,
            "slutsatser": _blocks(review.conclusions if review else ""),
            "andringar": _blocks(review.changes if review else ""),
        },
        "mal": rows,
        "diagram": charts,
        "samverkan": [
            {
                "namn": g.name,
                "planerat": g.planned,
                "hallna": g.held,
                "installda": g.cancelled,
                "narvaro": "; ".join(f"{o}: {n}" for o, n in g.attendance.items()) or "–",
                "atgarder": f"{g.points_opened} öppnade, {g.points_closed} klara",
            }
            for g in page.groups
        ],
        "rutiner": [{"vad": a, "utfall": b, "enligt": c} for a, b, c in page.routines],
        "radar": {
            "bild": WideImage(radar(page.areas, "png")),
            "beskrivning": "Radardiagram över självskattningen: 0 = ej uppfyllt, 1 = delvis "
            "uppfyllt, 2 = uppfyllt. Tabellen nedan har samma bedömningar.",
        },
        "omraden": [
            {
                "namn": a.title,
                "bedomning": RATINGS.get(a.rating, "Inte bedömt"),
                "motivering": a.justification or "–",
                "underlag": a.evidence or "–",
            }
            for a in page.areas
        ],
        "fragor": [
            {"fraga": q, "svar": a or "Öppen fråga – finns inte i registret."}
            for q, a in page.questions
        ],
    }


def _keep(
    db: Session, actor: Actor, plan: ActionPlanVersion, kind: str, context: dict, **made
) -> ActionPlanDocument:
    name = f"{DOC_TYPES[kind]}_{plan.year}_v{plan.version}.docx"
    document = documents.generate_action_plan_document(
        db, actor=actor, doc_type=DOC_TYPES[kind], context=context, file_name=name
    )
    row = ActionPlanDocument(
        plan_id=plan.id,
        kind=kind,
        document_id=document.id,
        plan_version=plan.version,
        created_by_id=actor.staff_id,
        **made,
    )
    db.add(row)
    db.flush()
    audit.record(db, actor, "create", object_type="action_plan_document", object_id=row.id)
    return row


def make_plan_document(db: Session, *, actor: Actor, year: int, limit: int) -> ActionPlanDocument:
    """The adopted plan as a Word document, its figures protected under `limit`. The caller
    commits."""
    plan = get_plan(db, actor=actor, year=year, may="write")
    if plan.status != "antagen":
        raise Invalid(NOT_ADOPTED)
    made = utcnow()
    context = plan_context(db, plan, limit, made)
    settings = f"KAA_STATS_MIN_CELL={limit}"
    return _keep(db, actor, plan, "plan", context, data_at=made, settings=settings)


def make_review_document(db: Session, *, actor: Actor, year: int, limit: int) -> ActionPlanDocument:
    """The review as a Word document, its figures protected under `limit`. The caller
    commits."""
    plan = get_plan(db, actor=actor, year=year, may="write")
    made = utcnow()
    page = build_review(db, plan, limit)
    context = review_context(db, page, limit, made)
    return _keep(
        db,
        actor,
        plan,
        "uppfoljning",
        context,
        review_version=page.review.version if page.review else None,
        data_at=made,
        settings=f"KAA_STATS_MIN_CELL={limit}",
    )


def plan_documents(db: Session, *, actor: Actor, year: int) -> list[DocumentRow]:
    """The documents made of the plan of `year` and its review, newest first."""
    plan = get_plan(db, actor=actor, year=year)
    names = staff_names(db)
    rows = db.exec(
        select(ActionPlanDocument)
        .where(ActionPlanDocument.plan_id == plan.id)
        .order_by(ActionPlanDocument.id.desc())
    )
    return [
        DocumentRow(
            r.id,
            r.kind,
            r.plan_version,
            r.review_version,
            names.get(r.created_by_id, "okänd"),
            r.created_at,
            r.data_at,
            r.settings,
        )
        for r in rows
    ]


def open_plan_document(
    db: Session, *, actor: Actor, year: int, document_id: int
) -> GeneratedDocument:
    """A made document of the plan of `year` for its readers; the download is logged. The
    caller commits."""
    plan = get_plan(db, actor=actor, year=year)
    row = db.get(ActionPlanDocument, document_id)
    if row is None or row.plan_id != plan.id:
        raise audit.record_denied(
            db, actor, object_type="action_plan_document", object_id=document_id
        )
    audit.record(db, actor, "export", object_type="action_plan_document", object_id=row.id)
    document = db.get(GeneratedDocument, row.document_id)
    if document is None:
        raise NotFound(f"document {document_id}")
    return document

"""Referrals (uppdrag) to a measure's provider: the document, first contact, monthly reports."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import local_today, utcnow
from kaa_web.models.catalogue import Measure
from kaa_web.models.plans import MonthlyReport, Plan, PlanMeasure, Referral
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.rules.dates import add_months
from kaa_web.services import documents, letter_context, tasks, timeline
from kaa_web.services.errors import Invalid, NotFound
from kaa_web.services.plans.plan import plan_measure_of


def referrals_of(db: Session, youth_id: int) -> list[Referral]:
    return list(
        db.exec(
            select(Referral).where(Referral.youth_id == youth_id).order_by(Referral.sent_on.desc())
        ).all()
    )


def reports_of(db: Session, referral_ids: list[int]) -> dict[int, list[MonthlyReport]]:
    result: dict[int, list[MonthlyReport]] = {i: [] for i in referral_ids}
    if referral_ids:
        for r in db.exec(
            select(MonthlyReport)
            .where(MonthlyReport.referral_id.in_(referral_ids))
            .order_by(MonthlyReport.due)
        ):
            result[r.referral_id].append(r)
    return result


def _expect_report(db: Session, actor: Actor, referral: Referral, due: date, youth: Youth):
    report = MonthlyReport(referral_id=referral.id, due=due)
    db.add(report)
    db.flush()
    tasks.create_task(
        db,
        actor=actor,
        kind="manadsrapport",
        title=f"Läs och godkänn rapporten från {referral.provider}",
        due=due,
        youth_id=youth.id,
        assigned_to=youth.officer_id or actor.staff_id,
        source=("monthly_report", report.id),
    )
    return report


def make_referral(
    db: Session,
    *,
    actor: Actor,
    youth: Youth,
    plan_measure_id: int,
    sent_on: date,
    goal: str = "",
) -> Referral:
    """Send an uppdrag for a measure: the document, the first-contact deadline and report tasks."""
    row = plan_measure_of(db, youth, plan_measure_id)
    if row.ended_on:
        raise Invalid("Insatsen är avslutad.")
    measure = db.get(Measure, row.measure_id) if row.measure_id else None
    provider = (row.responsible_actor or (measure.provider if measure else "")).strip()
    if not provider:
        raise Invalid("Ange vilken aktör som ansvarar för insatsen innan du skickar ett uppdrag.")
    days = measure.first_contact_days if measure else 14
    referral = Referral(
        youth_id=youth.id,
        plan_measure_id=row.id,
        provider=provider[:200],
        sent_on=sent_on,
        first_contact_due=sent_on + timedelta(days=days),
        monthly_reports=bool(measure and measure.monthly_reports),
        staff_id=actor.staff_id,
    )
    db.add(referral)
    db.flush()
    tasks.create_task(
        db,
        actor=actor,
        kind="forsta_kontakt",
        title=_provider_and_measure(provider, row.title, "{} ({})"),
        due=referral.first_contact_due,
        youth_id=youth.id,
        assigned_to=youth.officer_id or actor.staff_id,
        source=("referral", referral.id),
    )
    if referral.monthly_reports:
        # a report covers a month of the measure: the first a month after it starts (or after
        # the referral, when it has already started), never before the measure has begun
        first_due = add_months(max(sent_on, row.start_on), 1)
        _expect_report(db, actor, referral, first_due, youth)
    plan = db.get(Plan, row.plan_id)
    context = {
        "mottagare": _provider_address(provider, measure),
        "handlaggare": letter_context.sender(db, actor),
        "ungdom": letter_context.young_person(youth),
        "uppdrag": {
            "insats": row.title,
            "mal": goal.strip() or plan.goal,
            "start": row.start_on,
            "slut": row.end_on,
            "forsta_kontakt_senast": referral.first_contact_due,
            "manadsrapporter": "Ja" if referral.monthly_reports else "",
        },
    }
    audit.record(
        db, actor, "create", object_type="referral", object_id=referral.id, youth_id=youth.id
    )
    document = documents.generate_document(
        db, actor=actor, doc_type="uppdrag", context=context, youth_id=youth.id, on_timeline=False
    )
    referral.document_id = document.id
    db.add(referral)
    timeline.add_entry(  # one line for the referral and its document
        db,
        actor=actor,
        youth_id=youth.id,
        kind="uppdrag",
        title=f"Uppdrag till {_provider_and_measure(provider, row.title, '{}: {}')}, "
        f"första kontakt senast {referral.first_contact_due.isoformat()}",
        ref_type="generated_document",
        ref_id=document.id,
    )
    return referral


def _provider_and_measure(provider: str, title: str, pattern: str) -> str:
    """The provider and the measure, once when they have the same name (Hälsoträdgården)."""
    return provider if title.strip() == provider else pattern.format(provider, title)


def _provider_address(provider: str, measure: Measure | None) -> dict:
    """The referral's recipient: the provider, at the catalogue's address when it is the
    catalogue's provider (another actor named in the plan has no address here)."""
    if measure is None or measure.provider.strip() != provider:
        return letter_context.recipient(provider)
    return letter_context.recipient(
        provider,
        measure.provider_street_address,
        measure.provider_postal_code,
        measure.provider_city,
    )


def _referral(db: Session, youth: Youth, referral_id: int) -> Referral:
    referral = db.get(Referral, referral_id)
    if referral is None or referral.youth_id != youth.id:
        raise NotFound
    return referral


def close_referral_tasks(db: Session, actor: Actor, referral_ids) -> None:
    """Close the first-contact and monthly-report tasks of the referrals (a subquery of ids)."""
    tasks.close_tasks_for(db, actor=actor, source_type="referral", source_id=referral_ids)
    reports = select(MonthlyReport.id).where(MonthlyReport.referral_id.in_(referral_ids))
    tasks.close_tasks_for(db, actor=actor, source_type="monthly_report", source_id=reports)


def record_first_contact(
    db: Session, *, actor: Actor, youth: Youth, referral_id: int, on: date
) -> Referral:
    """The provider made first contact: the deadline task is done."""
    referral = _referral(db, youth, referral_id)
    if on < referral.sent_on or on > local_today():
        raise Invalid(
            "Ange ett datum mellan uppdraget och i dag.",
            field_errors={"on": "Ange ett datum mellan uppdraget och i dag."},
        )
    referral.first_contact_on = on
    db.add(referral)
    tasks.close_tasks_for(
        db, actor=actor, source_type="referral", source_id=referral.id, kind="forsta_kontakt"
    )
    late = " (efter tidsgränsen)" if on > referral.first_contact_due else ""
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="uppdrag",
        title=f"{referral.provider} tog första kontakt {on.isoformat()}{late}",
        ref_type="referral",
        ref_id=referral.id,
    )
    audit.record(
        db, actor, "update", object_type="referral", object_id=referral.id, youth_id=youth.id
    )
    return referral


def approve_monthly_report(
    db: Session, *, actor: Actor, youth: Youth, report_id: int, received_on: date
) -> MonthlyReport:
    """The officer has read and approved a monthly report; the next one is expected."""
    report = db.get(MonthlyReport, report_id)
    if report is None:
        raise NotFound
    referral = _referral(db, youth, report.referral_id)
    if report.approved_at:
        raise Invalid("Rapporten är redan godkänd.")
    if received_on > local_today():
        raise Invalid(
            "Datumet kan inte ligga i framtiden.",
            field_errors={"received_on": "Datumet kan inte ligga i framtiden."},
        )
    report.received_on, report.approved_at, report.approved_by = (
        received_on,
        utcnow(),
        actor.staff_id,
    )
    db.add(report)
    tasks.close_tasks_for(db, actor=actor, source_type="monthly_report", source_id=report.id)
    measure = db.get(PlanMeasure, referral.plan_measure_id)
    if measure.ended_on is None:
        _expect_report(db, actor, referral, add_months(report.due, 1), youth)
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="uppdrag",
        title=f"Månadsrapport från {referral.provider} godkänd "
        f"(förväntad {report.due.isoformat()})",
        ref_type="referral",
        ref_id=referral.id,
    )
    audit.record(
        db, actor, "update", object_type="monthly_report", object_id=report.id, youth_id=youth.id
    )
    return report

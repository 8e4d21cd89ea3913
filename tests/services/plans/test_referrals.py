"""Referrals against the real database: deadlines, monthly reports, the provider's address."""

import io
from datetime import timedelta

from docx import Document
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.plans import MonthlyReport
from kaa_web.models.register import TimelineEntry
from kaa_web.models.tasks import Task
from kaa_web.rules.dates import add_months
from kaa_web.services import catalogue as measures_catalogue
from kaa_web.services.plans import referrals
from tests import factories

ADMIN = factories.actor("admin")


def _document_text(db, document_id) -> str:
    from kaa_web.models.documents import GeneratedDocument

    document = Document(io.BytesIO(db.get(GeneratedDocument, document_id).content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_referral_sets_the_first_contact_deadline_and_monthly_reports(
    db_session, kaa, make_youth, catalogue, planned
):
    youth = make_youth()
    measure = planned(youth, catalogue["Hälsoträdgården"])
    sent = local_today()
    referral = referrals.make_referral(
        db_session, actor=kaa, youth=youth, plan_measure_id=measure.id, sent_on=sent
    )
    db_session.commit()
    assert referral.provider == "Hälsoträdgården"
    assert referral.first_contact_due == sent + timedelta(days=14)
    assert referral.document_id is not None
    due = {t.kind: t.due for t in db_session.exec(select(Task).where(Task.done_at.is_(None))).all()}
    assert due["forsta_kontakt"] == sent + timedelta(days=14)
    report = db_session.exec(select(MonthlyReport)).one()
    assert due["manadsrapport"] == report.due > sent

    referrals.record_first_contact(
        db_session, actor=kaa, youth=youth, referral_id=referral.id, on=sent
    )
    referrals.approve_monthly_report(
        db_session, actor=kaa, youth=youth, report_id=report.id, received_on=sent
    )
    db_session.commit()
    open_kinds = [t.kind for t in db_session.exec(select(Task).where(Task.done_at.is_(None))).all()]
    assert "forsta_kontakt" not in open_kinds
    assert open_kinds.count("manadsrapport") == 1  # the next month's report
    assert len(db_session.exec(select(MonthlyReport)).all()) == 2


def test_the_first_monthly_report_falls_due_a_month_into_the_measure_not_before_it_starts(
    db_session, kaa, make_youth, catalogue, planned
):
    youth = make_youth()
    starts = local_today() + timedelta(days=60)
    measure = planned(youth, catalogue["Hälsoträdgården"], start_on=starts)
    referrals.make_referral(
        db_session, actor=kaa, youth=youth, plan_measure_id=measure.id, sent_on=local_today()
    )
    db_session.commit()
    report = db_session.exec(select(MonthlyReport)).one()
    assert report.due == add_months(starts, 1)  # not a month after the referral


def test_the_referral_goes_to_the_providers_address_with_the_officers_phone(
    db_session, kaa, staff, make_youth, catalogue, planned
):
    staff["kaa"].phone = "010-123 45 99"
    garden = catalogue["Hälsoträdgården"]
    measures_catalogue.save_measure(
        db_session,
        actor=ADMIN,
        measure_id=garden.id,
        data=measures_catalogue.MeasureData(
            name=garden.name,
            provider=garden.provider,
            provider_street_address="Trädgårdsvägen 4",
            provider_postal_code="123 46",
            provider_city="Exempelstad",
            category=garden.category,
            monthly_reports=False,
        ),
    )
    youth = make_youth()
    measure = planned(youth, garden)
    referral = referrals.make_referral(
        db_session, actor=kaa, youth=youth, plan_measure_id=measure.id, sent_on=local_today()
    )
    db_session.commit()
    text = _document_text(db_session, referral.document_id)
    assert "Trädgårdsvägen 4" in text and "123 46 Exempelstad" in text
    assert "010-123 45 99" in text  # the officer's own phone, not the switchboard
    assert "varje månad" not in text  # this measure has no monthly reports
    lines = db_session.exec(select(TimelineEntry).where(TimelineEntry.youth_id == youth.id))
    referral_lines = [e for e in lines if e.kind in ("uppdrag", "dokument")]
    assert [(e.kind, e.ref_id) for e in referral_lines] == [("uppdrag", referral.document_id)]

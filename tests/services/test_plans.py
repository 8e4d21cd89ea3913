"""Plans services against the real database: mapping, plan revisions, referrals, closing."""

import io
from datetime import timedelta

import pytest
from docx import Document
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.plans import (
    MappingRevision,
    Measure,
    MonthlyReport,
    PlanMeasure,
    PlanRevision,
)
from kaa_web.models.register import ContactAttempt, TimelineEntry, Youth
from kaa_web.models.tasks import Task
from kaa_web.rules.outreach import add_months
from kaa_web.services import outreach, plans, register
from kaa_web.services.errors import EditConflict, Invalid
from tests import factories

ADMIN = factories.actor("admin")


@pytest.fixture
def kaa(staff):
    return factories.actor("kaa", staff)


@pytest.fixture
def catalogue(db_session):
    plans.seed_measures(db_session)
    db_session.commit()
    return {m.name: m for m in plans.list_measures(db_session)}


def _mapping(**overrides) -> plans.MappingData:
    values = dict(
        on=local_today(),
        occupation="ingen",
        last_school="Exempelgymnasiet",
        goals="Vill börja plugga igen.",
        agencies=frozenset({"arbetsformedlingen"}),
    )
    return plans.MappingData(**{**values, **overrides})


def _plan(db, kaa, youth, **overrides):
    data = plans.PlanData(
        goal="Börja på Komvux i höst.",
        agreed_on=local_today(),
        follow_up_on=local_today() + timedelta(days=30),
        evaluation_on=local_today() + timedelta(days=90),
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return plans.save_plan(db, actor=kaa, youth=youth, data=data)


def _measure(db, kaa, youth, **overrides):
    values = dict(
        title="Söka till Komvux",
        responsible="ungdomen",
        start_on=local_today(),
        agreed_on=local_today(),
    )
    return plans.add_plan_measure(
        db, actor=kaa, youth=youth, data=plans.PlanMeasureData(**{**values, **overrides})
    )


def _planned(db, kaa, youth, measure: Measure, **overrides):
    """A plan with one measure from the catalogue, run by another actor (its provider)."""
    _plan(db, kaa, youth)
    return _measure(
        db, kaa, youth, title="", responsible="annan", measure_id=measure.id, **overrides
    )


def test_the_catalogue_is_seeded_with_the_domains_examples_once(db_session, catalogue):
    assert "Studieförberedande praktik" in catalogue
    assert catalogue["Studieförberedande praktik"].max_age == 17
    assert catalogue["Jobbpeng grund"].min_age == 18
    assert all(m.first_contact_days == 14 for m in catalogue.values())
    plans.seed_measures(db_session)
    db_session.commit()
    assert len(db_session.exec(select(Measure)).all()) == len(catalogue)


def test_only_admin_manages_the_catalogue(db_session, kaa):
    with pytest.raises(PermissionError):
        plans.save_measure(db_session, actor=kaa, data=plans.MeasureCatalogueData(name="X"))
    admin = factories.actor("admin")
    row = plans.save_measure(
        db_session,
        actor=admin,
        data=plans.MeasureCatalogueData(name="Sommarjobb", category="arbetsinriktad"),
    )
    db_session.commit()
    assert row.first_contact_days == 14 and row.active


def test_a_mapping_moves_the_ladder_to_follow_up_and_records_a_kartlaggning_contact(
    db_session, kaa, make_youth
):
    youth = make_youth()
    plans.save_mapping(db_session, actor=kaa, youth=youth, data=_mapping())
    db_session.commit()
    kinds = db_session.exec(
        select(ContactAttempt.kind).where(ContactAttempt.youth_id == youth.id)
    ).all()
    assert kinds == ["kartlaggning"]
    assert db_session.get(Youth, youth.id).next_step == "uppfoljning"


def test_after_mapping_and_a_plan_an_unanswered_sms_keeps_the_person_on_follow_up(
    db_session, kaa, make_youth
):
    """The reported case: 'Sms – ej nådd' after a plan put them back on 'Ring, sms:a …'."""
    youth = make_youth()
    plans.save_mapping(db_session, actor=kaa, youth=youth, data=_mapping())
    _plan(db_session, kaa, youth)
    outreach.record_contact(
        db_session,
        actor=kaa,
        youth=youth,
        data=outreach.ContactData(kind="sms", on=local_today(), outcome="ej_nadd"),
    )
    db_session.commit()
    stored = db_session.get(Youth, youth.id)
    assert (stored.next_step, stored.next_step_due) == (
        "uppfoljning",
        add_months(local_today(), 6),
    )
    contacts = db_session.exec(
        select(ContactAttempt.kind).where(ContactAttempt.youth_id == youth.id)
    )
    assert sorted(contacts.all()) == ["kartlaggning", "sms"]  # the attempt is recorded


def test_agreeing_a_plan_counts_as_reaching_the_young_person(db_session, kaa, make_youth):
    youth = make_youth(registered_on=local_today() - timedelta(days=60))
    assert youth.next_step == "brev"
    _plan(db_session, kaa, youth, agreed_on=local_today() - timedelta(days=30))
    db_session.commit()
    assert db_session.get(Youth, youth.id).next_step == "kartlaggning"
    for days_ago in (22, 15, 8, 1):  # never answers again: still not sent back to outreach
        outreach.record_contact(
            db_session,
            actor=kaa,
            youth=youth,
            data=outreach.ContactData(
                kind="telefon", on=local_today() - timedelta(days=days_ago), outcome="ej_nadd"
            ),
        )
    db_session.commit()
    assert db_session.get(Youth, youth.id).next_step == "kartlaggning"


def test_a_mapping_is_documented_also_for_someone_who_declines(db_session, kaa, make_youth):
    youth = make_youth()
    mapping = plans.save_mapping(db_session, actor=kaa, youth=youth, data=_mapping(declined=True))
    db_session.commit()
    contact = db_session.exec(
        select(ContactAttempt).where(ContactAttempt.youth_id == youth.id)
    ).one()
    assert mapping.declined and contact.outcome == "avbojer"


def test_mapping_records_agencies_as_yes_or_no_only(db_session, kaa, make_youth):
    youth = make_youth()
    mapping = plans.save_mapping(
        db_session,
        actor=kaa,
        youth=youth,
        data=_mapping(agencies=frozenset({"socialtjansten", "lss"})),
    )
    assert plans.mapping_agencies(mapping) == ["socialtjansten", "lss"]
    assert mapping.agency_socialtjansten is True and mapping.agency_varden is False


def test_editing_a_mapping_keeps_history_and_refuses_a_stale_version(db_session, kaa, make_youth):
    youth = make_youth()
    first = plans.save_mapping(db_session, actor=kaa, youth=youth, data=_mapping())
    db_session.commit()
    plans.save_mapping(
        db_session, actor=kaa, youth=youth, data=_mapping(occupation="arbete"), version=1
    )
    db_session.commit()
    with pytest.raises(EditConflict):
        plans.save_mapping(
            db_session, actor=kaa, youth=youth, data=_mapping(occupation="annan"), version=1
        )
    db_session.rollback()
    history = plans.mapping_history(db_session, plans.get_mapping(db_session, youth.id))
    assert [h["version"] for h in history] == [2, 1]
    assert [h["data"]["occupation"] for h in history] == ["arbete", "ingen"]
    assert len(db_session.exec(select(MappingRevision)).all()) == 2
    assert first.id == plans.get_mapping(db_session, youth.id).id


def test_a_plan_has_revisions_whenever_its_measures_change(db_session, kaa, make_youth):
    youth = make_youth()
    plan = _plan(db_session, kaa, youth)
    _measure(db_session, kaa, youth)
    db_session.commit()
    row = _measure(db_session, kaa, youth, title="Praktik", responsible="kommunen")
    plans.end_plan_measure(
        db_session,
        actor=kaa,
        youth=youth,
        plan_measure_id=row.id,
        ended_on=local_today(),
        reason="genomford",
        occupation_after="arbete",
    )
    db_session.commit()
    revisions = plans.plan_revisions(db_session, plan)
    assert [r["revision"] for r in revisions] == [4, 3, 2, 1]
    assert revisions[0]["data"]["measures"][1]["end_reason"] == "genomford"
    assert revisions[-1]["data"]["measures"] == []
    assert all(r["agreed_on"] == local_today() for r in revisions)
    entries = db_session.exec(select(TimelineEntry.title).where(TimelineEntry.kind == "plan")).all()
    assert any("insats avslutad" in t for t in entries)


def test_plan_follow_up_and_evaluation_dates_become_worklist_tasks(db_session, kaa, make_youth):
    youth = make_youth()
    plan = _plan(db_session, kaa, youth)
    db_session.commit()
    open_tasks = db_session.exec(
        select(Task).where(Task.source_type == "plan", Task.done_at.is_(None))
    ).all()
    assert sorted(t.due for t in open_tasks) == [plan.follow_up_on, plan.evaluation_on]
    _plan(db_session, kaa, youth, follow_up_on=local_today() + timedelta(days=10))
    db_session.commit()
    open_tasks = db_session.exec(
        select(Task).where(Task.source_type == "plan", Task.done_at.is_(None))
    ).all()
    assert local_today() + timedelta(days=10) in [t.due for t in open_tasks]
    assert len(open_tasks) == 2


def test_a_stale_plan_edit_is_a_conflict(db_session, kaa, make_youth):
    youth = make_youth()
    _plan(db_session, kaa, youth)
    db_session.commit()
    data = plans.PlanData(goal="Nytt mål", agreed_on=local_today())
    plans.save_plan(db_session, actor=kaa, youth=youth, data=data, version=1)
    db_session.commit()
    with pytest.raises(EditConflict):
        plans.save_plan(db_session, actor=kaa, youth=youth, data=data, version=1)


def test_age_limits_in_the_catalogue_are_checked(db_session, kaa, make_youth, catalogue):
    youth = make_youth(birth_date=local_today() - timedelta(days=int(16.5 * 365)))
    _plan(db_session, kaa, youth)
    with pytest.raises(Invalid, match="från 18 år"):
        _measure(
            db_session,
            kaa,
            youth,
            title="",
            responsible="annan",
            measure_id=catalogue["Jobbpeng grund"].id,
        )


def test_a_referral_sets_the_first_contact_deadline_and_monthly_reports(
    db_session, kaa, make_youth, catalogue
):
    youth = make_youth()
    measure = _planned(db_session, kaa, youth, catalogue["Hälsoträdgården"])
    sent = local_today()
    referral = plans.make_referral(
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

    plans.record_first_contact(db_session, actor=kaa, youth=youth, referral_id=referral.id, on=sent)
    plans.approve_monthly_report(
        db_session, actor=kaa, youth=youth, report_id=report.id, received_on=sent
    )
    db_session.commit()
    open_kinds = [t.kind for t in db_session.exec(select(Task).where(Task.done_at.is_(None))).all()]
    assert "forsta_kontakt" not in open_kinds
    assert open_kinds.count("manadsrapport") == 1  # the next month's report
    assert len(db_session.exec(select(MonthlyReport)).all()) == 2


def test_declined_offers_are_recorded_for_scb(db_session, kaa, make_youth, catalogue):
    youth = make_youth()
    plans.record_declined_offer(
        db_session,
        actor=kaa,
        youth=youth,
        measure_id=catalogue["Komvux (dispens under 20 år)"].id,
        on=local_today(),
    )
    db_session.commit()
    [(offer, name)] = plans.declined_offers(db_session, youth.id)
    assert name == "Komvux (dispens under 20 år)" and offer.on == local_today()


def test_closing_records_the_result_and_ends_open_measures_with_a_reason(
    db_session, kaa, make_youth, catalogue
):
    youth = make_youth()
    _plan(db_session, kaa, youth)
    measure = _measure(
        db_session, kaa, youth, title="", responsible="annan", measure_id=catalogue["MIA VärNa"].id
    )
    plans.make_referral(
        db_session, actor=kaa, youth=youth, plan_measure_id=measure.id, sent_on=local_today()
    )
    db_session.commit()
    register.deregister_youth(
        db_session, actor=kaa, youth_id=youth.id, reason="nationellt_program", result="studier"
    )
    db_session.commit()
    closed = register.current_period(db_session, youth.id)
    assert (closed.deregistration_reason, closed.deregistration_result) == (
        "nationellt_program",
        "studier",
    )
    row = db_session.get(PlanMeasure, measure.id)
    assert (row.end_reason, row.occupation_after) == ("avregistrerad", "studier")
    assert db_session.exec(select(Task).where(Task.done_at.is_(None))).all() == []
    assert db_session.exec(select(PlanRevision).order_by(PlanRevision.revision.desc())).first()


def test_the_plan_document_opens_and_contains_the_measures(db_session, kaa, make_youth, catalogue):
    youth = make_youth("Alva", "Öberg")
    _plan(db_session, kaa, youth, goal="Läsa in gymnasiet på Komvux & prova yrken.")
    _measure(db_session, kaa, youth)
    _measure(
        db_session, kaa, youth, title="", responsible="annan", measure_id=catalogue["MIA VärNa"].id
    )
    document = plans.generate_plan_document(db_session, actor=kaa, youth=youth)
    db_session.commit()
    text = "\n".join(p.text for p in Document(io.BytesIO(document.content)).paragraphs)
    cells = "\n".join(
        c.text
        for t in Document(io.BytesIO(document.content)).tables
        for r in t.rows
        for c in r.cells
    )
    assert "Läsa in gymnasiet på Komvux & prova yrken." in text
    assert "Söka till Komvux" in cells and "MIA VärNa" in cells
    assert "Alva Öberg" in cells
    headings = [p.text for p in Document(io.BytesIO(document.content)).paragraphs]
    assert {"Mål", "Insatser", "Uppföljning och utvärdering"} <= set(headings)
    assert not any(h[:2] in ("1.", "2–", "7.") for h in headings)  # not the förordning's numbers


def test_the_demo_seeds_plans_referrals_and_consents_once(db_session, staff):
    from kaa_web.demo_data import seed_demo
    from kaa_web.models.plans import Consent, Mapping, Plan, Referral

    seed_demo(db_session)
    counts = [len(db_session.exec(select(t)).all()) for t in (Mapping, Plan, Referral, Consent)]
    assert all(counts) and counts[1] == counts[2]
    seed_demo(db_session)
    again = [len(db_session.exec(select(t)).all()) for t in (Mapping, Plan, Referral, Consent)]
    assert again == counts


def _document_text(db, document_id) -> str:
    from kaa_web.models.documents import GeneratedDocument

    document = Document(io.BytesIO(db.get(GeneratedDocument, document_id).content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_first_monthly_report_falls_due_a_month_into_the_measure_not_before_it_starts(
    db_session, kaa, make_youth, catalogue
):
    youth = make_youth()
    starts = local_today() + timedelta(days=60)
    measure = _planned(db_session, kaa, youth, catalogue["Hälsoträdgården"], start_on=starts)
    plans.make_referral(
        db_session, actor=kaa, youth=youth, plan_measure_id=measure.id, sent_on=local_today()
    )
    db_session.commit()
    report = db_session.exec(select(MonthlyReport)).one()
    assert report.due == add_months(starts, 1)  # not a month after the referral


def test_the_referral_goes_to_the_providers_address_with_the_officers_phone(
    db_session, kaa, staff, make_youth, catalogue
):
    staff["kaa"].phone = "010-123 45 99"
    garden = catalogue["Hälsoträdgården"]
    plans.save_measure(
        db_session,
        actor=ADMIN,
        measure_id=garden.id,
        data=plans.MeasureCatalogueData(
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
    measure = _planned(db_session, kaa, youth, garden)
    referral = plans.make_referral(
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


def test_a_providers_address_is_whole_or_not_given(db_session):
    data = plans.MeasureCatalogueData(
        name="Praktik hos Exempel AB",
        provider="Exempel AB",
        provider_street_address="Verkstadsgatan 12",
        category="arbetsinriktad",
    )
    with pytest.raises(Invalid) as refused:
        plans.save_measure(db_session, actor=ADMIN, data=data)
    assert set(refused.value.field_errors) == {"provider_postal_code", "provider_city"}

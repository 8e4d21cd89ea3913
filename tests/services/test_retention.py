"""Gallring on hand-built histories, with the date frozen on either side of the boundary:
who goes, who stays and why, what is kept, the statistics of a past period unchanged, nothing
cleared twice, and a run stopped half-way taken up again."""

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from kaa_web.config import load_settings
from kaa_web.models.base import utcnow
from kaa_web.models.documents import GeneratedDocument, GeneratedDocumentYouth
from kaa_web.models.meetings import AgendaItem, Decision, Meeting
from kaa_web.models.plans import Consent, Plan, PlanMeasure
from kaa_web.models.register import ContactAttempt, Guardian, RegistrationPeriod, Youth
from kaa_web.models.retention import RetentionMark, RetentionRun
from kaa_web.models.school_reports import SchoolReportStudent
from kaa_web.permissions import SYSTEM_ACTOR
from kaa_web.rules import personnummer as pnr
from kaa_web.rules.report_periods import named_period
from kaa_web.services.retention import clearing, runs, selection
from kaa_web.services.statistics.definitions import FIGURES
from kaa_web.services.statistics.figures import breakdowns_of, grouped
from tests import factories

TODAY = date(2026, 3, 2)
DAYS = dict(register=1000, notes=500, documents=500, school_reports=500, consents=300)
SETTINGS = load_settings(
    {},
    env="development",
    **{f"retention_{name}_days": days for name, days in DAYS.items()},
    retention_meeting_notes_days=500,
)
BOUNDARY = TODAY - timedelta(days=DAYS["register"])  # ended on or before: the identity goes
PAST = named_period("h1", 2022)


def ended(on, registered_on=date(2021, 9, 1)):
    return dict(registered_on=registered_on, deregistered_on=on, result="studier")


def letter(db, person, text, *people):
    """A stored document: a person's own letter, or (with `people`) a mail-out's file."""
    row = GeneratedDocument(
        doc_type="brev_ungdom",
        template_version=0,
        file_name="brev.docx",
        content_type="application/octet-stream",
        content=text.encode(),
        created_by="kaa",
        youth_id=None if people else person.id,
    )
    db.add(row)
    db.flush()
    for who in people or (person,):
        db.add(GeneratedDocumentYouth(document_id=row.id, youth_id=who.id))
    db.commit()
    return row


@pytest.fixture
def histories(db_session, staff):
    """Gunnar ended long before the boundary (everything about him goes); Stina the day after
    it (she stays until tomorrow); Åke came back (open case); Ina has a measure never ended;
    Nils passed the shorter periods only (his texts go, his identity stays)."""
    db = db_session
    north = factories.district(db, "Nordost")
    people = {}
    for name, periods, born in (
        ("Gunnar Gammal", [ended(date(2022, 6, 30))], date(2004, 5, 20)),
        ("Stina Strax", [ended(BOUNDARY + timedelta(days=1))], date(2004, 7, 14)),
        (
            "Åke Åter",
            [ended(date(2022, 6, 30)), dict(registered_on=date(2025, 9, 1))],
            date(2007, 2, 3),
        ),
        ("Ina Insats", [ended(date(2022, 6, 30))], date(2004, 11, 30)),
        ("Nils Noter", [ended(TODAY - timedelta(days=600))], date(2005, 1, 9)),
    ):
        first, last = name.split()
        people[first] = factories.history(
            db,
            periods,
            birth_date=born,
            gender="man",
            district_id=north.id,
            first_name=first,
            last_name=last,
            street_address="Storgatan 1",
            phone="070-1",
        )
    for person in people.values():
        factories.guardian(db, person, f"Förälder {person.last_name}")
        db.add(
            ContactAttempt(
                youth_id=person.id,
                kind="telefon",
                on=date(2022, 3, 1),
                outcome="nadd",
                occupation="studier",
                note=f"Pratade med {person.first_name}",
            )
        )
        db.add(
            Consent(
                youth_id=person.id,
                given_by="vardnadshavare",
                guardian_name="Greta Förälder",
                social_services=True,
                purpose=f"Stöd för {person.first_name}",
                given_on=date(2022, 1, 10),
                form="skriftligt",
            )
        )
        plan = Plan(
            youth_id=person.id,
            goal=f"{person.first_name} vill bli snickare",
            agreed_on=date(2022, 2, 1),
        )
        db.add(plan)
        db.flush()
        db.add(
            PlanMeasure(
                plan_id=plan.id,
                youth_id=person.id,
                title="Praktik",
                responsible="kommunen",
                start_on=date(2022, 2, 1),
                ended_on=None if person is people["Ina"] else date(2022, 5, 1),
                end_reason=None if person is people["Ina"] else "genomford",
                occupation_after=None if person is people["Ina"] else "studier",
            )
        )
        db.commit()
        letter(db, person, person.full_name)
    shared = letter(db, None, "Utskick", people["Gunnar"], people["Åke"])
    unit = factories.school_unit(db)
    report = factories.risk_report(db, unit=unit, serial=1)  # his school reported him
    student = db.exec(
        select(SchoolReportStudent).where(SchoolReportStudent.report_id == report.id)
    ).one()
    student.youth_id = people["Gunnar"].id
    db.add(student)
    group = factories.group(db, staff)
    meeting = factories.planned_meeting(db, group, on=date(2022, 4, 1))
    item = db.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).first()
    item.notes = "Gunnar Gammal och Stina Strax har fått plats."
    db.add(item)
    db.add(
        Decision(
            meeting_id=meeting.id,
            agenda_item_id=item.id,
            number=1,
            text="Gunnar får praktik",
            youth_id=people["Gunnar"].id,
        )
    )
    number = pnr.mask(people["Gunnar"].personnummer)
    meeting.minutes_snapshot = json.dumps({"ungdomar": [f"Gunnar Gammal {number}"]})
    db.add(meeting)
    db.commit()
    return people, shared, meeting


def reload(db, model, row_id):
    return db.get(model, row_id, populate_existing=True)


def run(db, today=TODAY):
    return runs.nightly(db, SETTINGS, today=today)


def test_the_preview_counts_who_goes_and_who_is_held_back_and_why(db_session, histories):
    preview = selection.preview(db_session, SETTINGS.retention_days(), TODAY)
    assert preview.due["register"] == 1  # Gunnar; Stina is one day short
    assert preview.due["notes"] == 3  # Gunnar, Stina and Nils
    assert (preview.open_case, preview.ongoing_measure) == (1, 1)  # Åke, Ina
    tomorrow = selection.preview(db_session, SETTINGS.retention_days(), TODAY + timedelta(1))
    assert tomorrow.due["register"] == 2


def test_the_identity_goes_and_what_the_statistics_need_stays(db_session, histories):
    people, shared, meeting = histories
    gunnar = people["Gunnar"]
    periods_before = [
        (p.registered_on, p.deregistered_on, p.deregistration_result)
        for p in db_session.exec(
            select(RegistrationPeriod).where(RegistrationPeriod.youth_id == gunnar.id)
        )
    ]
    assert run(db_session) == 1
    gone = reload(db_session, Youth, gunnar.id)
    assert gone.status == "gallrad" and gone.full_name == "Gallrad"
    assert (
        gone.personnummer == pnr.anonymised(gunnar.id) and pnr.mask(gone.personnummer) == "Gallrad"
    )
    assert (gone.street_address, gone.phone, gone.email) == ("", "", "")
    assert gone.birth_date == date(2004, 5, 1) and gone.gender == "man"
    assert gone.district_id == gunnar.district_id
    assert db_session.exec(select(Guardian).where(Guardian.youth_id == gunnar.id)).all() == []
    contact = db_session.exec(
        select(ContactAttempt).where(ContactAttempt.youth_id == gunnar.id)
    ).one()
    assert (contact.kind, contact.on, contact.outcome, contact.note) == (
        "telefon",
        date(2022, 3, 1),
        "nadd",
        "",
    )
    plan = db_session.exec(select(Plan).where(Plan.youth_id == gunnar.id)).one()
    measure = db_session.exec(select(PlanMeasure).where(PlanMeasure.youth_id == gunnar.id)).one()
    assert plan.goal == "" and (measure.ended_on, measure.occupation_after) == (
        date(2022, 5, 1),
        "studier",
    )
    consent = db_session.exec(select(Consent).where(Consent.youth_id == gunnar.id)).one()
    assert (consent.guardian_name, consent.purpose, consent.given_on) == (
        "",
        "Gallrad",
        date(2022, 1, 10),
    )
    assert (
        db_session.exec(
            select(GeneratedDocument).where(GeneratedDocument.youth_id == gunnar.id)
        ).all()
        == []
    )
    student = db_session.exec(
        select(SchoolReportStudent).where(SchoolReportStudent.youth_id == gunnar.id)
    ).one()
    assert (student.personnummer, student.first_name, student.contact) == ("", "Gallrad", "{}")
    decision = db_session.exec(select(Decision).where(Decision.youth_id == gunnar.id)).one()
    assert decision.text == "Gallrad"
    notes = db_session.exec(select(AgendaItem.notes).where(AgendaItem.notes != "")).one()
    # Stina's identity stays until tomorrow, but the meeting notes' shorter period has passed
    assert notes == "Gallrad och Gallrad har fått plats."
    minutes = reload(db_session, Meeting, meeting.id).minutes_snapshot
    assert "Gunnar" not in minutes and "Gallrad" in minutes
    # the mail-out's file still holds Åke's letter: it goes with the last person in it
    links = db_session.exec(
        select(GeneratedDocumentYouth.youth_id).where(
            GeneratedDocumentYouth.document_id == shared.id
        )
    ).all()
    assert links == [people["Åke"].id]
    assert periods_before == [
        (p.registered_on, p.deregistered_on, p.deregistration_result)
        for p in db_session.exec(
            select(RegistrationPeriod).where(RegistrationPeriod.youth_id == gunnar.id)
        )
    ]


def test_an_open_case_an_ongoing_measure_and_a_day_short_are_never_anonymised(
    db_session, histories
):
    people, _, _ = histories
    run(db_session)
    for first in ("Stina", "Åke", "Ina", "Nils"):
        kept = reload(db_session, Youth, people[first].id)
        assert kept.first_name == first and kept.status != "gallrad"
        assert db_session.exec(select(Guardian).where(Guardian.youth_id == kept.id)).all()
    for first in ("Åke", "Ina"):
        note = db_session.exec(
            select(ContactAttempt.note).where(ContactAttempt.youth_id == people[first].id)
        ).one()
        assert note == f"Pratade med {first}"


def test_the_shorter_periods_clear_texts_but_keep_the_identity(db_session, histories):
    people, _, _ = histories
    run(db_session)
    nils = reload(db_session, Youth, people["Nils"].id)
    assert nils.full_name == "Nils Noter" and nils.personnummer.isdigit()
    note = db_session.exec(
        select(ContactAttempt.note).where(ContactAttempt.youth_id == nils.id)
    ).one()
    assert note == ""
    assert (
        db_session.exec(
            select(GeneratedDocument).where(GeneratedDocument.youth_id == nils.id)
        ).all()
        == []
    )
    consent = db_session.exec(select(Consent).where(Consent.youth_id == nils.id)).one()
    assert consent.purpose == "Gallrad"


def test_across_the_boundary_the_next_day_takes_stina(db_session, histories):
    people, _, _ = histories
    run(db_session)
    assert reload(db_session, Youth, people["Stina"].id).status == "avregistrerad"
    assert run(db_session, TODAY + timedelta(days=1)) == 1
    assert reload(db_session, Youth, people["Stina"].id).status == "gallrad"


def test_a_second_run_anonymises_nothing_and_clears_nothing_again(db_session, histories):
    run(db_session)
    marks = db_session.exec(select(RetentionMark)).all()
    assert run(db_session) == 0
    again = db_session.exec(select(RetentionRun).order_by(RetentionRun.id.desc())).first()
    assert set(runs.counts_of(again).values()) == {0}
    assert len(db_session.exec(select(RetentionMark)).all()) == len(marks)


def test_the_statistics_of_a_past_period_are_the_same_after_gallring(db_session, histories):
    def everything():
        return {
            (key, dimension): grouped(db_session, key, PAST, dimension)
            for key in FIGURES
            for dimension in breakdowns_of(key)
        }

    before = everything()
    assert before[("omfattade", "hela")]  # the period has people to count
    run(db_session)
    run(db_session, TODAY + timedelta(days=1))
    assert everything() == before


def test_a_run_stopped_half_way_is_taken_up_again_where_it_stopped(
    db_session, histories, monkeypatch
):
    people, _, _ = histories
    for first in ("Stina", "Nils"):  # three people whose identity goes today
        db_session.exec(
            RegistrationPeriod.__table__.update()
            .where(RegistrationPeriod.youth_id == people[first].id)
            .values(deregistered_on=date(2022, 6, 30))
        )
    db_session.commit()
    monkeypatch.setattr(runs, "BATCH", 1)
    calls = []

    def dies_on_the_second(db, ids):
        calls.append(ids)
        if len(calls) == 2:
            raise OSError("the worker was stopped")
        clearing.register(db, ids)

    monkeypatch.setitem(clearing.CLEARS, "register", dies_on_the_second)
    with pytest.raises(OSError):
        run(db_session)
    db_session.rollback()
    stopped = runs.unfinished(db_session)
    assert stopped.status == "failed" and runs.counts_of(stopped)["register"] == 1
    gone = db_session.exec(select(Youth).where(Youth.status == "gallrad")).all()
    assert len(gone) == 1
    monkeypatch.setitem(clearing.CLEARS, "register", clearing.register)
    assert run(db_session) == 3  # the same run, counted in all
    finished = reload(db_session, RetentionRun, stopped.id)
    assert finished.status == "done" and finished.unfinished is None
    assert len(db_session.exec(select(RetentionRun)).all()) == 1
    assert len(db_session.exec(select(Youth).where(Youth.status == "gallrad")).all()) == 3


@pytest.mark.settings(**{f"retention_{name}_days": days for name, days in DAYS.items()})
def test_a_run_whose_worker_stopped_answering_is_taken_over_by_another(
    app, db_session, histories
):
    stalled = runs.start(db_session, actor=SYSTEM_ACTOR, today=TODAY)
    stalled.status, stalled.heartbeat_at = "running", utcnow() - timedelta(minutes=5)
    db_session.add(stalled)
    db_session.commit()
    with app.app_context():
        runs.pick_up_stalled(db_session)  # the minutely check; the queue runs jobs at once
    done = reload(db_session, RetentionRun, stalled.id)
    assert done.status == "done" and done.today == TODAY and done.attempts == 1
    assert runs.counts_of(done)["register"] == 1

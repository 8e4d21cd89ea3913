"""Every create form saves once: the same one-time code posted twice, or by two racing
requests, stores one row and sends both to the same page — never a 500 (kaa_web/once.py)."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from kaa_web import once
from kaa_web.models.base import local_today
from kaa_web.models.catalogue import Measure
from kaa_web.models.mailout import MailoutJob
from kaa_web.models.meetings import MeetingGroup
from kaa_web.models.plans import (
    ConcernReport,
    Consent,
    DeclinedOffer,
    MappingRevision,
    PlanMeasure,
    PlanRevision,
    Referral,
)
from kaa_web.models.register import (
    ContactAttempt,
    District,
    RegistrationPeriod,
    SavedView,
    Youth,
)
from kaa_web.models.school_reports import SchoolReport, SchoolUnit
from kaa_web.rules import personnummer as pnr
from kaa_web.services import catalogue, mailout, register
from kaa_web.services.plans import measures, plan
from tests import factories

TODAY = local_today().isoformat()
HOME = {"street_address": "Hemvägen 1", "postal_code": "123 45", "city": "Exempelstad"}


@dataclass(frozen=True)
class Case:
    """A create form: who posts it, where, what, and the rows a saved submission adds."""

    role: str
    table: type
    url: str
    data: dict
    code_field: str = "engangskod"
    where: tuple = ()


def _actor(staff, username="kaa"):
    return factories.actor(username, staff, roles={"kaa"})


def _youth(make_youth, years=19, **fields):
    birth = local_today().replace(year=local_today().year - years)
    return make_youth(
        "Ella",
        "Exempel",
        birth_date=birth,
        registered_on=local_today() - timedelta(days=40),
        **{**HOME, **fields},
    )


def _plan(db, staff, youth):
    catalogue.seed_measures(db)
    actor = _actor(staff)
    plan.save_plan(
        db, actor=actor, youth=youth, data=plan.PlanData("Börja studera.", local_today())
    )
    db.commit()
    return actor


def _referral_case(db, staff, youth):
    actor = _plan(db, staff, youth)
    catalogued = db.exec(select(Measure).where(Measure.name == "Hälsoträdgården")).one()
    measure = measures.add_plan_measure(
        db,
        actor=actor,
        youth=youth,
        data=measures.PlanMeasureData("", "annan", local_today(), local_today(), catalogued.id),
    )
    db.commit()
    url = f"/ungdomar/{youth.id}/plan/insatser/{measure.id}/uppdrag"
    return Case("kaa", Referral, url, {"sent_on": TODAY})


def _school_report_case(db, staff, make_youth):
    from kaa_web.demo import seed_schools

    seed_schools(db)
    db.commit()
    unit = db.exec(select(SchoolUnit).where(SchoolUnit.code == "90000001")).one()
    number = pnr.make_valid(local_today() - timedelta(days=17 * 365 + 40), 311)
    data = {
        "school_unit_id": str(unit.id),
        "contact_name": "Sara Lund",
        "contact_phone": "010-123 40 01",
        "personnummer": number,
        "first_name": "Ella",
        "last_name": "Exempelsson",
        "programme": "Ekonomiprogrammet",
        "school_year": "2",
        "programme_kind": "nationellt",
        "guardian1_name": "Vera Exempelsson",
        "guardian1_phone": "070-222 33 44",
        "dropout_date": (local_today() - timedelta(days=2)).isoformat(),
        "reason": "motivation",
        "leaves_with_studiebevis": "ja",
        "support_given": "Samtal med mentor.",
        "informed_consequences": "y",
        "informed_kaa": "y",
    }
    return Case("skola", SchoolReport, "/skola/anmalan/studieavbrott", data)


def _mailout_confirm_case(db, staff, youth):
    actor = _actor(staff)
    job = mailout.start_mailout(db, actor=actor, youth_ids=[youth.id], on=local_today())
    db.commit()
    mailout.run_mailout_job(db, job_id=job.id)
    return Case(
        "kaa",
        ContactAttempt,
        f"/utskick/{job.id}/bekrafta",
        {"posted_on": TODAY},
        where=(ContactAttempt.kind == "brev",),
    )


def _case(name, db, staff, make_youth) -> Case:  # noqa: C901 - one branch per form, nothing else
    if name == "registrera ungdom":
        number = pnr.make_valid(local_today() - timedelta(days=6400), 555)
        data = {
            "personnummer": number,
            "first_name": "Sam",
            "last_name": "Nord",
            "registration_reason": "aldrig_borjat",
            "registration_source": "egen_kontakt",
        }
        return Case("kaa", Youth, "/ungdomar/ny", data)
    if name == "skolans anmälan":
        return _school_report_case(db, staff, make_youth)
    if name == "skolenhet":
        data = {"code": "90000009", "name": "Nya skolan", "huvudman": "Kommunen", "active": "y"}
        return Case("admin", SchoolUnit, "/admin/skolenheter/ny", data)
    if name == "kommundel":
        data = {"ny-code": "hamnen", "ny-name": "Hamnen"}
        return Case("admin", District, "/admin/kommundelar", data, "ny-engangskod")
    if name == "insats i katalogen":
        data = {"name": "Sommarjobb", "category": "arbetsinriktad", "first_contact_days": "10"}
        return Case(
            "admin", Measure, "/admin/insatser", data, where=(Measure.name == "Sommarjobb",)
        )
    if name == "samverkansgrupp":
        data = {
            "name": "Ledningsgruppen",
            "kind": "ledningsgrupp",
            "frequency": "en_gang_per_termin",
            "convener_id": str(staff["kaa"].id),
        }
        return Case("chef", MeetingGroup, "/samverkan/ny-grupp", data)
    if name == "sparad vy":
        return Case("kaa", SavedView, "/ungdomar/vyer/spara", {"name": "Mina", "officer": "mig"})
    youth = _youth(make_youth, years=16 if name == "orosanmälan" else 19)
    base = f"/ungdomar/{youth.id}"
    if name == "avregistrering":
        closed = (RegistrationPeriod.deregistered_on.is_not(None),)
        data = {"reason": "examen", "result": "arbete"}
        return Case("kaa", RegistrationPeriod, f"{base}/avregistrera", data, where=closed)
    if name == "registrera igen":
        register.deregister_youth(
            db, actor=_actor(staff), youth_id=youth.id, reason="nationellt_program"
        )
        db.commit()
        data = {"registration_reason": "avbrott_nationellt", "registration_source": "skolanmalan"}
        return Case("kaa", RegistrationPeriod, f"{base}/registrera-igen", data)
    if name == "kontaktförsök":
        data = {"kind": "telefon", "on": TODAY, "outcome": "ej_nadd"}
        return Case("kaa", ContactAttempt, f"{base}/kontakt", data)
    if name == "brev":
        return Case("kaa", ContactAttempt, f"{base}/dokument", {"step": "brev"})
    if name == "samtycke":
        data = {
            "given_by": "ungdomen",
            "parties": ["socialtjansten"],
            "purpose": "Samordna stödet.",
            "given_on": TODAY,
            "form": "skriftligt",
        }
        return Case("kaa", Consent, f"{base}/samtycken", data)
    if name == "orosanmälan":
        data = {"on": TODAY, "recipient": "Socialtjänsten"}
        return Case("kaa", ConcernReport, f"{base}/orosanmalan", data)
    if name == "kartläggning, första":
        data = {"on": TODAY, "occupation": "ingen"}
        return Case("kaa", MappingRevision, f"{base}/kartlaggning", data)
    if name == "plan":
        return Case("kaa", PlanRevision, f"{base}/plan", {"goal": "Komvux.", "agreed_on": TODAY})
    if name == "insats i planen":
        _plan(db, staff, youth)
        data = {"title": "Söka till Komvux", "responsible": "ungdomen", "start_on": TODAY}
        data = {f"insats-{k}": v for k, v in {**data, "agreed_on": TODAY}.items()}
        return Case("kaa", PlanMeasure, f"{base}/plan/insatser", data, "insats-engangskod")
    if name == "avböjt erbjudande":
        _plan(db, staff, youth)
        measure = db.exec(select(Measure.id).where(Measure.name == "Hälsoträdgården")).one()
        data = {"avbojt-measure_id": str(measure), "avbojt-on": TODAY}
        return Case("kaa", DeclinedOffer, f"{base}/plan/avbojda", data, "avbojt-engangskod")
    if name == "uppdrag":
        return _referral_case(db, staff, youth)
    if name == "utskick":
        return Case("kaa", MailoutJob, "/utskick/", {"youth_ids": str(youth.id)})
    if name == "utskick postat":
        return _mailout_confirm_case(db, staff, youth)
    raise AssertionError(name)


FORMS = [
    "registrera ungdom",
    "avregistrering",
    "registrera igen",
    "kontaktförsök",
    "brev",
    "samtycke",
    "orosanmälan",
    "kartläggning, första",
    "plan",
    "insats i planen",
    "avböjt erbjudande",
    "uppdrag",
    "sparad vy",
    "skolans anmälan",
    "skolenhet",
    "kommundel",
    "insats i katalogen",
    "samverkansgrupp",
    "utskick",
    "utskick postat",
]


def _count(db, case: Case) -> int:
    db.expire_all()
    return db.exec(select(sa.func.count()).select_from(case.table).where(*case.where)).one()


def _settle(db, timeout: float = 10.0) -> None:
    """Let a started mail-out's thread finish before the test's tables are emptied."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.expire_all()
        if not db.exec(
            select(MailoutJob).where(MailoutJob.status.in_(("queued", "running")))
        ).all():
            return
        time.sleep(0.05)


@pytest.mark.parametrize("name", FORMS)
def test_the_same_form_posted_twice_saves_once_and_shows_the_same_page(
    name, login_as, staff, make_youth, db_session
):
    case = _case(name, db_session, staff, make_youth)
    client = login_as(case.role)
    before = _count(db_session, case)
    data = {**case.data, case.code_field: f"kod-{name}"}

    first = client.post_form(case.url, data)
    second = client.post_form(case.url, data)
    _settle(db_session)

    assert first.status_code == second.status_code == 303, first.get_data(as_text=True)[:3000]
    assert first.location == second.location
    assert _count(db_session, case) == before + 1


@pytest.mark.parametrize("name", FORMS)
def test_two_racing_submissions_of_one_form_save_once_and_neither_fails(
    name, login_as, staff, make_youth, db_session, monkeypatch
):
    """The first request has written everything, its code's row last, when the second
    arrives: the second runs into the first's rows (it waits in the database until the first
    commits), is rolled back and sent where the first went."""
    case = _case(name, db_session, staff, make_youth)
    clients = [login_as(case.role), login_as(case.role)]
    before = _count(db_session, case)
    data = {**case.data, case.code_field: f"lopp-{name}"}
    real_remember, written = once.remember, threading.Event()

    def slow_remember(db, form, location):
        real_remember(db, form, location)
        if not written.is_set():
            db.flush()
            written.set()
            time.sleep(0.5)  # the twin arrives before this commits

    monkeypatch.setattr(once, "remember", slow_remember)
    tokens = [c.csrf_token() for c in clients]
    responses = [None, None]

    def post(n):
        if n == 1:
            written.wait(10)
        responses[n] = clients[n].post(case.url, data={"csrf_token": tokens[n], **data})

    threads = [threading.Thread(target=post, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    _settle(db_session)

    assert [r.status_code for r in responses] == [303, 303], responses[1].get_data(as_text=True)[
        :3000
    ]
    assert responses[0].location == responses[1].location
    assert _count(db_session, case) == before + 1


def test_a_rejected_submission_leaves_its_code_free_for_the_corrected_one(
    login_as, staff, make_youth, db_session
):
    """The service refuses the first submission: its code stays free for the corrected one."""
    minor = _youth(make_youth, years=16)
    client = login_as("kaa")
    url = f"/ungdomar/{minor.id}/samtycken"
    form = {
        "engangskod": "rattad",
        "parties": ["socialtjansten"],
        "purpose": "Samordna stödet.",
        "given_on": TODAY,
        "form": "skriftligt",
    }

    wrong = client.post_form(url, {**form, "given_by": "ungdomen"})
    right = client.post_form(
        url, {**form, "given_by": "vardnadshavare", "guardian_name": "Vera Exempel"}
    )

    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 400 and "samtycket ges av vårdnadshavare" in page
    assert 'value="rattad"' in page  # the page comes back with the same code
    assert right.status_code == 303
    assert len(db_session.exec(select(Consent)).all()) == 1


def test_every_create_form_on_a_persons_pages_carries_a_one_time_code(
    login_as, staff, make_youth, db_session
):
    youth = _youth(make_youth)
    _referral_case(db_session, staff, youth)
    client = login_as("kaa")
    for page, names in (
        ("", ("letter",)),
        ("/kontakt", ("contact",)),
        ("/kartlaggning", ("mapping",)),
        ("/plan", ("plan", "measure", "declined", "referral")),
        ("/samtycken", ("consent", "concern")),
    ):
        html = client.get(f"/ungdomar/{youth.id}{page}").get_data(as_text=True)
        codes = re.findall(r'name="(?:[a-z]+-)?engangskod"', html)  # a form may have a prefix
        assert len(codes) >= len(names), (page, names)
    assert 'name="engangskod"' in client.get("/ungdomar/ny").get_data(as_text=True)

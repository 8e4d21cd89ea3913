"""Recording contacts and letters from the person page: each kind's fields, the timeline, a visit
card, refusals shown again and logged."""

import io
import re
from datetime import timedelta

from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.register import ContactAttempt
from tests.views.register.helpers import views_of


def test_recording_a_call_updates_the_timeline(login_as, staff, make_youth):
    youth = make_youth()
    kaa = login_as("kaa")
    response = kaa.post_form(
        kaa.url("register.contact", youth_id=youth.id),
        {
            "kind": "telefon",
            "on": local_today().isoformat(),
            "outcome": "nadd",
            "occupation": "arbete",
        },
    )
    assert response.status_code == 303
    page = kaa.get(kaa.url("register.person", youth_id=youth.id)).get_data(as_text=True)
    assert "Telefon – nådd (arbete)" in page and "Karin Berg" in page


def test_a_home_visit_alone_is_refused_in_swedish(login_as, staff, make_youth, db_session):
    youth = make_youth()
    response = login_as("kaa").post_form(
        f"/ungdomar/{youth.id}/kontakt",
        {
            "kind": "hembesok",
            "on": local_today().isoformat(),
            "outcome": "ej_nadd",
            "note": "Ingen öppnade",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "två personer" in body
    assert "Ingen öppnade" in body
    assert db_session.exec(select(ContactAttempt)).all() == []


def test_each_contact_kind_names_the_fields_it_uses(login_as, staff, make_youth):
    youth = make_youth()
    page = login_as("kaa").get(f"/ungdomar/{youth.id}/kontakt").get_data(as_text=True)
    options = re.findall(r'<option data-falt="([^"]*)" value="([^"]+)"', page)
    fields = {value: set(names.split()) for names, value in options}
    assert fields["sms"] == {"kind", "note", "on", "outcome"}
    assert {"planned_visit", "planned_time"} <= fields["besoksvykort"]
    assert "second_staff_id" in fields["hembesok"] and "planned_visit" not in fields["hembesok"]
    assert fields["skatteverket"] == {"kind", "note", "on"}
    assert 'class="kind-part kind-part--planned_visit"' in page


def test_an_sms_ignores_visit_fields_typed_before_the_kind_was_changed(
    login_as, staff, make_youth, db_session
):
    youth = make_youth()
    response = login_as("kaa").post_form(
        f"/ungdomar/{youth.id}/kontakt",
        {
            "kind": "sms",
            "on": local_today().isoformat(),
            "outcome": "ej_nadd",
            "planned_visit": "2026-13-45",  # hidden for an sms: neither an error nor stored
            "planned_time": "kl 9",
            "second_staff_id": str(staff["kaa2"].id),
            "occupation": "arbete",
        },
    )
    assert response.status_code == 303
    contact = db_session.exec(select(ContactAttempt)).one()
    assert (contact.kind, contact.outcome) == ("sms", "ej_nadd")
    assert (contact.planned_visit, contact.planned_time, contact.second_staff_id) == (
        None,
        None,
        None,
    )
    assert contact.occupation is None  # not reached: no occupation


def test_a_visit_card_still_needs_its_date_and_time(login_as, staff, make_youth, db_session):
    youth = make_youth()
    response = login_as("kaa").post_form(
        f"/ungdomar/{youth.id}/kontakt",
        {"kind": "besoksvykort", "on": local_today().isoformat(), "planned_time": "kl 9"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ange tiden som TT:MM." in body
    assert db_session.exec(select(ContactAttempt)).all() == []


def test_a_visit_card_for_one_person_is_stored_and_recorded(
    login_as, staff, make_youth, db_session
):
    from docx import Document

    from kaa_web.models.documents import GeneratedDocument

    youth = make_youth(
        "Vera",
        "Besök",
        birth_date=local_today() - timedelta(days=19 * 365),
        street_address="Besöksvägen 1",
        postal_code="123 45",
        city="Exempelstad",
    )
    kaa = login_as("kaa")
    missing_time = kaa.post_form(
        kaa.url("register.create_letter", youth_id=youth.id), {"step": "besoksvykort"}
    )
    assert missing_time.status_code == 400
    assert "datum och tid" in missing_time.get_data(as_text=True)
    visit = (local_today() + timedelta(days=14)).isoformat()
    response = kaa.post_form(
        kaa.url("register.create_letter", youth_id=youth.id),
        {"step": "besoksvykort", "visit_on": visit, "visit_time": "16:00"},
    )
    assert response.status_code == 303
    document = db_session.exec(select(GeneratedDocument)).one()
    body = Document(io.BytesIO(document.content)).element.body  # python-docx opens it
    text = "".join(t.text or "" for t in body.iter() if t.tag.endswith("}t"))
    assert "Vera" in text and "kl. 16:00" in text
    contact = db_session.exec(select(ContactAttempt)).one()
    assert (contact.kind, contact.planned_visit.isoformat()) == ("besoksvykort", visit)
    page = kaa.get(kaa.url("register.person", youth_id=youth.id)).get_data(as_text=True)
    assert f"/dokument/{document.id}" in page


def test_no_letter_is_printed_for_a_protected_identity(login_as, staff, make_youth, db_session):
    youth = make_youth(protected_identity=True, street_address="Hemliga vägen 1")
    response = login_as("kaa").post_form(f"/ungdomar/{youth.id}/dokument", {"step": "brev"})
    assert response.status_code == 400
    assert "skyddade personuppgifter" in response.get_data(as_text=True)
    assert db_session.exec(select(ContactAttempt)).all() == []


def test_a_form_error_that_shows_the_person_again_is_logged_as_a_read(
    login_as, staff, make_youth, db_session
):
    youth = make_youth()
    response = login_as("kaa").post_form(f"/ungdomar/{youth.id}/avregistrera", {"reason": ""})
    assert response.status_code == 400 and youth.full_name in response.get_data(as_text=True)
    views = db_session.exec(
        select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.youth_id == youth.id)
    ).all()
    assert len(views) == 1


def test_a_contact_shown_again_with_errors_is_logged_as_a_read(
    login_as, staff, make_youth, db_session
):
    youth = make_youth()
    kaa = login_as("kaa")
    before = views_of(db_session, youth)
    response = kaa.post_form(
        kaa.url("register.contact", youth_id=youth.id),
        {"kind": "telefon", "on": str(local_today())},
    )
    assert response.status_code == 400
    assert views_of(db_session, youth) == before + 1


def test_the_timeline_shows_the_note_typed_with_a_contact(login_as, staff, make_youth):
    youth = make_youth()
    kaa = login_as("kaa")
    kaa.post_form(
        kaa.url("register.contact", youth_id=youth.id),
        {
            "kind": "telefon",
            "on": local_today().isoformat(),
            "outcome": "ej_nadd",
            "note": "Ringde två gånger, inget svar. Prova efter 16.",
        },
    )
    page = kaa.get(kaa.url("register.person", youth_id=youth.id)).get_data(as_text=True)
    assert "Telefon – ej nådd" in page
    assert '<p class="timeline__text">Ringde två gånger, inget svar. Prova efter 16.</p>' in page

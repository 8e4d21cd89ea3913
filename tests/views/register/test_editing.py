"""Registering and editing a person at request level: what was typed kept, once only, conflicts,
fields the form does not offer, the sensitive-data warning."""

import re

from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.register import Youth
from kaa_web.rules import personnummer as pnr
from kaa_web.services import register
from tests.views.register.helpers import new_youth_form, views_of


def test_registering_with_a_bad_number_keeps_what_was_typed(login_as, staff, db_session):
    kaa = login_as("kaa")
    response = kaa.post_form(
        kaa.url("register.new"), new_youth_form(personnummer="200601152383", phone="070-123")
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Det finns fel i formuläret" in body and "kontrollsiffra" in body
    assert 'value="Sam"' in body and 'value="070-123"' in body
    assert db_session.exec(select(Youth)).all() == []


def test_someone_of_20_or_older_is_refused_in_swedish_and_nothing_typed_is_lost(
    login_as, staff, db_session
):
    older = pnr.make_valid(local_today().replace(year=1999, month=3, day=1), 556)
    response = login_as("kaa").post_form(
        "/ungdomar/ny", new_youth_form(personnummer=older, phone="070-123")
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "fyllde 20 år den" in body and "omfattas inte av det kommunala" in body
    assert 'value="Sam"' in body and 'value="070-123"' in body
    assert db_session.exec(select(Youth)).all() == []


def test_registering_redirects_to_the_new_person(client_request, staff, db_session):
    form = client_request.get("register.new").form()
    saved = form.submit(new_youth_form())
    youth = db_session.exec(select(Youth)).one()
    assert saved.response.location == f"/ungdomar/{youth.id}"
    source = register.current_period(db_session, youth.id).registration_source
    assert (youth.first_name, youth.last_name, source) == (
        "Sam",
        "Nord",
        "egen_kontakt",
    )


def test_a_double_click_on_the_rendered_register_form_saves_once_and_shows_that_person(
    client_request, staff, db_session
):
    form = client_request.get("register.new").form()
    first = form.submit(new_youth_form())
    second = form.submit(new_youth_form())  # the same page's form, with its one-time code
    assert second.response.location == first.response.location
    assert len(db_session.exec(select(Youth)).all()) == 1


def test_a_double_click_on_register_creates_one_person(login_as, staff, db_session):
    kaa = login_as("kaa")
    kaa.post_form(kaa.url("register.new"), new_youth_form())
    second = kaa.post_form(kaa.url("register.new"), new_youth_form())
    assert second.status_code == 400 and "finns redan" in second.get_data(as_text=True)
    assert len(db_session.exec(select(Youth)).all()) == 1


def test_a_concurrent_edit_gets_a_conflict_message_and_loses_nothing(
    client_request, staff, make_youth, db_session
):
    youth = make_youth()
    first, second = client_request, client_request.as_("kaa2")
    form_a = first.get("register.edit", youth_id=youth.id).form()
    form_b = second.get("register.edit", youth_id=youth.id).form()
    form_a.submit({"phone": "070-111 11 11"})
    clash = form_b.submit({"phone": "070-222 22 22"}, status=409)
    assert "Någon annan har sparat" in clash.text
    assert clash.form().fields["phone"] == "070-222 22 22"  # what the user typed is kept
    assert "070-111 11 11" in clash.text  # and the current value is shown
    db_session.expire_all()
    assert db_session.get(Youth, youth.id).phone == "070-111 11 11"


def test_posted_fields_the_form_does_not_offer_are_ignored(
    client_request, staff, make_youth, db_session
):
    youth = make_youth()
    form = client_request.get("register.edit", youth_id=youth.id).form()
    form.submit(
        {
            "status": "avregistrerad",
            "personnummer": "200001010000",
            "next_step": "avregistrering",
            "id": "1",
        }
    )
    db_session.expire_all()
    stored = db_session.get(Youth, youth.id)
    assert (stored.status, stored.personnummer, stored.next_step) == (
        "aktiv",
        youth.personnummer,
        "brev",
    )


def test_an_edit_shown_again_with_errors_is_logged_as_a_read(
    client_request, staff, make_youth, db_session
):
    youth = make_youth()
    form = client_request.get("register.edit", youth_id=youth.id).form()
    before = views_of(db_session, youth)
    refused = form.submit({"first_name": ""}, status=400)
    assert youth.last_name in refused.text
    assert views_of(db_session, youth) == before + 1
    stale = {"version": str(int(form.fields["version"]) - 1), "phone": "070-333 33 33"}
    form.submit(stale, status=409)
    assert views_of(db_session, youth) == before + 2


WARNING = "Skriv inte känsliga personuppgifter"


def test_the_sensitive_data_warning_sits_next_to_free_text_fields_only(login_as, staff, make_youth):
    youth = make_youth()
    kaa = login_as("kaa")
    contact = kaa.get(kaa.url("register.contact", youth_id=youth.id)).get_data(as_text=True)
    assert contact.count(WARNING) == 1
    assert re.search(r'<textarea[^>]*aria-describedby="note-warning"', contact)
    mapping = kaa.get(kaa.url("plans.mapping", youth_id=youth.id)).get_data(as_text=True)
    assert mapping.count(WARNING) == 1  # the goals in the young person's words, not the school
    assert re.search(r'<textarea[^>]*aria-describedby="goals-hint goals-warning"', mapping)
    assert WARNING not in kaa.get(kaa.url("register.new")).get_data(as_text=True)

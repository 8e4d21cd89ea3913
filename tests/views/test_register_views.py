"""Register pages at request level: access per role, forms, conflicts, search, import, worklist."""

import io
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.register import ContactAttempt, Youth
from kaa_web.rules import personnummer as pnr
from kaa_web.services import register
from tests import factories


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("kaa", 200),
        ("arbetsmarknad", 200),
        ("chef", 200),
        ("ifo", 200),
        ("skola", 403),
        ("admin", 403),
    ],
)
def test_who_may_open_the_register(login_as, staff, role, status):
    assert login_as(role).get("/ungdomar/").status_code == status


def test_chef_reads_but_cannot_register_or_edit(login_as, staff, make_youth):
    youth = make_youth()
    chef = login_as("chef")
    assert chef.get(f"/ungdomar/{youth.id}").status_code == 200
    assert chef.get("/ungdomar/ny").status_code == 403
    assert chef.get(f"/ungdomar/{youth.id}/redigera").status_code == 403


def test_person_page_shows_why_covered_and_the_next_step_and_logs_the_read(
    login_as, staff, make_youth, db_session
):
    youth = make_youth("Alva", "Öberg", registration_reason="studiebevis")
    page = login_as("kaa").get(f"/ungdomar/{youth.id}").get_data(as_text=True)
    assert "Alva Öberg" in page
    assert "Lämnade med studiebevis" in page
    assert "Skicka brev" in page
    assert pnr.display(youth.personnummer) in page
    views = db_session.exec(
        select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.youth_id == youth.id)
    ).all()
    assert [v.username for v in views] == ["kaa"]


def test_unknown_or_hidden_person_is_404_and_logged(login_as, staff, make_youth, db_session):
    youth = make_youth()
    assert login_as("ifo").get(f"/ungdomar/{youth.id}").status_code == 404
    assert login_as("kaa").get("/ungdomar/999999").status_code == 404
    denied = db_session.exec(select(AuditEvent).where(AuditEvent.action == "denied")).all()
    assert {d.username for d in denied} == {"ifo", "kaa"}


def test_protected_address_is_shown_to_kaa_only(login_as, staff, make_youth):
    youth = make_youth(protected_identity=True, street_address="Hemliga vägen 1")
    assert "Hemliga vägen 1" in login_as("kaa").get(f"/ungdomar/{youth.id}").get_data(True)
    for role in ("arbetsmarknad", "chef"):
        assert "Hemliga vägen 1" not in login_as(role).get(f"/ungdomar/{youth.id}").get_data(True)


def test_list_masks_numbers_and_search_is_post_only(login_as, staff, make_youth):
    youth = make_youth("Alva", "Öberg")
    kaa = login_as("kaa")
    page = kaa.get("/ungdomar/").get_data(as_text=True)
    assert pnr.mask(youth.personnummer) in page and youth.personnummer[8:] not in page
    assert kaa.get("/ungdomar/sok").status_code == 405
    found = kaa.post_form("/ungdomar/sok", {"search": "öberg", "status": "aktiv"})
    assert "Alva Öberg" in found.get_data(as_text=True)
    assert "öberg" not in found.request.url


def test_htmx_search_returns_only_the_results(login_as, staff, make_youth):
    make_youth("Alva", "Öberg")
    response = login_as("kaa").post_form(
        "/ungdomar/sok", {"search": "alva"}, headers={"HX-Request": "true"}
    )
    body = response.get_data(as_text=True)
    assert "Alva Öberg" in body and "<html" not in body
    assert response.headers["Vary"] == "HX-Request"


def _new_youth_form(**overrides):
    number = pnr.make_valid(local_today() - timedelta(days=6400), 555)
    return {
        "personnummer": number,
        "first_name": "Sam",
        "last_name": "Nord",
        "registration_reason": "aldrig_borjat",
        "registration_source": "egen_kontakt",
        **overrides,
    }


def test_registering_with_a_bad_number_keeps_what_was_typed(login_as, staff, db_session):
    kaa = login_as("kaa")
    response = kaa.post_form(
        "/ungdomar/ny", _new_youth_form(personnummer="200601152383", phone="070-123")
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
        "/ungdomar/ny", _new_youth_form(personnummer=older, phone="070-123")
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "fyllde 20 år den" in body and "omfattas inte av det kommunala" in body
    assert 'value="Sam"' in body and 'value="070-123"' in body
    assert db_session.exec(select(Youth)).all() == []


def test_registering_redirects_to_the_new_person(client_request, staff, db_session):
    form = client_request.get("register.new").form()
    saved = form.submit(_new_youth_form())
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
    first = form.submit(_new_youth_form())
    second = form.submit(_new_youth_form())  # the same page's form, with its one-time code
    assert second.response.location == first.response.location
    assert len(db_session.exec(select(Youth)).all()) == 1


def test_a_double_click_on_register_creates_one_person(login_as, staff, db_session):
    kaa = login_as("kaa")
    kaa.post_form("/ungdomar/ny", _new_youth_form())
    second = kaa.post_form("/ungdomar/ny", _new_youth_form())
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


def test_recording_a_call_updates_the_timeline(login_as, staff, make_youth):
    youth = make_youth()
    kaa = login_as("kaa")
    response = kaa.post_form(
        f"/ungdomar/{youth.id}/kontakt",
        {
            "kind": "telefon",
            "on": local_today().isoformat(),
            "outcome": "nadd",
            "occupation": "arbete",
        },
    )
    assert response.status_code == 303
    page = kaa.get(f"/ungdomar/{youth.id}").get_data(as_text=True)
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


def test_deregistering_shows_on_the_person_page(login_as, staff, make_youth, db_session):
    youth = make_youth()
    kaa = login_as("kaa")
    assert (
        kaa.post_form(
            f"/ungdomar/{youth.id}/avregistrera", {"reason": "examen", "result": "studier"}
        ).status_code
        == 303
    )
    assert "Avregistrerad" in kaa.get(f"/ungdomar/{youth.id}").get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Youth, youth.id).next_step is None


def test_filtering_with_htmx_pushes_the_filtered_url_and_updates_what_is_saved(
    login_as, staff, make_youth
):
    late = local_today() - timedelta(days=40)
    make_youth("Mina", "Sena", officer_id=staff["kaa"].id, registered_on=late)
    kaa = login_as("kaa")
    response = kaa.post_form(
        "/ungdomar/sok",
        {"status": "aktiv", "officer": "mig", "due": "forfallna", "sort": "namn", "search": ""},
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/ungdomar/"},
    )
    filtered = "/ungdomar/?status=aktiv&officer=mig&due=forfallna&sort=namn"
    assert response.headers["HX-Push-Url"] == filtered
    body = response.get_data(as_text=True)
    assert "<html" not in body and "Mina Sena" in body
    selection = body[body.index('<div id="urval" hx-swap-oob="true">') :]
    for name, value in (("officer", "mig"), ("due", "forfallna")):
        # the save form, the mail-out form and the export link follow the filters shown
        assert selection.count(f'name="{name}" value="{value}"') == 2
    assert "export.csv?status=aktiv&amp;officer=mig&amp;due=forfallna" in selection
    again = kaa.post_form(
        "/ungdomar/sok",
        {"status": "aktiv", "officer": "mig", "due": "forfallna", "sort": "namn", "search": "sen"},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://localhost{filtered}"},
    )
    assert "HX-Push-Url" not in again.headers  # the same filters (the search never goes in)


def test_filtering_without_javascript_lands_on_the_bookmarkable_url(login_as, staff):
    response = login_as("kaa").post_form(
        "/ungdomar/sok", {"status": "aktiv", "officer": "mig", "due": "forfallna", "search": ""}
    )
    assert response.status_code == 303
    assert response.location == "/ungdomar/?status=aktiv&officer=mig&due=forfallna&sort=namn"


def test_saved_views_belong_to_their_owner(login_as, staff, db_session):
    kaa = login_as("kaa")
    kaa.post_form(
        "/ungdomar/vyer/spara", {"name": "Mina försenade", "officer": "mig", "due": "forfallna"}
    )
    page = kaa.get("/ungdomar/").get_data(as_text=True)
    assert "Mina försenade" in page
    view_id = re.search(r"/ungdomar/vyer/(\d+)/ta-bort", page).group(1)
    assert login_as("kaa2").post_form(f"/ungdomar/vyer/{view_id}/ta-bort").status_code == 404
    assert kaa.post_form(f"/ungdomar/vyer/{view_id}/ta-bort").status_code == 303


def test_import_page_previews_and_applies(login_as, staff, db_session):
    number = pnr.make_valid(local_today() - timedelta(days=6400), 777)
    older = pnr.make_valid(local_today() - timedelta(days=27 * 365), 779)
    csv = (
        f"personnummer;fornamn;efternamn;orsak\n{number};Ida;Strand;studiebevis\n"
        f"{older};Åke;Äldre;studiebevis\n"
    ).encode()
    kaa = login_as("kaa")
    preview = kaa.post_form(
        "/ungdomar/import",
        {"file": (io.BytesIO(csv), "utdrag.csv")},
        content_type="multipart/form-data",
    )
    body = preview.get_data(as_text=True)
    assert "Nya ungdomar som registreras: <strong>1</strong>" in body
    assert "har fyllt 20 år och inte registreras: <strong>1</strong>" in body
    assert "(rad 3)" in body
    action = re.search(r'action="(/ungdomar/import/\d+/genomfor)"', body).group(1)
    applied = kaa.post_form(action)
    assert applied.status_code == 303
    assert "1 ny över 20 år registrerades inte" in kaa.get(applied.location).get_data(as_text=True)
    assert kaa.post_form(action).status_code == 303  # double click: refused with a message
    assert len(db_session.exec(select(Youth)).all()) == 1
    assert login_as("arbetsmarknad").get("/ungdomar/import").status_code == 403


def test_worklist_lists_due_letters_and_marks_them_sent_once(
    login_as, staff, make_youth, db_session
):
    youth = make_youth(
        "Sen", "Brev", registered_on=local_today() - timedelta(days=40), officer_id=staff["kaa"].id
    )
    kaa = login_as("kaa")
    page = kaa.get("/att-gora/").get_data(as_text=True)
    assert "Sen Brev" in page and "Försenat" in page
    for _ in range(2):
        kaa.post_form("/att-gora/markera-skickade", {"youth_ids": str(youth.id), "vy": "mina"})
    letters = db_session.exec(select(ContactAttempt).where(ContactAttempt.youth_id == youth.id))
    assert len(letters.all()) == 1
    assert login_as("chef").get("/att-gora/").status_code == 403


def test_export_streams_the_filtered_list_and_is_logged(login_as, staff, make_youth, db_session):
    make_youth("Ett", "Barn", officer_id=staff["kaa"].id)
    make_youth("Annat", "Barn")
    kaa = login_as("kaa")
    assert "/ungdomar/export.csv" in kaa.get("/ungdomar/?officer=ingen").get_data(as_text=True)
    response = kaa.get("/ungdomar/export.csv?officer=ingen&status=aktiv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert text.startswith("\ufeffpersonnummer;fornamn")
    assert "Annat" in text and "Ett;" not in text
    exports = db_session.exec(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [(e.username, e.object_type) for e in exports] == [("kaa", "youth_list")] * 2
    assert login_as("arbetsmarknad").get("/ungdomar/export.csv").status_code == 403


def test_cli_import_and_nightly(app, staff, tmp_path, db_session):
    number = pnr.make_valid(local_today() - timedelta(days=6400), 778)
    extract = tmp_path / "utdrag.csv"
    extract.write_text(f"personnummer;fornamn;efternamn;orsak\n{number};Ida;Strand;studiebevis\n")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kaa", "nightly", "--extract", str(extract)])
    assert result.exit_code == 0, result.output
    assert "1 ny," in result.output and "Nattjobbet klart" in result.output
    assert "0 gamla utkast borttagna" in result.output
    bad = tmp_path / "fel.csv"
    bad.write_text("personnummer;fornamn;efternamn;orsak\n123;Ida;Strand;studiebevis\n")
    failed = runner.invoke(args=["kaa", "import-register", str(bad)])
    assert failed.exit_code != 0 and "Rad 2" in failed.output
    assert len(db_session.exec(select(Youth)).all()) == 1


def test_an_officers_start_page_counts_their_due_steps(login_as, staff, make_youth):
    make_youth(
        "Sen", "Brev", registered_on=local_today() - timedelta(days=40), officer_id=staff["kaa"].id
    )
    page = login_as("kaa").get("/").get_data(as_text=True)
    assert "<strong>1 försenat steg</strong>" in page  # one: in the singular
    assert "Dina ungdomar" not in login_as("chef").get("/").get_data(as_text=True)


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
    missing_time = kaa.post_form(f"/ungdomar/{youth.id}/dokument", {"step": "besoksvykort"})
    assert missing_time.status_code == 400
    assert "datum och tid" in missing_time.get_data(as_text=True)
    visit = (local_today() + timedelta(days=14)).isoformat()
    response = kaa.post_form(
        f"/ungdomar/{youth.id}/dokument",
        {"step": "besoksvykort", "visit_on": visit, "visit_time": "16:00"},
    )
    assert response.status_code == 303
    document = db_session.exec(select(GeneratedDocument)).one()
    body = Document(io.BytesIO(document.content)).element.body  # python-docx opens it
    text = "".join(t.text or "" for t in body.iter() if t.tag.endswith("}t"))
    assert "Vera" in text and "kl. 16:00" in text
    contact = db_session.exec(select(ContactAttempt)).one()
    assert (contact.kind, contact.planned_visit.isoformat()) == ("besoksvykort", visit)
    page = kaa.get(f"/ungdomar/{youth.id}").get_data(as_text=True)
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


def test_a_visit_card_on_the_worklist_has_no_checkbox_and_marking_it_is_no_error(
    login_as, staff, make_youth, db_session
):
    late = local_today() - timedelta(days=40)
    card = make_youth("Kort", "Besok", registered_on=late, officer_id=staff["kaa"].id)
    card.next_step = "besoksvykort"
    db_session.add(card)
    db_session.commit()
    kaa = login_as("kaa")
    page = kaa.get("/att-gora/").get_data(as_text=True)
    assert "Kort Besok" in page
    assert f'name="youth_ids" value="{card.id}"' not in page
    marked = {"youth_ids": str(card.id), "vy": "mina"}
    response = kaa.post_form("/att-gora/markera-skickade", marked)
    assert response.status_code == 303
    assert db_session.exec(select(ContactAttempt)).all() == []


def _views_of(db_session, youth) -> int:
    db_session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.youth_id == youth.id)
    return len(db_session.exec(query).all())


def test_an_edit_shown_again_with_errors_is_logged_as_a_read(
    client_request, staff, make_youth, db_session
):
    youth = make_youth()
    form = client_request.get("register.edit", youth_id=youth.id).form()
    before = _views_of(db_session, youth)
    refused = form.submit({"first_name": ""}, status=400)
    assert youth.last_name in refused.text
    assert _views_of(db_session, youth) == before + 1
    stale = {"version": str(int(form.fields["version"]) - 1), "phone": "070-333 33 33"}
    form.submit(stale, status=409)
    assert _views_of(db_session, youth) == before + 2


def test_a_contact_shown_again_with_errors_is_logged_as_a_read(
    login_as, staff, make_youth, db_session
):
    youth = make_youth()
    kaa = login_as("kaa")
    before = _views_of(db_session, youth)
    response = kaa.post_form(
        f"/ungdomar/{youth.id}/kontakt", {"kind": "telefon", "on": str(local_today())}
    )
    assert response.status_code == 400
    assert _views_of(db_session, youth) == before + 1


def test_the_person_page_names_a_deactivated_officer(login_as, staff, make_youth, db_session):
    officer = staff["kaa2"]
    youth = make_youth(officer_id=officer.id)
    officer.active = False
    db_session.add(officer)
    db_session.commit()
    page = login_as("kaa").get(f"/ungdomar/{youth.id}").get_data(as_text=True)
    assert officer.display_name in page


def test_the_import_button_follows_the_import_permission(login_as, staff, monkeypatch):
    from kaa_web import permissions

    assert "Importera registerutdrag" in login_as("kaa").get("/ungdomar/").get_data(as_text=True)
    assert "Importera registerutdrag" not in login_as("chef").get("/ungdomar/").get_data(
        as_text=True
    )
    widened = {**permissions.PERMISSIONS, "register.import": frozenset({"kaa", "arbetsmarknad"})}
    monkeypatch.setattr(permissions, "PERMISSIONS", widened)
    page = login_as("arbetsmarknad").get("/ungdomar/").get_data(as_text=True)
    assert "Importera registerutdrag" in page


WARNING = "Skriv inte känsliga personuppgifter"


def test_the_sensitive_data_warning_sits_next_to_free_text_fields_only(
    login_as, staff, make_youth
):
    youth = make_youth()
    kaa = login_as("kaa")
    contact = kaa.get(f"/ungdomar/{youth.id}/kontakt").get_data(as_text=True)
    assert contact.count(WARNING) == 1
    assert re.search(r'<textarea[^>]*aria-describedby="note-warning"', contact)
    mapping = kaa.get(f"/ungdomar/{youth.id}/kartlaggning").get_data(as_text=True)
    assert mapping.count(WARNING) == 1  # the goals in the young person's words, not the school
    assert re.search(r'<textarea[^>]*aria-describedby="goals-hint goals-warning"', mapping)
    assert WARNING not in kaa.get("/ungdomar/ny").get_data(as_text=True)


def test_the_timeline_shows_the_note_typed_with_a_contact(login_as, staff, make_youth):
    youth = make_youth()
    kaa = login_as("kaa")
    kaa.post_form(
        f"/ungdomar/{youth.id}/kontakt",
        {
            "kind": "telefon",
            "on": local_today().isoformat(),
            "outcome": "ej_nadd",
            "note": "Ringde två gånger, inget svar. Prova efter 16.",
        },
    )
    page = kaa.get(f"/ungdomar/{youth.id}").get_data(as_text=True)
    assert "Telefon – ej nådd" in page
    assert '<p class="timeline__text">Ringde två gånger, inget svar. Prova efter 16.</p>' in page


def _shared_with_ifo(login_as, staff, make_youth, db_session):
    """An adult with a consent to social services, one to Arbetsförmedlingen only, a letter
    and an unanswered sms with a note: the case file IFO must not see."""
    from kaa_web.services import consents

    youth = make_youth(
        "Ines",
        "Delad",
        birth_date=local_today() - timedelta(days=19 * 365),
        phone="070-555 12 34",
        street_address="Delgatan 4",
        contacts=[("brev", local_today() - timedelta(days=30), None)],
    )
    kaa = login_as("kaa")
    kaa.post_form(
        f"/ungdomar/{youth.id}/kontakt",
        {"kind": "sms", "on": local_today().isoformat(), "outcome": "ej_nadd", "note": "Hemligt"},
    )
    actor = factories.actor("kaa", staff)
    for parties, purpose in (
        ({"socialtjansten"}, "Samordna stödet inför studiestart."),
        ({"arbetsformedlingen"}, "Praktik via Arbetsförmedlingen."),
    ):
        consents.record_consent(
            db_session,
            actor=actor,
            youth=youth,
            data=consents.ConsentData(
                given_by="ungdomen",
                parties=frozenset(parties),
                purpose=purpose,
                given_on=local_today(),
                form="skriftligt",
            ),
        )
    db_session.commit()
    return youth


def test_ifo_sees_what_the_consent_covers_not_the_kaa_case_file(
    login_as, staff, make_youth, db_session
):
    youth = _shared_with_ifo(login_as, staff, make_youth, db_session)
    ifo = login_as("ifo")
    page = ifo.get(f"/ungdomar/{youth.id}").get_data(as_text=True)
    assert "Samordna stödet inför studiestart." in page  # the purpose it is shared for
    assert "070-555 12 34" in page and "Delgatan 4" in page  # the contact details it needs
    assert pnr.mask(youth.personnummer) in page
    assert pnr.display(youth.personnummer) not in page  # masked: not their case file
    for case_file in ("Praktik via Arbetsförmedlingen.", "Hemligt", "Sms", "Brev", "Nästa steg"):
        assert case_file not in page
    views = db_session.exec(
        select(AuditEvent).where(AuditEvent.username == "ifo", AuditEvent.action == "view")
    ).all()
    assert [v.youth_id for v in views] == [youth.id]


def test_ifo_with_only_an_orosanmalan_sees_that_it_was_made_but_no_contact_details(
    login_as, staff, make_youth
):
    youth = make_youth("Oskar", "Anmäld", phone="070-999 00 11")
    login_as("kaa").post_form(
        f"/ungdomar/{youth.id}/orosanmalan",
        {"on": local_today().isoformat(), "recipient": "Socialtjänsten, mottagningen"},
    )
    page = login_as("ifo").get(f"/ungdomar/{youth.id}").get_data(as_text=True)
    assert "till Socialtjänsten, mottagningen" in page
    assert "070-999 00 11" not in page
    assert "Kontaktuppgifter visas bara medan ett samtycke" in page


def test_ifo_gets_no_kaa_only_filters_or_next_steps_in_the_list(
    login_as, staff, make_youth, db_session
):
    youth = _shared_with_ifo(login_as, staff, make_youth, db_session)
    ifo = login_as("ifo")
    page = ifo.get("/ungdomar/?step=vykort&due=forfallna").get_data(as_text=True)
    assert "Ines Delad" in page  # a crafted KAA filter is ignored, not applied
    assert "Nästa steg" not in page and "Skicka vykort" not in page
    assert 'name="officer"' not in page and 'value="forfallodatum"' not in page
    kaa_page = login_as("kaa").get("/ungdomar/?step=vykort").get_data(as_text=True)
    db_session.refresh(youth)
    assert youth.next_step != "vykort"
    assert "Nästa steg förfaller" in kaa_page and "Ines Delad" not in kaa_page  # KAA's filter


def test_the_register_counts_one_young_person_in_the_singular(login_as, staff, make_youth):
    kaa = login_as("kaa")
    make_youth("Ensam", "Exempel")
    assert '<p class="result-count">1 ungdom.</p>' in kaa.get("/ungdomar/").get_data(as_text=True)
    make_youth("Andra", "Exempel")
    assert '<p class="result-count">2 ungdomar.</p>' in kaa.get("/ungdomar/").get_data(as_text=True)

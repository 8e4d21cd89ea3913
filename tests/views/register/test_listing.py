"""The register list at request level: who may open it, masked numbers, search, filters, saved
views, the export."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.rules import personnummer as pnr
from tests.views.register.helpers import shared_with_ifo


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


def test_list_masks_numbers_and_search_is_post_only(login_as, staff, make_youth):
    youth = make_youth("Alva", "Öberg")
    kaa = login_as("kaa")
    page = kaa.get(kaa.url("register.index")).get_data(as_text=True)
    assert pnr.mask(youth.personnummer) in page and youth.personnummer[8:] not in page
    assert kaa.get(kaa.url("register.search")).status_code == 405
    found = kaa.post_form(kaa.url("register.search"), {"search": "öberg", "status": "aktiv"})
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


def test_filtering_with_htmx_pushes_the_filtered_url_and_updates_what_is_saved(
    login_as, staff, make_youth
):
    late = local_today() - timedelta(days=40)
    make_youth("Mina", "Sena", officer_id=staff["kaa"].id, registered_on=late)
    kaa = login_as("kaa")
    response = kaa.post_form(
        kaa.url("register.search"),
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
        kaa.url("register.search"),
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
    page = kaa.get(kaa.url("register.index")).get_data(as_text=True)
    assert "Mina försenade" in page
    view_id = re.search(r"/ungdomar/vyer/(\d+)/ta-bort", page).group(1)
    assert login_as("kaa2").post_form(f"/ungdomar/vyer/{view_id}/ta-bort").status_code == 404
    assert kaa.post_form(kaa.url("register.delete_view", view_id=view_id)).status_code == 303


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


def test_ifo_gets_no_kaa_only_filters_or_next_steps_in_the_list(
    login_as, staff, make_youth, db_session
):
    youth = shared_with_ifo(login_as, staff, make_youth, db_session)
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
    assert '<p class="result-count">1 ungdom.</p>' in kaa.get(kaa.url("register.index")).get_data(
        as_text=True
    )
    make_youth("Andra", "Exempel")
    assert '<p class="result-count">2 ungdomar.</p>' in kaa.get(kaa.url("register.index")).get_data(
        as_text=True
    )

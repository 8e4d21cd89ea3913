"""The log review page: who may open it, searching by person, staff and period, marking a flag
as reviewed through the page's own form, and the period's XLSX export."""

import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from kaa_web.models.audit import AuditEvent, AuditFlagReview
from kaa_web.models.base import local_today
from kaa_web.rules import personnummer as pnr

# The tests run at any hour: all of it counts as working hours, except the last minute.
pytestmark = pytest.mark.settings(audit_working_hours="00:00-23:59")


@pytest.fixture
def read_by_colleague(client_request, make_youth, staff):
    """Karin's young person, opened by Johan (kaa2): a read outside his caseload."""
    person = make_youth("Karins", "Ungdom", officer_id=staff["kaa"].id)
    client_request.as_("kaa2").get("register.person", youth_id=person.id)
    return person


@pytest.mark.parametrize("role", ["kaa", "arbetsmarknad", "ifo", "skola"])
def test_only_administrators_and_managers_may_open_the_review(client_request, role):
    pages = client_request.as_(role)
    pages.get("audit_review.index", status=403)
    pages.get("audit_review.export", status=403)
    url = pages.url("audit_review.find_person")
    assert pages.client.post_form(url, {"personnummer": "x"}).status_code == 403


@pytest.mark.parametrize("role", ["admin", "chef"])
def test_the_review_shows_a_read_outside_the_caseload(client_request, read_by_colleague, role):
    page = client_request.as_(role).get("audit_review.index")
    assert "1 flagga" in page.text
    assert "Utanför egna ärenden" in page.text and "Johan Wikström (kaa2)" in page.text


def test_a_manager_marks_the_flag_reviewed_through_the_page(
    client_request, read_by_colleague, db_session
):
    chef = client_request.as_("chef")
    page = chef.get("audit_review.index")
    empty = page.form(button="Markera som granskad").submit({"comment": ""}, status=400)
    assert "Skriv vad granskningen kom fram till." in empty.text
    done = empty.form(button="Markera som granskad").submit({"comment": "Vikarierade för Karin."})
    again = chef.follow(done)
    assert "Granskad" in again.text and "Vikarierade för Karin." in again.text
    assert "Markera som granskad" not in again.text
    review = db_session.exec(select(AuditFlagReview)).one()
    assert review.kind == "caseload" and review.comment == "Vikarierade för Karin."


def test_a_person_is_found_by_personnummer_sent_by_post_and_every_list_they_were_in_shown(
    client_request, read_by_colleague
):
    client_request.get("register.index")  # Karin's list shows the person
    admin = client_request.as_("admin")
    page = admin.get("audit_review.index")
    number = pnr.display(read_by_colleague.personnummer)
    found = page.form(button="Sök ungdom").submit({"personnummer": number})
    location = found.response.headers["Location"]
    assert number not in location and f"youth_id={read_by_colleague.id}" in location
    person = admin.follow(found)
    assert "Karins Ungdom" in person.text and "Registerlistan" in person.text
    assert "Visning" in person.text and "Johan Wikström" in person.text
    missing = page.form(button="Sök ungdom").submit(
        {"personnummer": pnr.display(pnr.make_valid(local_today().replace(year=2008), 999))},
        status=400,
    )
    assert "Ingen ungdom med det personnumret" in missing.text


def test_the_period_is_exported_as_xlsx_and_the_export_is_logged(
    client_request, read_by_colleague, db_session
):
    chef = client_request.as_("chef")
    response = chef.client.get(chef.url("audit_review.export", username="kaa2"))
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.get_data()))
    flags = list(book["Flaggor"].values)
    assert flags[1][1] == "kaa2" and flags[1][7] == "Utanför egna ärenden"
    events = list(book["Händelser"].values)
    assert events[0][0] == "Tid" and all(row[1] == "kaa2" for row in events[1:])
    exported = db_session.exec(
        select(AuditEvent).where(AuditEvent.object_type == "audit_review")
    ).all()
    assert [(e.username, e.action) for e in exported] == [("chef", "export")]


def test_a_period_longer_than_a_year_is_refused_in_swedish(client_request):
    page = client_request.as_("admin").get(
        "audit_review.index", date_from="2025-01-01", date_to="2026-06-30", status=400
    )
    assert "Granska högst ett år åt gången." in page.text

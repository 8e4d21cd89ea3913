"""The plan's and the review's Word documents on their pages: a manager makes one (a double click
makes one), every reader downloads it, and it opens as the Word document it says it is."""

import io

import pytest
from docx import Document
from sqlmodel import select

from kaa_web.models.action_plan import ActionPlanDocument
from tests.views.test_action_plan import _draft, _fill_every_section

MAKE_PLAN = "Skapa handlingsplanen som Word-dokument"
MAKE_REVIEW = "Skapa uppföljningen som Word-dokument"


@pytest.fixture
def chef_pages(client_request):
    return client_request.as_("chef")


def _adopted(chef_pages, year=2025):
    _draft(chef_pages, year)
    _fill_every_section(chef_pages, year)
    return chef_pages.follow(
        chef_pages.get("action_plan.show", year=year)
        .form(button="Anta och lås planen")
        .submit({"decision_body": "UBN", "decision_reference": "§ 3", "decided_on": "2025-02-01"})
    )


def test_a_double_click_makes_one_plan_document_which_every_reader_downloads(
    chef_pages, client_request, db_session
):
    adopted = _adopted(chef_pages)
    assert "Inga dokument ännu." in adopted.text
    form = adopted.form(button=MAKE_PLAN)
    made = chef_pages.follow(form.submit())
    form.submit()  # the second click of a double click
    assert "Handlingsplanen är skapad som Word-dokument." in made.text
    (row,) = db_session.exec(select(ActionPlanDocument)).all()
    page = client_request.get("action_plan.show", year=2025)
    cells = page.document.xpath("//table[caption='Skapade dokument']//tbody/tr/td")
    assert {"Plan 2", "Antal under 5 dolda"} <= {c.text_content() for c in cells}
    assert MAKE_PLAN not in page.text  # officers read, managers make
    link = page.document.xpath("//a[starts-with(normalize-space(.), 'Hämta')]/@href")[0]
    download = client_request.client.get(link)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=handlingsplan_2025_v2.docx"
    )
    word = Document(io.BytesIO(download.data))
    assert "Handlingsplan för det kommunala aktivitetsansvaret 2025" in [
        p.text for p in word.paragraphs
    ]
    client_request.post("action_plan.make_plan_document", {}, year=2025, status=403)
    client_request.as_("ifo").get(
        "action_plan.document_file", year=2025, document_id=row.id, status=403
    )


def test_a_draft_has_no_document_yet_and_a_forced_one_is_refused_in_swedish(chef_pages):
    draft = _draft(chef_pages, 2026)
    assert MAKE_PLAN not in draft.text
    refused = chef_pages.post("action_plan.make_plan_document", {}, year=2026, status=400)
    assert "Planen måste vara antagen innan den blir ett dokument." in refused.text


def test_the_review_document_is_made_from_the_review_page(chef_pages, db_session):
    _adopted(chef_pages)
    review = chef_pages.get("action_plan.review", year=2025)
    review.form(button="Spara uppföljningen").submit({"conclusions": "Samverkan fungerar."})
    made = chef_pages.follow(
        chef_pages.get("action_plan.review", year=2025).form(button=MAKE_REVIEW).submit()
    )
    assert "Uppföljningen är skapad som Word-dokument." in made.text
    row = db_session.exec(select(ActionPlanDocument)).one()
    assert (row.kind, row.review_version) == ("uppfoljning", 1)
    link = made.document.xpath("//a[starts-with(normalize-space(.), 'Hämta')]/@href")[0]
    word = Document(io.BytesIO(chef_pages.client.get(link).data))
    assert "Samverkan fungerar." in [p.text for p in word.paragraphs]

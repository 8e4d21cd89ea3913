"""The action plan pages: a manager drafts, writes and adopts; officers read and comment;
typed text survives every refusal; a locked plan has nothing left to edit."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import select

from kaa_web.models.action_plan import SECTIONS, ActionPlanReview, ActionPlanVersion


@pytest.fixture
def chef_pages(client_request):
    return client_request.as_("chef")


def _draft(chef_pages, year=2026):
    page = chef_pages.get("action_plan.index")
    return chef_pages.follow(page.form(button="Påbörja utkast").submit({"year": str(year)}))


def _fill_every_section(chef_pages, year=2026):
    for key, title in SECTIONS.items():
        page = chef_pages.get("action_plan.edit_section", year=year, section=key)
        page.form().submit({"body": f"{title} gäller.\n\n## Så gör vi\n\n- Ett\n- Två"})


def test_a_manager_drafts_writes_and_adopts_and_the_plan_is_then_locked(chef_pages, db_session):
    plan_page = _draft(chef_pages)
    assert "Handlingsplan 2026" in plan_page.text and "Utkast" in plan_page.text
    _fill_every_section(chef_pages)
    plan_page = chef_pages.get("action_plan.show", year=2026)
    assert plan_page.document.xpath("//section[@id='avsnitt-mal']//ul/li/text()") == ["Ett", "Två"]
    adopted = chef_pages.follow(
        plan_page.form(button="Anta och lås planen").submit(
            {
                "decision_body": "Utbildningsnämnden",
                "decision_reference": "§ 45",
                "decided_on": "2026-11-20",
            }
        )
    )
    assert "Antagen av Utbildningsnämnden 2026-11-20 (§ 45)" in adopted.text
    assert "Ändra" not in adopted.text and "Anta planen" not in adopted.text
    chef_pages.get("action_plan.edit_section", year=2026, section="mal", status=404)
    plan = db_session.exec(select(ActionPlanVersion)).one()
    assert plan.status == "antagen" and plan.decided_on == date(2026, 11, 20)


def test_refused_adoption_keeps_what_was_typed_with_swedish_errors(chef_pages):
    plan_page = _draft(chef_pages)
    refused = plan_page.form(button="Anta och lås planen").submit(
        {"decision_body": "Utbildningsnämnden", "decision_reference": "", "decided_on": "20 nov"},
        status=400,
    )
    assert "Ange beslutets paragraf eller diarienummer." in refused.text
    assert "Ange ett datum som ÅÅÅÅ-MM-DD." in refused.text
    form = refused.form(button="Anta och lås planen")
    assert form.fields["decision_body"] == "Utbildningsnämnden"
    assert form.fields["decided_on"] == "20 nov"
    empty = form.submit({"decision_reference": "§ 45", "decided_on": "2026-11-20"}, status=400)
    assert "Alla avsnitt måste ha text innan planen antas" in empty.text


def test_typed_markup_is_text_never_html(chef_pages):
    _draft(chef_pages)
    page = chef_pages.get("action_plan.edit_section", year=2026, section="rutiner")
    page.form().submit(
        {
            "body": "<script>alert(1)</script>\n\n[klicka](javascript:alert(1))\n\n"
            "| Vad | Hur | När | Ansvar | Uppföljning |\n|---|---|---|---|---|\n"
            "| Brev | Post | Inom 30 dagar | KAA | Tertialvis |"
        }
    )
    shown = chef_pages.get("action_plan.show", year=2026)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown.html
    assert 'href="javascript' not in shown.html
    section = shown.document.get_element_by_id("avsnitt-rutiner")
    assert section.xpath(".//div[@class='plan-text']//th/text()") == [
        "Vad",
        "Hur",
        "När",
        "Ansvar",
        "Uppföljning",
    ]
    assert section.xpath(".//div[@class='plan-text']/div[@class='table-scroll']/@tabindex") == ["0"]


def test_a_stale_tab_gets_a_conflict_and_keeps_its_text(chef_pages):
    _draft(chef_pages)
    first = chef_pages.get("action_plan.edit_section", year=2026, section="ansvar")
    second = chef_pages.get("action_plan.edit_section", year=2026, section="ansvar")
    first.form().submit({"body": "Skolan ansvarar för att anmäla."})
    conflict = second.form().submit({"body": "Min egen text"}, status=409)
    assert "Någon annan har sparat avsnittet" in conflict.text
    assert "Skolan ansvarar för att anmäla." in conflict.text
    assert conflict.form().fields["body"] == "Min egen text"
    conflict.form().submit()  # saved on top of what the user has now seen
    shown = chef_pages.get("action_plan.show", year=2026)
    assert "Min egen text" in shown.text


def test_officers_comment_but_do_not_edit_and_others_cannot_open_it(client_request, chef_pages):
    _draft(chef_pages)
    page = client_request.get("action_plan.show", year=2026)
    assert "Ändra" not in page.text and "Anta planen" not in page.text
    commented = client_request.follow(
        page.form(button="Spara kommentaren").submit(
            {"section": "mal", "body": "Målet bör mätas per kommundel."}
        )
    )
    assert "Målet bör mätas per kommundel." in commented.text
    empty = commented.form(button="Spara kommentaren").submit({"body": ""}, status=400)
    assert "Skriv en kommentar." in empty.text
    client_request.get("action_plan.edit_section", year=2026, section="mal", status=403)
    client_request.post("action_plan.adopt", {}, year=2026, status=403)
    for role in ("ifo", "skola", "admin"):
        client_request.as_(role).get("action_plan.index", status=403)


def test_a_double_click_on_a_new_draft_makes_one_plan(chef_pages, db_session):
    form = chef_pages.get("action_plan.index").form(button="Påbörja utkast")
    form.submit({"year": "2026"})
    form.submit({"year": "2026"})
    assert len(db_session.exec(select(ActionPlanVersion)).all()) == 1


def test_the_comparison_page_lists_what_changed(chef_pages):
    _draft(chef_pages, 2025)
    _fill_every_section(chef_pages, 2025)
    chef_pages.get("action_plan.show", year=2025).form(button="Anta och lås planen").submit(
        {"decision_body": "UBN", "decision_reference": "§ 3", "decided_on": "2025-02-01"}
    )
    nothing = _draft(chef_pages, 2026)
    assert "Jämför med planen för 2025" in nothing.text
    page = chef_pages.get("action_plan.edit_section", year=2026, section="mal")
    page.form().submit({"body": "Mål gäller.\n\n## Så gör vi\n\n- Ett\n- Tre"})
    diff = chef_pages.get("action_plan.compare", year=2026)
    assert "1 av 10 delar har ändrats" in diff.text
    assert "Mål: ändrat" in diff.text and "Uppdrag och lagstöd: oförändrat" in diff.text
    assert diff.document.xpath("//li[@class='diff__added']/ins/text()") == ["- Tre"]
    assert diff.document.xpath("//li[@class='diff__removed']/del/text()") == ["- Två"]


def test_a_manager_adds_changes_and_removes_a_measurable_goal(chef_pages, client_request):
    _draft(chef_pages)
    form = chef_pages.get("action_plan.new_goal", year=2026).form()
    refused = form.submit(
        {
            "title": "Fler åter till studier",
            "indicator": "ater_studier_arbete",
            "target": "nittio",
            "partial": "95",
        },
        status=400,
    )
    assert "Ange ett tal, t.ex. 90 eller 87,5." in refused.text
    assert refused.form().fields["title"] == "Fler åter till studier"
    shown = chef_pages.follow(
        refused.form()
        .submit({"target": "87,5", "partial": "95"}, status=400)
        .form()
        .submit({"target": "87,5", "partial": "75"})
    )
    row = shown.document.xpath("//table[caption='Mål och utfall']//tbody/tr")[0]
    cells = [" ".join(td.text_content().split()) for td in row.xpath("td")]
    assert cells[0] == "Fler åter till studier"
    assert cells[2] == "Minst 87,5 %delvis från 75"  # a line break between
    assert cells[3] == "Inga uppgifter för perioden" and cells[5] == "Kan inte bedömas"
    officer_view = client_request.get("action_plan.show", year=2026)
    assert (
        "Fler åter till studier" in officer_view.text and "Lägg till mål" not in officer_view.text
    )
    client_request.get("action_plan.new_goal", year=2026, status=403)

    edit = chef_pages.get("action_plan.show", year=2026).document.xpath(
        "//a[starts-with(normalize-space(.), 'Ändra') and contains(@href, '/mal/')]/@href"
    )[0]
    goal_id = int(edit.rsplit("/", 1)[1])
    page = chef_pages.get("action_plan.edit_goal", year=2026, goal_id=goal_id)
    assert page.form(button="Spara målet").fields["target"] == "87,5"
    page.form(button="Spara målet").submit({"target": "90"})
    assert "Minst 90 %" in chef_pages.get("action_plan.show", year=2026).text
    page = chef_pages.get("action_plan.edit_goal", year=2026, goal_id=goal_id)
    page.form(button="Ta bort målet").submit()
    assert "Inga mätbara mål ännu." in chef_pages.get("action_plan.show", year=2026).text
    chef_pages.get("action_plan.edit_goal", year=2026, goal_id=goal_id, status=404)


def test_managers_write_the_review_and_officers_read_it(chef_pages, client_request):
    _draft(chef_pages)
    page = chef_pages.get("action_plan.review", year=2026)
    assert "Öppen fråga – finns inte i registret." in page.text
    assert "Planen har inga mätbara mål." in page.text
    refused = page.form(button="Spara uppföljningen").submit(
        {
            "conclusions": "x" * 10_001,
            "resurser_rating": "delvis",
            "resurser_justification": "Två tjänster.",
        },
        status=400,
    )
    assert (
        refused.form(button="Spara uppföljningen").fields["resurser_justification"]
        == "Två tjänster."
    )
    saved = chef_pages.follow(
        refused.form(button="Spara uppföljningen").submit(
            {"conclusions": "Kartläggningen fungerar.", "changes": "Mät per kommundel."}
        )
    )
    table = saved.document.xpath("//table[caption='Självskattning 2026']//tbody/tr")
    assert [" ".join(td.text_content().split()) for td in table[0].xpath("td")][:3] == [
        "Resurser",
        "Delvis uppfyllt",
        "Två tjänster.",
    ]
    assert "Mät per kommundel." in saved.text
    stale = page.form(button="Spara uppföljningen").submit(
        {"conclusions": "Från en gammal flik"}, status=409
    )
    assert "Någon annan har sparat uppföljningen" in stale.text
    assert stale.form(button="Spara uppföljningen").fields["conclusions"] == "Från en gammal flik"

    read = client_request.get("action_plan.review", year=2026)
    assert "Mät per kommundel." in read.text and "Spara uppföljningen" not in read.text
    client_request.post("action_plan.save_review", {}, year=2026, status=403)
    chart = client_request.client.get(client_request.url("action_plan.review_chart", year=2026))
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert b"Resurser" in chart.data
    client_request.as_("ifo").get("action_plan.review", year=2026, status=403)


def _statements_during(app, request):
    seen: list[str] = []

    def note(conn, cursor, statement, *args):
        seen.append(statement)

    engine = app.extensions["kaa_engine"]
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        request()
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return seen


def test_editing_a_section_reads_its_text_and_none_of_the_goal_figures(app, chef_pages):
    _draft(chef_pages)
    chef_pages.get("action_plan.new_goal", year=2026).form().submit(
        {"title": "Fler nås", "indicator": "nadda", "target": "50", "partial": "40"}
    )
    chef_pages.get("action_plan.edit_section", year=2026, section="mal").form().submit(
        {"body": "Målen gäller."}
    )
    plan = _statements_during(app, lambda: chef_pages.get("action_plan.show", year=2026))
    assert any("registration_period" in s for s in plan)  # the plan page measures its goals
    edit = _statements_during(
        app,
        lambda: chef_pages.get("action_plan.edit_section", year=2026, section="mal"),
    )
    assert not any("registration_period" in s for s in edit)
    page = chef_pages.get("action_plan.edit_section", year=2026, section="mal")
    assert page.form().fields["body"] == "Målen gäller."


def test_only_a_writer_reaches_the_review_save_and_a_reader_changes_nothing(
    chef_pages, client_request, db_session
):
    _draft(chef_pages)
    refused = client_request.post(
        "action_plan.save_review", {"conclusions": "Från en läsare"}, year=2026, status=403
    )
    assert "Från en läsare" not in refused.text
    assert db_session.exec(select(ActionPlanReview)).all() == []
    reader = client_request.get("action_plan.review", year=2026)
    assert "Spara uppföljningen" not in reader.text
    chef_pages.get("action_plan.review", year=2026).form(button="Spara uppföljningen").submit(
        {"conclusions": "Klart."}
    )
    assert db_session.exec(select(ActionPlanReview.conclusions)).one() == "Klart."

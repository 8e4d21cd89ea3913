"""The officer's due letters and steps: the worklist and the start page's count."""

from datetime import timedelta

from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.register import ContactAttempt


def test_worklist_lists_due_letters_and_marks_them_sent_once(
    login_as, staff, make_youth, db_session
):
    youth = make_youth(
        "Sen", "Brev", registered_on=local_today() - timedelta(days=40), officer_id=staff["kaa"].id
    )
    kaa = login_as("kaa")
    page = kaa.get(kaa.url("worklist.index")).get_data(as_text=True)
    assert "Sen Brev" in page and "Försenat" in page
    for _ in range(2):
        kaa.post_form(kaa.url("worklist.mark_sent"), {"youth_ids": str(youth.id), "vy": "mina"})
    letters = db_session.exec(select(ContactAttempt).where(ContactAttempt.youth_id == youth.id))
    assert len(letters.all()) == 1
    assert login_as("chef").get("/att-gora/").status_code == 403


def test_an_officers_start_page_counts_their_due_steps(login_as, staff, make_youth):
    make_youth(
        "Sen", "Brev", registered_on=local_today() - timedelta(days=40), officer_id=staff["kaa"].id
    )
    page = login_as("kaa").get("/").get_data(as_text=True)
    assert "<strong>1 försenat steg</strong>" in page  # one: in the singular
    assert "Dina ungdomar" not in login_as("chef").get("/").get_data(as_text=True)


def test_a_visit_card_on_the_worklist_has_no_checkbox_and_marking_it_is_no_error(
    login_as, staff, make_youth, db_session
):
    late = local_today() - timedelta(days=40)
    card = make_youth("Kort", "Besok", registered_on=late, officer_id=staff["kaa"].id)
    card.next_step = "besoksvykort"
    db_session.add(card)
    db_session.commit()
    kaa = login_as("kaa")
    page = kaa.get(kaa.url("worklist.index")).get_data(as_text=True)
    assert "Kort Besok" in page
    assert f'name="youth_ids" value="{card.id}"' not in page
    marked = {"youth_ids": str(card.id), "vy": "mina"}
    response = kaa.post_form(kaa.url("worklist.mark_sent"), marked)
    assert response.status_code == 303
    assert db_session.exec(select(ContactAttempt)).all() == []

"""Letters recorded in bulk: once per person and day, never a visit card."""


from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.register import ContactAttempt, Youth
from kaa_web.services import outreach


def test_marking_letters_sent_twice_records_one_letter_per_person(db_session, kaa, make_youth):
    people = [make_youth(f"P{n}", "Brev") for n in range(3)]
    ids = [p.id for p in people]
    assert outreach.mark_letters_sent(db_session, actor=kaa, youth_ids=ids, on=local_today()) == 3
    db_session.commit()
    assert outreach.mark_letters_sent(db_session, actor=kaa, youth_ids=ids, on=local_today()) == 0
    db_session.commit()
    letters = db_session.exec(select(ContactAttempt).where(ContactAttempt.kind == "brev")).all()
    assert sorted(c.youth_id for c in letters) == sorted(ids)
    assert {db_session.get(Youth, i).next_step for i in ids} == {"vykort"}


def test_marking_letters_sent_leaves_out_a_visit_card(db_session, kaa, make_youth):
    card = make_youth("Kort", "Besok")
    letter = make_youth("Vanligt", "Brev")
    card.next_step = "besoksvykort"  # a visit card needs a planned visit: one at a time
    db_session.add(card)
    db_session.commit()
    ids = [card.id, letter.id]
    assert outreach.mark_letters_sent(db_session, actor=kaa, youth_ids=ids, on=local_today()) == 1
    db_session.commit()
    sent = db_session.exec(select(ContactAttempt.youth_id)).all()
    assert sent == [letter.id]
    assert db_session.get(Youth, card.id).next_step == "besoksvykort"

"""Outreach services: recording contacts, the stored next step, bulk letters and the worklist."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.register import ContactAttempt, Youth
from kaa_web.services import outreach
from kaa_web.services.errors import Invalid
from tests import factories


@pytest.fixture
def kaa(staff):
    return factories.actor("kaa", staff)


def test_a_home_visit_needs_two_staff(db_session, kaa, staff, make_youth):
    youth = make_youth()
    alone = outreach.ContactData(kind="hembesok", on=local_today(), outcome="ej_nadd")
    with pytest.raises(Invalid) as error:
        outreach.record_contact(db_session, actor=kaa, youth=youth, data=alone)
    assert "två personer" in error.value.field_errors["second_staff_id"]
    myself = outreach.ContactData(
        kind="hembesok", on=local_today(), outcome="ej_nadd", second_staff_id=staff["kaa"].id
    )
    with pytest.raises(Invalid):
        outreach.record_contact(db_session, actor=kaa, youth=youth, data=myself)
    pair = outreach.ContactData(
        kind="hembesok", on=local_today(), outcome="ej_nadd", second_staff_id=staff["kaa2"].id
    )
    contact = outreach.record_contact(db_session, actor=kaa, youth=youth, data=pair)
    db_session.commit()
    assert contact.second_staff_id == staff["kaa2"].id


def test_reaching_someone_needs_the_occupation_scb_asks_for(db_session, kaa, make_youth):
    youth = make_youth()
    with pytest.raises(Invalid, match="sysselsättning"):
        outreach.record_contact(
            db_session,
            actor=kaa,
            youth=youth,
            data=outreach.ContactData(kind="telefon", on=local_today(), outcome="nadd"),
        )
    with pytest.raises(Invalid, match="studier"):
        outreach.record_contact(
            db_session,
            actor=kaa,
            youth=youth,
            data=outreach.ContactData(
                kind="telefon", on=local_today(), outcome="nadd", occupation="studier"
            ),
        )


def test_reaching_someone_stores_occupation_and_moves_the_next_step_to_mapping(
    db_session, kaa, make_youth
):
    youth = make_youth()
    assert youth.next_step == "brev"
    today = local_today()
    outreach.record_contact(
        db_session,
        actor=kaa,
        youth=youth,
        data=outreach.ContactData(
            kind="telefon", on=today, outcome="nadd", occupation="studier", study_kind="komvux"
        ),
    )
    db_session.commit()
    stored = db_session.get(Youth, youth.id)
    assert (stored.occupation, stored.study_kind, stored.reached_on) == ("studier", "komvux", today)
    assert stored.next_step == "kartlaggning"
    assert stored.next_step_due == today + timedelta(days=7)


def test_a_contact_in_the_future_is_refused(db_session, kaa, make_youth):
    youth = make_youth()
    with pytest.raises(Invalid, match="framtiden"):
        outreach.record_contact(
            db_session,
            actor=kaa,
            youth=youth,
            data=outreach.ContactData(kind="brev", on=local_today() + timedelta(days=1)),
        )


def test_letters_to_under_18s_are_recorded_as_sent_to_the_guardians(db_session, kaa, make_youth):
    youth = make_youth(birth_date=local_today() - timedelta(days=16 * 366))
    contact = outreach.record_contact(
        db_session, actor=kaa, youth=youth, data=outreach.ContactData(kind="brev", on=local_today())
    )
    assert contact.to_guardians
    assert outreach.describe(contact) == "Brev till vårdnadshavarna"


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


def test_worklist_groups_what_is_due_and_leaves_out_what_is_later(
    db_session, kaa, make_youth, staff
):
    today = local_today()
    overdue = make_youth(
        "Sen", "Brev", registered_on=today - timedelta(days=45), officer_id=staff["kaa"].id
    )
    make_youth("Ny", "Brev", registered_on=today, officer_id=staff["kaa"].id)  # due in 30 days
    called = make_youth(
        "Ring",
        "Mig",
        officer_id=staff["kaa"].id,
        contacts=[
            ("brev", today - timedelta(days=50), None),
            ("vykort", today - timedelta(days=20), None),
        ],
    )
    groups = {g.key: g for g in outreach.worklist(db_session, actor=kaa, scope="mina", today=today)}
    assert [r.id for r in groups["brev"].rows] == [overdue.id]
    assert groups["brev"].rows[0].overdue
    assert [r.id for r in groups["kontakt"].rows] == [called.id]
    assert groups["kontakt"].rows[0].due == today - timedelta(days=6)


def test_worklist_scope_unassigned_and_everyone(db_session, kaa, make_youth, staff):
    today = local_today()
    nobody = make_youth("Ingen", "Ansvarig", registered_on=today - timedelta(days=40))
    theirs = make_youth(
        "Annans", "Ansvar", registered_on=today - timedelta(days=40), officer_id=staff["kaa2"].id
    )

    def rows(scope):
        groups = outreach.worklist(db_session, actor=kaa, scope=scope, today=today)
        return {r.id for g in groups for r in g.rows}

    assert rows("ofordelade") == {nobody.id}
    assert rows("alla") == {nobody.id, theirs.id}
    assert rows("mina") == set()


def test_nightly_refresh_recomputes_the_stored_steps(db_session, make_youth):
    youth = make_youth()
    youth.next_step, youth.next_step_due = "hembesok", local_today()
    db_session.add(youth)
    db_session.commit()
    assert outreach.refresh_all(db_session, today=local_today()) == 1
    assert db_session.get(Youth, youth.id).next_step == "brev"


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


"""Recording contacts against the real database: two staff at a home visit, SCB's occupation."""

from datetime import timedelta

import pytest

from kaa_web.models.base import local_today
from kaa_web.models.register import Youth
from kaa_web.services import outreach
from kaa_web.services.errors import Invalid


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
    assert outreach.describe(contact) == "Brev skickat till vårdnadshavarna"

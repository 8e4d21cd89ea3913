"""Registering a person and editing one against the real database: age, duplicates, locking."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.register import TimelineEntry, Youth
from kaa_web.rules import personnummer as pnr
from kaa_web.services import register
from kaa_web.services.errors import EditConflict, Invalid
from tests import factories


def actor(staff, username="kaa", roles=("kaa",)):
    return factories.actor(username, staff, roles=roles)


def data(**overrides):
    return register.YouthData(
        **{
            "first_name": "Alva",
            "last_name": "Öberg",
            "registration_reason": "studiebevis",
            "registration_source": "egen_kontakt",
            **overrides,
        }
    )


def test_register_stores_the_canonical_number_birth_date_gender_and_a_timeline_entry(
    db_session, staff
):
    number = pnr.make_valid(local_today() - timedelta(days=6500), 482)
    youth = register.register_youth(
        db_session, actor=actor(staff), personnummer=f"{number[2:8]}-{number[8:]}", data=data()
    )
    db_session.commit()
    assert youth.personnummer == number
    assert youth.birth_date == pnr.parse(number).birth_date
    assert youth.gender == "kvinna"  # serial 482: second-to-last digit 8 is even
    assert youth.next_step == "brev"
    entries = db_session.exec(select(TimelineEntry).where(TimelineEntry.youth_id == youth.id))
    assert [e.kind for e in entries] == ["registrerad"]


def test_the_same_person_written_differently_is_refused_as_a_duplicate(db_session, staff):
    number = pnr.make_valid(local_today() - timedelta(days=6500), 123)
    register.register_youth(db_session, actor=actor(staff), personnummer=number, data=data())
    db_session.commit()
    with pytest.raises(Invalid, match="finns redan"):
        register.register_youth(
            db_session,
            actor=actor(staff),
            personnummer=f"{number[:8]}\u2013{number[8:]}",
            data=data(),
        )


def test_someone_born_in_1999_cannot_enter_the_register(db_session, staff):
    """The reported case: a 27-year-old was accepted and shown 'brev inför 20 år, försenat'."""
    number = pnr.make_valid(local_today().replace(year=1999, month=3, day=1), 482)
    with pytest.raises(Invalid) as refused:
        register.register_youth(db_session, actor=actor(staff), personnummer=number, data=data())
    message = refused.value.field_errors["personnummer"]
    assert message.startswith("Personen fyllde 20 år den 2019-03-01 och omfattas inte")
    db_session.rollback()
    assert db_session.exec(select(Youth)).all() == []


def test_the_age_is_checked_on_the_registration_date(db_session, staff):
    turns_20 = local_today() + timedelta(days=30)
    number = pnr.make_valid(turns_20.replace(year=turns_20.year - 20), 483)
    with pytest.raises(Invalid) as refused:
        register.register_youth(
            db_session,
            actor=actor(staff),
            personnummer=number,
            data=data(registered_on=turns_20),
        )
    assert refused.value.field_errors["registered_on"].startswith(
        f"Personen har fyllt 20 år på registreringsdatumet {turns_20.isoformat()}"
    )
    db_session.rollback()
    youth = register.register_youth(
        db_session,
        actor=actor(staff),
        personnummer=number,
        data=data(registered_on=turns_20 - timedelta(days=1)),
    )
    period = register.current_period(db_session, youth.id)
    assert period.registered_on == turns_20 - timedelta(days=1)


def test_an_edit_cannot_move_the_registration_date_past_the_20th_birthday(
    db_session, staff, make_youth
):
    youth = make_youth(birth_date=local_today() - timedelta(days=19 * 365 + 300))
    with pytest.raises(Invalid) as refused:
        register.update_youth(
            db_session,
            actor=actor(staff),
            youth_id=youth.id,
            version=youth.version,
            data=data(registered_on=local_today() + timedelta(days=400)),
        )
    assert "har fyllt 20 år på registreringsdatumet" in refused.value.field_errors["registered_on"]


def test_an_edit_on_a_stale_version_is_refused_and_writes_nothing(db_session, staff, make_youth):
    youth = make_youth()
    register.update_youth(
        db_session,
        actor=actor(staff),
        youth_id=youth.id,
        version=1,
        data=data(phone="070-111 11 11"),
    )
    db_session.commit()
    with pytest.raises(EditConflict) as clash:
        register.update_youth(
            db_session,
            actor=actor(staff),
            youth_id=youth.id,
            version=1,
            data=data(phone="070-999 99 99"),
        )
    db_session.rollback()
    assert clash.value.current.phone == "070-111 11 11"
    assert db_session.get(Youth, youth.id).phone == "070-111 11 11"


def test_reassigning_many_people_is_one_action_with_timeline_entries(db_session, staff, make_youth):
    people = [make_youth(f"P{n}", "Ungdom") for n in range(3)]
    count = register.assign_officer(
        db_session,
        actor=actor(staff),
        youth_ids=[p.id for p in people],
        officer_id=staff["kaa2"].id,
    )
    db_session.commit()
    assert count == 3
    assert {db_session.get(Youth, p.id).officer_id for p in people} == {staff["kaa2"].id}
    titles = db_session.exec(select(TimelineEntry.title).where(TimelineEntry.kind == "handlaggare"))
    assert set(titles.all()) == {"Ny handläggare: Johan Wikström"}


def test_reassigning_to_someone_who_is_not_an_officer_is_refused(db_session, staff, make_youth):
    youth = make_youth()
    with pytest.raises(Invalid):
        register.assign_officer(
            db_session, actor=actor(staff), youth_ids=[youth.id], officer_id=staff["skola"].id
        )


def test_reassigning_logs_and_notes_only_the_people_whose_officer_changed(
    db_session, staff, make_youth
):
    moved = make_youth("Flyttad", "Ungdom")
    stays = make_youth("Kvar", "Ungdom", officer_id=staff["kaa2"].id)
    count = register.assign_officer(
        db_session, actor=actor(staff), youth_ids=[moved.id, stays.id], officer_id=staff["kaa2"].id
    )
    db_session.commit()
    assert count == 2
    noted = db_session.exec(
        select(TimelineEntry.youth_id).where(TimelineEntry.kind == "handlaggare")
    ).all()
    assert noted == [moved.id]
    updates = db_session.exec(
        select(AuditEvent.object_id, AuditEvent.youth_id).where(
            AuditEvent.action == "update", AuditEvent.object_type == "youth"
        )
    ).all()
    assert [tuple(u) for u in updates] == [(str(moved.id), moved.id)]

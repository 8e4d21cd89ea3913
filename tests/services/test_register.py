"""Register services against the real database: registering, locking, access, search, nightly."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.register import ContactAttempt, District, TimelineEntry, Youth
from kaa_web.permissions import SYSTEM_ACTOR
from kaa_web.rules import personnummer as pnr
from kaa_web.services import register
from kaa_web.services.errors import EditConflict, Invalid, NotFound
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


def test_social_services_see_a_person_only_after_an_orosanmalan(db_session, staff, make_youth):
    youth = make_youth()
    ifo = factories.actor("ifo", staff)
    with pytest.raises(NotFound):
        register.get_youth(db_session, actor=ifo, youth_id=youth.id)
    denied = db_session.exec(select(AuditEvent).where(AuditEvent.action == "denied")).all()
    assert [(d.username, d.object_id) for d in denied] == [("ifo", str(youth.id))]
    db_session.add(ContactAttempt(youth_id=youth.id, kind="orosanmalan", on=local_today()))
    db_session.commit()
    assert register.get_youth(db_session, actor=ifo, youth_id=youth.id).id == youth.id


def test_school_staff_see_nobody(db_session, staff, make_youth):
    youth = make_youth()
    school = factories.actor("skola")
    with pytest.raises(NotFound):
        register.get_youth(db_session, actor=school, youth_id=youth.id)


def _search(db_session, staff, text, **filters):
    return register.list_youth(
        db_session, actor=actor(staff), filters=register.ListFilter(search=text, **filters)
    )


def test_search_by_name_prefix_number_and_birth_date(db_session, staff, make_youth):
    alva = make_youth("Alva", "Öberg")
    make_youth("Bo", "Alvarsson")
    make_youth("Cecilia", "Berg")
    assert {r.name for r in _search(db_session, staff, "alv").rows} == {
        "Alva Öberg",
        "Bo Alvarsson",
    }
    assert [r.name for r in _search(db_session, staff, "ÖBERG alva").rows] == ["Alva Öberg"]
    assert [r.name for r in _search(db_session, staff, alva.personnummer).rows] == ["Alva Öberg"]
    short = pnr.display(alva.personnummer)[2:]
    assert [r.name for r in _search(db_session, staff, short).rows] == ["Alva Öberg"]
    by_date = _search(db_session, staff, alva.personnummer[2:8]).rows
    assert "Alva Öberg" in {r.name for r in by_date}
    assert all(r.masked_pnr.endswith("-XXXX") for r in by_date)


def test_two_words_are_a_first_and_a_last_name_in_either_order(db_session, staff, make_youth):
    make_youth("Erik", "Eriksson")
    make_youth("Anna", "Eriksson")
    make_youth("Theo", "Lindberg")
    make_youth("Theodor", "Lind")

    def names(text):
        return {r.name for r in _search(db_session, staff, text).rows}

    # every Eriksson would bury the one sought among hundreds in a large register
    assert names("Erik Eriksson") == names("eriksson ERIK") == {"Erik Eriksson"}
    assert names("Theo Lind") == {"Theo Lindberg", "Theodor Lind"}
    assert names("Lind Theo") == {"Theo Lindberg", "Theodor Lind"}
    assert names("Theo Eriksson") == set()
    assert names("Theo Lind Lindberg") == {"Theo Lindberg"}  # a third word narrows further
    assert names("eriks") == {"Erik Eriksson", "Anna Eriksson"}


def test_a_search_is_audit_logged_but_its_text_is_not(db_session, staff, make_youth):
    alva = make_youth("Alva", "Öberg")
    _search(db_session, staff, "Öberg")
    db_session.commit()
    searches = db_session.exec(select(AuditEvent).where(AuditEvent.action == "search")).all()
    assert {s.youth_id for s in searches} == {None, alva.id}  # the search, and who it found
    logged = " ".join(str(v) for s in searches for v in s.model_dump().values())
    assert "berg" not in logged.lower()


def test_an_invalid_number_search_gives_a_swedish_message(db_session, staff):
    page = _search(db_session, staff, "200601152383")
    assert page.rows == [] and "kontrollsiffra" in page.search_error


def test_like_wildcards_in_a_search_match_literally(db_session, staff, make_youth):
    make_youth("Alva", "Öberg")
    assert _search(db_session, staff, "a %").rows == []
    assert _search(db_session, staff, "_").rows == []


def test_filters_by_officer_district_and_due(db_session, staff, make_youth):
    today = local_today()
    centrum = db_session.exec(select(District).where(District.code == "centrum")).one().id
    mine = make_youth(
        "Mina",
        "Ungdom",
        officer_id=staff["kaa"].id,
        district_id=centrum,
        registered_on=today - timedelta(days=40),
    )
    make_youth("Annans", "Ungdom", officer_id=staff["kaa2"].id, registered_on=today)
    rows = _search(db_session, staff, "", officer="mig").rows
    assert [r.id for r in rows] == [mine.id]
    assert [r.id for r in _search(db_session, staff, "", district_id=centrum).rows] == [mine.id]
    overdue = _search(db_session, staff, "", due="forfallna").rows
    assert [r.id for r in overdue] == [mine.id]  # letter due 30 days after registration


def test_nightly_deregisters_those_who_turned_twenty(db_session, staff, make_youth):
    today = local_today()
    old = make_youth("Tjugo", "Idag", birth_date=pnr.birthday_cutoff(today, 20))
    young = make_youth(
        "Nitton", "Imorgon", birth_date=pnr.birthday_cutoff(today, 20) + timedelta(days=1)
    )
    assert register.deregister_turned_20(db_session, actor=SYSTEM_ACTOR, today=today) == 1
    db_session.commit()
    assert db_session.get(Youth, old.id).status == "avregistrerad"
    closed = register.current_period(db_session, old.id)
    assert (closed.deregistration_reason, closed.deregistered_on) == (
        "fyllt_20",
        pnr.birthday(old.birth_date, 20),
    )
    assert db_session.get(Youth, young.id).status == "aktiv"


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

"""Registration periods: leaving KAA, coming back, and the nightly deregistration at 20."""

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kaa_web.models.base import local_today
from kaa_web.models.register import RegistrationPeriod, TimelineEntry, Youth
from kaa_web.permissions import SYSTEM_ACTOR
from kaa_web.rules import personnummer as pnr
from kaa_web.services import register
from kaa_web.services.errors import Invalid
from tests import factories


def actor(staff, username="kaa", roles=("kaa",)):
    return factories.actor(username, staff, roles=roles)


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


# the period _left closes: registered, reason, source, deregistered, reason, result
LEFT = (
    local_today() - timedelta(days=200),
    "aldrig_borjat",
    "import",
    local_today() - timedelta(days=100),
    "nationellt_program",
    "studier",
)


def _left(db_session, staff, make_youth, *, on=None, **fields):
    """A person registered 200 days ago with a letter sent, who left KAA (a national programme)."""
    today = local_today()
    person = make_youth(
        registered_on=today - timedelta(days=200),
        registration_reason="aldrig_borjat",
        contacts=[("brev", today - timedelta(days=190), "")],
        **fields,
    )
    register.deregister_youth(
        db_session,
        actor=actor(staff),
        youth_id=person.id,
        reason="nationellt_program",
        on=on or today - timedelta(days=100),
        result="studier",
    )
    db_session.commit()
    return person


def _period_rows(db_session, youth_id):
    return [
        (
            p.registered_on,
            p.registration_reason,
            p.registration_source,
            p.deregistered_on,
            p.deregistration_reason,
            p.deregistration_result,
            p.latest,
        )
        for p in reversed(register.periods_of(db_session, youth_id))
    ]


def test_deregistering_closes_the_open_period_with_its_reason_and_result(
    db_session, staff, make_youth
):
    person = _left(db_session, staff, make_youth)
    assert _period_rows(db_session, person.id) == [(*LEFT, True)]
    youth = db_session.get(Youth, person.id)
    assert (youth.status, youth.next_step) == ("avregistrerad", None)


def test_a_person_who_comes_back_by_hand_gets_a_new_period_and_the_old_one_stays(
    db_session, staff, make_youth
):
    today = local_today()
    person = _left(db_session, staff, make_youth)
    register.register_again(
        db_session,
        actor=actor(staff),
        youth_id=person.id,
        reason="avbrott_nationellt",
        source="egen_kontakt",
        on=today - timedelta(days=5),
    )
    db_session.commit()
    assert _period_rows(db_session, person.id) == [
        (*LEFT, False),  # unchanged but no longer the latest
        (today - timedelta(days=5), "avbrott_nationellt", "egen_kontakt", None, None, None, True),
    ]
    youth = db_session.get(Youth, person.id)
    # the ladder starts again: the letter of the first period does not count for this one
    assert (youth.status, youth.next_step) == ("aktiv", "brev")
    assert youth.next_step_due == today - timedelta(days=5) + timedelta(days=30)
    titles = db_session.exec(
        select(TimelineEntry.title).where(
            TimelineEntry.youth_id == person.id, TimelineEntry.kind == "registrerad"
        )
    ).all()
    assert "Registrerad i KAA igen, återkommer (Avbrott på nationellt program; " in titles[-1]


def test_registering_again_twice_opens_one_period(db_session, staff, make_youth):
    person = _left(db_session, staff, make_youth)
    again = dict(actor=actor(staff), youth_id=person.id, reason="annan", source="annan")
    register.register_again(db_session, **again)
    db_session.commit()
    with pytest.raises(Invalid, match="redan registrerad"):
        register.register_again(db_session, **again)
    db_session.rollback()
    assert len(register.periods_of(db_session, person.id)) == 2


def test_a_stale_tab_cannot_register_the_person_again_after_another_did(
    app, db_session, staff, make_youth
):
    """Two tabs both showed the person as deregistered: the second one's request finds the
    person active in the database (not in what it had read) and is refused."""
    person = _left(db_session, staff, make_youth)
    with Session(app.extensions["kaa_engine"]) as other:
        stale = other.get(Youth, person.id)
        assert stale.status == "avregistrerad"
        register.register_again(
            db_session, actor=actor(staff), youth_id=person.id, reason="annan", source="annan"
        )
        db_session.commit()
        with pytest.raises(Invalid, match="redan registrerad"):
            register.register_again(
                other, actor=actor(staff), youth_id=person.id, reason="annan", source="annan"
            )
        other.rollback()
    assert len(register.periods_of(db_session, person.id)) == 2


def test_an_active_person_cannot_be_registered_again(db_session, staff, make_youth):
    person = make_youth()
    with pytest.raises(Invalid, match="redan registrerad"):
        register.register_again(
            db_session, actor=actor(staff), youth_id=person.id, reason="annan", source="annan"
        )


def test_coming_back_cannot_start_before_the_last_period_ended(db_session, staff, make_youth):
    person = _left(db_session, staff, make_youth)
    with pytest.raises(Invalid, match="före den förra avregistreringen") as refused:
        register.register_again(
            db_session,
            actor=actor(staff),
            youth_id=person.id,
            reason="annan",
            source="annan",
            on=local_today() - timedelta(days=150),
        )
    assert "registered_on" in refused.value.field_errors


def test_a_deregistered_number_registered_as_new_is_sent_to_register_again(
    db_session, staff, make_youth
):
    person = _left(db_session, staff, make_youth)
    with pytest.raises(Invalid, match="Registrera igen"):
        register.register_youth(
            db_session,
            actor=actor(staff),
            personnummer=person.personnummer,
            data=register.YouthData("Ny", "Person", registration_reason="annan"),
        )


def test_the_database_refuses_a_second_open_period(db_session, make_youth):
    person = make_youth()
    db_session.add(
        RegistrationPeriod(
            youth_id=person.id,
            registered_on=local_today(),
            registration_reason="annan",
            registration_source="annan",
            latest=False,
        )
    )
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()


def test_a_deregistration_before_the_period_began_is_refused(db_session, staff, make_youth):
    person = make_youth(registered_on=local_today() - timedelta(days=10))
    with pytest.raises(Invalid, match="före registreringsdatumet"):
        register.deregister_youth(
            db_session,
            actor=actor(staff),
            youth_id=person.id,
            reason="examen",
            on=local_today() - timedelta(days=11),
        )

"""Skyddade personuppgifter in the register service: who may change the protection, and that a
save by someone who may not see the address keeps it (the young person's and the guardians')."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.base import local_today
from kaa_web.models.register import Guardian, Youth
from kaa_web.rules import personnummer as pnr
from kaa_web.services import register
from tests import factories


def data_of(db, youth: Youth, **overrides) -> register.YouthData:
    """The person and their current period as the edit form would send them back."""
    period = register.current_period(db, youth.id)
    values = {
        name: getattr(period if name in register.PERIOD_FIELDS else youth, name)
        for name in register.EDITABLE
    }
    return register.YouthData(**{**values, **overrides})


@pytest.fixture
def protected(make_youth, db_session):
    youth = make_youth(protected_identity=True, street_address="Hemliga vägen 1", city="Gömstad")
    db_session.add(Guardian(youth_id=youth.id, name="Vera", street_address="Skyddsgatan 2"))
    db_session.add(Guardian(youth_id=youth.id, name="Olle", street_address="Dolda stigen 3"))
    db_session.commit()
    return youth


def test_only_the_protect_permission_may_clear_or_set_the_protection(
    db_session, staff, protected, make_youth
):
    officer = factories.actor("arbetsmarknad", staff)
    with pytest.raises(PermissionError):
        register.update_youth(
            db_session,
            actor=officer,
            youth_id=protected.id,
            version=protected.version,
            data=data_of(db_session, protected, protected_identity=False),
        )
    number = pnr.make_valid(local_today() - timedelta(days=6400), 557)
    with pytest.raises(PermissionError):
        register.register_youth(
            db_session,
            actor=officer,
            personnummer=number,
            data=register.YouthData(
                first_name="Ny",
                last_name="Person",
                protected_identity=True,
                registration_reason="annan",
            ),
        )


def test_a_save_by_someone_who_may_not_see_the_address_keeps_every_address(
    db_session, staff, protected
):
    officer = factories.actor("arbetsmarknad", staff)
    register.update_youth(
        db_session,
        actor=officer,
        youth_id=protected.id,
        version=protected.version,
        data=data_of(
            db_session,
            protected,
            protected_identity=None,
            street_address="",
            city="",
            # the first guardian removed, the second kept: they keep their own address
            guardians=[register.GuardianData(name="Olle", phone="070-1")],
        ),
    )
    db_session.commit()
    db_session.expire_all()
    stored = db_session.get(Youth, protected.id)
    assert (stored.protected_identity, stored.street_address, stored.city) == (
        True,
        "Hemliga vägen 1",
        "Gömstad",
    )
    guardians = db_session.exec(select(Guardian).where(Guardian.youth_id == protected.id)).all()
    assert [(g.name, g.street_address, g.phone) for g in guardians] == [
        ("Olle", "Dolda stigen 3", "070-1")
    ]

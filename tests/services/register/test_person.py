"""Who sees a person in the register (a refused read is a 404, logged)."""

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.models.register import ContactAttempt
from kaa_web.services import access
from kaa_web.services.errors import NotFound
from tests import factories


def actor(staff, username="kaa", roles=("kaa",)):
    return factories.actor(username, staff, roles=roles)


def test_social_services_see_a_person_only_after_an_orosanmalan(db_session, staff, make_youth):
    youth = make_youth()
    ifo = factories.actor("ifo", staff)
    with pytest.raises(NotFound):
        access.get_youth(db_session, actor=ifo, youth_id=youth.id)
    denied = db_session.exec(select(AuditEvent).where(AuditEvent.action == "denied")).all()
    assert [(d.username, d.object_id) for d in denied] == [("ifo", str(youth.id))]
    db_session.add(ContactAttempt(youth_id=youth.id, kind="orosanmalan", on=local_today()))
    db_session.commit()
    assert access.get_youth(db_session, actor=ifo, youth_id=youth.id).id == youth.id


def test_school_staff_see_nobody(db_session, staff, make_youth):
    youth = make_youth()
    school = factories.actor("skola")
    with pytest.raises(NotFound):
        access.get_youth(db_session, actor=school, youth_id=youth.id)

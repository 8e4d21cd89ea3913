"""The one loader of a young person (access.get_youth): each level, and every refusal logged."""

from datetime import timedelta

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.models.base import local_today
from kaa_web.services import access
from kaa_web.services.errors import NotFound
from tests import factories


def _denied(db) -> list[tuple[str, str]]:
    rows = db.exec(select(AuditEvent).where(AuditEvent.action == "denied"))
    return [(e.username, e.object_id) for e in rows]


def test_kaa_sees_the_person_and_their_case_file(db_session, staff):
    youth = factories.youth(db_session)
    for may in access.MAY:
        found = access.get_youth(
            db_session, actor=factories.actor("kaa", staff), youth_id=youth.id, may=may
        )
        assert found.id == youth.id
    assert _denied(db_session) == []


def test_social_services_see_a_consenting_person_but_never_kaas_case_file(db_session, staff):
    kaa, ifo = factories.actor("kaa", staff), factories.actor("ifo", staff)
    youth = factories.youth(db_session, birth_date=local_today() - timedelta(days=19 * 365))
    with pytest.raises(NotFound):
        access.get_youth(db_session, actor=ifo, youth_id=youth.id)
    factories.consent(db_session, kaa, youth, parties=["socialtjansten"])
    assert access.get_youth(db_session, actor=ifo, youth_id=youth.id).id == youth.id
    with pytest.raises(NotFound):
        access.get_youth(db_session, actor=ifo, youth_id=youth.id, may="case_file")
    assert _denied(db_session) == [("ifo", str(youth.id))] * 2


def test_a_person_who_does_not_exist_is_refused_like_one_not_shown(db_session, staff):
    with pytest.raises(NotFound):
        access.get_youth(db_session, actor=factories.actor("kaa", staff), youth_id=999_999)
    assert _denied(db_session) == [("kaa", "999999")]


def test_an_unknown_level_is_a_programming_error(db_session, staff):
    youth = factories.youth(db_session)
    with pytest.raises(ValueError):
        access.get_youth(
            db_session, actor=factories.actor("kaa", staff), youth_id=youth.id, may="edit"
        )

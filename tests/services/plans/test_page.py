"""The plans pages' reads: each checks the case file, logs the read and says who may change it."""

import pytest
from sqlmodel import select

from kaa_web.models.audit import AuditEvent
from kaa_web.services import access
from kaa_web.services.errors import NotFound
from kaa_web.services.plans import page
from tests import factories


def _reads(db, youth) -> list[str]:
    rows = db.exec(
        select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.youth_id == youth.id)
    )
    return [e.username for e in rows]


def test_each_plans_page_read_is_logged_for_the_person(db_session, kaa, make_youth, agree_plan):
    youth = make_youth()
    agree_plan(youth)
    plan_page = page.plan_page(db_session, actor=kaa, youth_id=youth.id)
    mapping_page = page.mapping_page(db_session, actor=kaa, youth_id=youth.id)
    db_session.commit()
    assert plan_page.plan.goal and plan_page.can_write and mapping_page.can_write
    assert _reads(db_session, youth) == ["kaa", "kaa"]


def test_a_manager_reads_the_plan_without_the_forms(db_session, staff, make_youth):
    youth = make_youth()
    read = page.plan_page(db_session, actor=factories.actor("chef", staff), youth_id=youth.id)
    assert not read.can_write and not read.can_documents


def test_social_services_never_get_the_plan_pages_and_the_refusal_is_logged(
    db_session, kaa, staff, make_youth
):
    youth = make_youth()
    factories.consent(db_session, kaa, youth, parties=["socialtjansten"])
    ifo = factories.actor("ifo", staff)
    assert access.get_youth(db_session, actor=ifo, youth_id=youth.id).id == youth.id
    for read in (page.plan_page, page.mapping_page):
        with pytest.raises(NotFound):
            read(db_session, actor=ifo, youth_id=youth.id)
    denied = db_session.exec(select(AuditEvent.username).where(AuditEvent.action == "denied"))
    assert denied.all() == ["ifo", "ifo"]
    assert _reads(db_session, youth) == []  # what the consent shares is read elsewhere

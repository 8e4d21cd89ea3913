"""The consents page's read: a person's consents, orosanmälningar and SIP suggestion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from kaa_web.models.plans import ConcernReport
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.services.access import get_youth, record_read
from kaa_web.services.consents.concerns import concern_reports
from kaa_web.services.consents.consent import ConsentRow, consents_of
from kaa_web.services.consents.summary import sip_for


@dataclass(frozen=True)
class ConsentsPage:
    youth: Youth
    consents: list[ConsentRow]
    reports: list[tuple[ConcernReport, str]]  # with the officer's name
    sip_agencies: list[str] | None
    can_write: bool  # the actor may record, and the person is still with KAA
    can_documents: bool


def consents_page(db: Session, *, actor: Actor, youth_id: int, today: date) -> ConsentsPage:
    """The consents page of a person whose case file the actor sees, its read logged."""
    youth = get_youth(db, actor=actor, youth_id=youth_id, may="case_file")
    record_read(db, actor, youth)
    rows = consents_of(db, youth.id, today)
    return ConsentsPage(
        youth=youth,
        consents=rows,
        reports=concern_reports(db, youth.id),
        sip_agencies=sip_for(db, youth.id, rows),
        can_write=actor.can("plans.write") and youth.status == "aktiv",
        can_documents=actor.can("documents.generate"),
    )

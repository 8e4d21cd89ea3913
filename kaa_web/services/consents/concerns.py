"""Orosanmälningar: that one was made (date, recipient, officer, never what it said), and the
draft document."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.plans import ConcernReport
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.services import documents, letter_context, outreach, timeline
from kaa_web.services.errors import Invalid
from kaa_web.services.staff import staff_names


def record_orosanmalan(
    db: Session, *, actor: Actor, youth: Youth, on: date, recipient: str
) -> ConcernReport:
    """That an orosanmälan was made: date, recipient and officer, never what it said."""
    if not recipient.strip():
        raise Invalid("Ange mottagaren.", field_errors={"recipient": "Ange mottagaren."})
    contact = outreach.record_contact(
        db, actor=actor, youth=youth, data=outreach.ContactData(kind="orosanmalan", on=on)
    )
    report = ConcernReport(
        youth_id=youth.id,
        on=on,
        recipient=recipient.strip()[:200],
        staff_id=actor.staff_id,
        contact_attempt_id=contact.id,
    )
    db.add(report)
    db.flush()
    timeline.add_entry(
        db,
        actor=actor,
        youth_id=youth.id,
        kind="orosanmalan",
        title=f"Orosanmälan gjord till {report.recipient}",
        ref_type="concern_report",
        ref_id=report.id,
    )
    audit.record(
        db, actor, "create", object_type="concern_report", object_id=report.id, youth_id=youth.id
    )
    return report


def concern_reports(db: Session, youth_id: int) -> list[tuple[ConcernReport, str]]:
    names = staff_names(db)
    rows = db.exec(
        select(ConcernReport)
        .where(ConcernReport.youth_id == youth_id)
        .order_by(ConcernReport.on.desc())
    ).all()
    return [(r, names.get(r.staff_id, "")) for r in rows]


def generate_concern_draft(db: Session, *, actor: Actor, youth: Youth, recipient: str):
    """The orosanmälan draft (the documents issue's type); the concern is written outside."""
    address = youth.street_address if not youth.protected_identity else ""
    context = {
        "mottagare": letter_context.recipient(recipient),
        "handlaggare": letter_context.sender(db, actor),
        "ungdom": letter_context.young_person(youth)
        | {
            "utdelningsadress": address,
            "postnummer": youth.postal_code if address else "",
            "postort": youth.city if address else "",
        },
    }
    return documents.generate_document(
        db, actor=actor, doc_type="orosanmalan", context=context, youth_id=youth.id
    )

"""The individual plan as a Word document (the `individuell_plan` type)."""

from __future__ import annotations

from sqlmodel import Session

from kaa_web.models.plans import MEASURE_END_REASONS, RESPONSIBLE
from kaa_web.models.register import Youth
from kaa_web.permissions import Actor
from kaa_web.services import documents, letter_context
from kaa_web.services.catalogue import list_measures
from kaa_web.services.errors import Invalid
from kaa_web.services.plans.plan import get_plan, plan_measures


def plan_document_context(db: Session, *, actor: Actor, youth: Youth) -> dict:
    """The plan as the template's plain data: recipient, officer, young person, plan, measures."""
    plan = get_plan(db, youth.id)
    if plan is None:
        raise Invalid("Det finns ingen plan ännu.")
    names = {m.id: m.name for m in list_measures(db, include_inactive=True)}
    rows = []
    for m in plan_measures(db, plan):
        rows.append(
            {
                "namn": m.title,
                "insats_i_katalogen": names.get(m.measure_id, ""),
                "ansvarig": RESPONSIBLE[m.responsible]
                + (f" ({m.responsible_actor})" if m.responsible_actor else ""),
                "start": m.start_on,
                "slut": m.end_on,
                "avslutad": m.ended_on,
                "orsak": MEASURE_END_REASONS.get(m.end_reason or "", ""),
            }
        )
    hidden = youth.protected_identity  # a protected address is never printed on documents
    return {
        "mottagare": letter_context.recipient(youth.full_name)
        if hidden
        else letter_context.recipient(
            youth.full_name, youth.street_address, youth.postal_code, youth.city
        ),
        "handlaggare": letter_context.sender(db, actor),
        "ungdom": letter_context.young_person(youth),
        "plan": {
            "mal": plan.goal,
            "overenskommen": plan.agreed_on,
            "revision": plan.revision,
            "uppfoljning": plan.follow_up_on,
            "utvardering": plan.evaluation_on,
            "insatser": rows,
        },
    }


def generate_plan_document(db: Session, *, actor: Actor, youth: Youth):
    """The current plan as a Word document, stored and linked to the young person."""
    context = plan_document_context(db, actor=actor, youth=youth)
    return documents.generate_document(
        db, actor=actor, doc_type="individuell_plan", context=context, youth_id=youth.id
    )

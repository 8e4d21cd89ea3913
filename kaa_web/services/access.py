"""Who may see which young person, and how much of them: the one place every feature asks, and
the one loader of a young person that every feature uses."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from kaa_web import audit
from kaa_web.models.base import local_today
from kaa_web.models.plans import Consent
from kaa_web.models.register import ContactAttempt, Youth
from kaa_web.permissions import Actor


def active_social_consent(today: date):
    """A SQL condition on Consent: covers social services and is in force on `today`."""
    return sa.and_(
        Consent.social_services,
        Consent.given_on <= today,
        Consent.withdrawn_on.is_(None),
        sa.or_(Consent.expires_on.is_(None), Consent.expires_on >= today),
    )


def youth_visibility(actor: Actor, today: date | None = None):
    """A SQL condition on Youth: the rows this actor may see at all."""
    return visibility_condition(visibility_of(actor), today or local_today())


def visibility_of(actor: Actor) -> str:
    """Which young people the actor may see: "all", "shared" (social services: those an
    orosanmälan or a consent in force shares with them) or "none"."""
    if actor.has_role("kaa", "arbetsmarknad", "chef"):
        return "all"
    return "shared" if actor.has_role("ifo") else "none"


def visibility_condition(kind: str, today):
    """The condition on Youth for a kind of visibility; `today` may be a bind parameter, for a
    statement built once and run with each request's date."""
    if kind == "all":
        return sa.true()
    if kind == "shared":
        # Checked on every request, so a withdrawn consent ends access at once.
        reported = select(ContactAttempt.youth_id).where(ContactAttempt.kind == "orosanmalan")
        consented = select(Consent.youth_id).where(active_social_consent(today))
        return sa.or_(Youth.id.in_(reported), Youth.id.in_(consented))
    return sa.false()


def can_see_address(actor: Actor, youth: Youth) -> bool:
    """A protected identity's address is shown to KAA case officers only."""
    return not youth.protected_identity or actor.has_role("kaa")


def sees_case_file(actor: Actor) -> bool:
    """KAA's case file on a person — contacts and letters, next steps, mapping, plan, every
    consent — is for KAA, the labour-market officers and managers. Social services see only
    what is shared with them: the consents that cover them, with the contact details needed
    for their purpose, and the orosanmälningar made (consents.shared_with_social_services)."""
    return actor.has_role("kaa", "arbetsmarknad", "chef")


# What a caller is about to do with a young person (get_youth's `may`).
MAY = ("see", "case_file")


def get_youth(db: Session, *, actor: Actor, youth_id: int, may: str = "see") -> Youth:
    """The young person, if the actor may do what `may` names, else NotFound (the refusal is
    logged): "see", they are in the register for this actor; "case_file", KAA's case file on
    them too (contacts, next steps, mapping, plan, consents). What the actor may change is the
    view's permission. The page showing the person logs the read (`record_read`), so a refused
    form shown again is logged as what it is. An anonymised person is never opened."""
    if may not in MAY:
        raise ValueError(f"unknown access level {may!r}")
    youth = db.exec(select(Youth).where(Youth.id == youth_id, youth_visibility(actor))).first()
    if youth is None or youth.status == "gallrad" or (may != "see" and not sees_case_file(actor)):
        raise audit.record_denied(db, actor, object_type="youth", object_id=youth_id)
    return youth


def record_read(db: Session, actor: Actor, youth: Youth) -> None:
    """Log that a page showing this person's data was put together for the actor."""
    audit.record(db, actor, "view", object_type="youth", object_id=youth.id, youth_id=youth.id)

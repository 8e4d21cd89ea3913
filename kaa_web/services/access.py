"""Who may see which young person: the one place every feature asks."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from kaa_web.models.register import ContactAttempt, Youth
from kaa_web.permissions import Actor


def youth_visibility(actor: Actor):
    """A SQL condition on Youth: the rows this actor may see at all."""
    if actor.has_role("kaa", "arbetsmarknad", "chef"):
        return sa.true()
    if actor.has_role("ifo"):
        # Social services see a person only through an orosanmälan (consent comes with plans).
        reported = select(ContactAttempt.youth_id).where(ContactAttempt.kind == "orosanmalan")
        return Youth.id.in_(reported)
    return sa.false()


def can_see_address(actor: Actor, youth: Youth) -> bool:
    """A protected identity's address is shown to KAA case officers only."""
    return not youth.protected_identity or actor.has_role("kaa")

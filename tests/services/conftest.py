"""Fixtures shared by the meeting service tests: the actors and a samverkansgrupp."""

import pytest

from kaa_web.permissions import Actor
from kaa_web.services import meetings


def actor_for(staff, username, roles):
    return Actor(staff_id=staff[username].id, username=username, roles=frozenset(roles))


@pytest.fixture
def people(staff):
    return {
        "chef": actor_for(staff, "chef", {"chef"}),
        "kaa": actor_for(staff, "kaa", {"kaa"}),
        "kaa2": actor_for(staff, "kaa2", {"kaa"}),
        "ifo": actor_for(staff, "ifo", {"ifo"}),
        "admin": actor_for(staff, "admin", {"admin"}),
        "arbetsmarknad": actor_for(staff, "arbetsmarknad", {"arbetsmarknad"}),
    }


@pytest.fixture
def group(db_session, staff, people):
    """A samverkansgrupp convened by KAA with IFO and Arbetsförmedlingen as members."""
    group = meetings.create_group(
        db_session,
        actor=people["chef"],
        name="Samverkansgruppen KAA",
        kind="samverkansgrupp",
        frequency="terminsstart",
        convener_id=staff["kaa"].id,
        standing_items=[
            ("Genomgång av aktuella ungdomar", "ingen_sysselsattning"),
            ("Statistik", ""),
        ],
    )
    meetings.add_member(
        db_session,
        actor=people["chef"],
        group_id=group.id,
        data=meetings.MemberData(staff_id=staff["ifo"].id),
    )
    meetings.add_member(
        db_session,
        actor=people["chef"],
        group_id=group.id,
        data=meetings.MemberData(name="Petra Af", organisation="arbetsformedlingen"),
    )
    db_session.commit()
    return group

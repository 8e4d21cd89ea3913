"""Fixtures shared by the meeting page tests: chef and a group with one planned meeting."""

from datetime import time, timedelta

import pytest

from kaa_web.models.base import local_today
from kaa_web.permissions import Actor
from kaa_web.services import meetings

TODAY = local_today()


@pytest.fixture
def chef(staff):
    return Actor(staff_id=staff["chef"].id, username="chef", roles=frozenset({"chef"}))


@pytest.fixture
def samverkansgrupp(db_session, staff, chef):
    """Convened by kaa; ifo, Petra from Arbetsförmedlingen and kaa2 are members."""
    group = meetings.create_group(
        db_session,
        actor=chef,
        name="Samverkansgruppen KAA",
        kind="samverkansgrupp",
        frequency="terminsstart",
        convener_id=staff["kaa"].id,
        standing_items=[("Genomgång av aktuella ungdomar", "ingen_sysselsattning")],
    )
    for data in (
        meetings.MemberData(staff_id=staff["ifo"].id),
        meetings.MemberData(name="Petra Af", organisation="arbetsformedlingen"),
        meetings.MemberData(staff_id=staff["kaa2"].id),
    ):
        meetings.add_member(db_session, actor=chef, group_id=group.id, data=data)
    db_session.commit()
    return group


@pytest.fixture
def setup(db_session, staff, samverkansgrupp):
    """The group with one planned meeting: (group, meeting, the convener kaa)."""
    kaa = Actor(staff_id=staff["kaa"].id, username="kaa", roles=frozenset({"kaa"}))
    standing = meetings.standing_items_of(db_session, samverkansgrupp.id)
    meeting = meetings.plan_meeting(
        db_session,
        actor=kaa,
        group_id=samverkansgrupp.id,
        on=TODAY + timedelta(days=3),
        starts_at=time(13, 0),
        place="Rum Ekbacken",
        standing_item_ids=[s.id for s in standing],
    )
    db_session.commit()
    return samverkansgrupp, meeting, kaa

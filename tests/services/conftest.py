"""Fixtures shared by the meeting service tests: the actors and a samverkansgrupp."""

import pytest

from tests import factories


@pytest.fixture
def people(staff):
    """Each role of the test directory as an Actor, by username."""
    names = ("chef", "kaa", "kaa2", "ifo", "admin", "arbetsmarknad")
    return {name: factories.actor(name, staff) for name in names}


@pytest.fixture
def group(db_session, staff):
    """A samverkansgrupp convened by KAA with IFO and Arbetsförmedlingen as members."""
    group = factories.group(
        db_session,
        staff,
        standing_items=[*factories.SAMVERKAN_ITEMS, ("Statistik", "")],
    )
    return group

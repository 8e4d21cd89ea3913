"""Fixtures of the outreach service tests."""

import pytest

from tests import factories


@pytest.fixture
def kaa(staff):
    return factories.actor("kaa", staff)

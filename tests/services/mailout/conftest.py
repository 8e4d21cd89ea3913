"""The mail-out tests' people and actors."""

from __future__ import annotations

import pytest

from tests import factories
from tests.services.mailout.steps import HOME, years_ago


@pytest.fixture
def kaa(staff):
    return factories.actor("kaa", staff)


@pytest.fixture
def officer(staff):
    return factories.actor("arbetsmarknad", staff)


@pytest.fixture
def person(make_youth):
    """person(first, years, **fields): a young person whose letter is due, at HOME by default."""

    def _make(first: str, years: int = 19, last: str = "Svensson", **fields):
        fields = {"birth_date": years_ago(years), **HOME, **fields}
        return make_youth(first, last, **fields)

    return _make

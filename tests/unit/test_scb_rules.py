"""The SCB file's half-years and deadlines."""

from datetime import date

import pytest

from kaa_web.rules import scb as rules


def test_half_years_follow_each_other_over_the_new_year():
    assert rules.previous(rules.key_of(2026, 1)) == rules.key_of(2025, 2)
    assert rules.following(rules.key_of(2025, 2)) == rules.key_of(2026, 1)
    assert rules.of_day(date(2026, 7, 1)) == 20262 and rules.of_day(date(2026, 6, 30)) == 20261
    assert rules.label(20252) == "Andra halvåret 2025" and rules.short(20252) == "2025-h2"


def test_the_first_half_is_due_in_august_and_the_second_in_january_the_year_after():
    assert rules.deadline(20251, "08-31", "01-31") == date(2025, 8, 31)
    assert rules.deadline(20252, "08-31", "01-31") == date(2026, 1, 31)


def test_the_reminder_comes_lead_days_before_the_deadline_and_never_before_the_half_year_ends():
    args = ("08-31", "01-31", 30)
    assert not rules.reminder_due(20251, date(2025, 7, 31), *args)
    assert rules.reminder_due(20251, date(2025, 8, 1), *args)
    assert not rules.reminder_due(20252, date(2025, 12, 31), "08-31", "01-31", 90)


@pytest.mark.parametrize("text", ["2026-H1", "2026h1", " 2026-h1 ", "2026:1"])
def test_a_half_year_is_read_as_written(text):
    assert rules.parse_key(text) == 20261


@pytest.mark.parametrize("text", ["2026-H3", "26-H1", "", "1999-H1", "2026-H1; drop"])
def test_anything_else_is_refused_in_swedish(text):
    with pytest.raises(ValueError, match="Ange halvåret som ÅÅÅÅ-H1 eller ÅÅÅÅ-H2"):
        rules.parse_key(text)

"""Calendar arithmetic (rules/dates.py)."""

from datetime import date

from kaa_web.rules.dates import add_months


def test_a_month_later_is_the_same_day_or_the_months_last():
    assert add_months(date(2026, 9, 15), 1) == date(2026, 10, 15)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)

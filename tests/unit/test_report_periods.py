from datetime import date

import pytest

from kaa_web.rules.report_periods import age_threshold, custom_period, named_period


@pytest.mark.parametrize(
    ("kind", "year", "start", "end", "label"),
    [
        ("h1", 2026, date(2026, 1, 1), date(2026, 6, 30), "Första halvåret 2026"),
        ("h2", 2026, date(2026, 7, 1), date(2026, 12, 31), "Andra halvåret 2026"),
        ("t1", 2026, date(2026, 1, 1), date(2026, 4, 30), "Tertial 1 2026"),
        ("t2", 2026, date(2026, 1, 1), date(2026, 8, 31), "Tertial 2 2026"),
        ("t3", 2026, date(2026, 1, 1), date(2026, 12, 31), "Helår (tertial 3) 2026"),
        ("ar", 2028, date(2028, 1, 1), date(2028, 12, 31), "Kalenderåret 2028"),
        ("lasar", 2025, date(2025, 7, 1), date(2026, 6, 30), "Läsåret 2025/26"),
    ],
)
def test_each_named_period_covers_its_months(kind, year, start, end, label):
    period = named_period(kind, year)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_a_period_a_year_earlier_keeps_the_leap_day_inside_february():
    period = custom_period(date(2028, 2, 1), date(2028, 2, 29)).year_earlier()
    assert (period.start, period.end) == (date(2027, 2, 1), date(2027, 2, 28))


def test_a_from_to_period_must_run_forwards_and_stay_under_three_years():
    with pytest.raises(ValueError, match="före startdatumet"):
        custom_period(date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(ValueError, match="tre år"):
        custom_period(date(2020, 1, 1), date(2026, 1, 1))


def test_someone_born_on_a_leap_day_is_a_year_older_only_from_1_march_in_a_common_year():
    assert age_threshold(date(2027, 2, 28), 19) == date(2008, 2, 28)  # 29 Feb 2008: still 18
    assert age_threshold(date(2028, 2, 29), 19) == date(2009, 2, 28)

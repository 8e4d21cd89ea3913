"""Who the register may hold by age: under 20 on the day in question."""

from datetime import date

from kaa_web.rules.eligibility import covered_on, too_old_sv, turns_20


def test_covered_until_the_day_before_the_20th_birthday():
    born = date(2006, 5, 4)
    assert covered_on(born, date(2026, 5, 3))
    assert not covered_on(born, date(2026, 5, 4))


def test_a_leap_day_birth_turns_20_on_29_february_or_on_1_march_without_one():
    assert turns_20(date(2008, 2, 29)) == date(2028, 2, 29)
    assert turns_20(date(2080, 2, 29)) == date(2100, 3, 1)  # 2100 is not a leap year
    assert covered_on(date(2080, 2, 29), date(2100, 2, 28))


def test_the_refusal_names_the_day_they_turned_20_and_the_law():
    message = too_old_sv(date(1999, 3, 1), "Eleven")
    assert message.startswith("Eleven fyllde 20 år den 2019-03-01")
    assert "skollagen 29 kap. 9 §" in message

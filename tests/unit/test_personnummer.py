"""Parsing and validating personnummer and samordningsnummer, ages and birthdays."""

import random
from datetime import date

import pytest
from personnummer import personnummer

from kaa_web.rules.personnummer import (
    InvalidPersonnummer,
    Personnummer,
    anonymised,
    birthday,
    display,
    luhn_check_digit,
    make_valid,
    mask,
    parse,
)

TODAY = date(2026, 11, 23)
VALID = "200601152382"  # 2006-01-15, serial 238, check digit 2


def with_check_digit(ten_without_check: str) -> str:
    """Nine digits YYMMDDNNN plus the correct check digit, whatever the date."""
    return ten_without_check + str(luhn_check_digit(ten_without_check))


def error_for(text: str, today: date = TODAY) -> str:
    with pytest.raises(InvalidPersonnummer) as caught:
        parse(text, today)
    return caught.value.message_sv


def test_twelve_digits_without_separator_parse():
    number = parse(VALID, TODAY)
    assert number.canonical == VALID
    assert number.birth_date == date(2006, 1, 15)
    assert number.is_samordningsnummer is False


def test_ten_digits_with_a_dash_parse_to_the_same_number():
    assert parse("060115-2382", TODAY) == parse(VALID, TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "0601152382",
        "060115-2382",
        "20060115-2382",
        "060115 2382",
        " 20060115 2382 ",
        "060115\u00a02382",
        "060115\u20102382",
        "060115\u20112382",
        "060115\u20122382",
        "060115\u20132382",
        "060115\u20142382",
        "060115\u22122382",
        "060115\uff0d2382",
        "06 01 15 - 23 82",
    ],
)
def test_every_separator_kind_is_normalised_away(text):
    assert parse(text, TODAY).canonical == VALID


def test_display_has_twelve_digits_and_a_dash():
    assert parse("0601152382", TODAY).display == "20060115-2382"


def test_str_is_the_display_form_and_repr_hides_the_last_four_digits():
    number = parse(VALID, TODAY)
    assert str(number) == "20060115-2382"
    assert "2382" not in repr(number)


def test_masked_shows_the_date_part_and_hides_the_last_four_digits():
    assert parse(VALID, TODAY).masked == "060115-XXXX"


def test_even_second_to_last_digit_is_kvinna_and_odd_is_man():
    assert parse(make_valid(date(2006, 1, 15), 238), TODAY).gender == "kvinna"
    assert parse(make_valid(date(2006, 1, 15), 239), TODAY).gender == "man"


def test_ten_digits_take_the_most_recent_century_not_in_the_future():
    assert parse("0601152382", TODAY).birth_date.year == 2006
    assert parse("8112289874", TODAY).birth_date.year == 1981


def test_a_birth_date_later_this_year_than_today_belongs_to_the_previous_century():
    number = make_valid(date(1926, 11, 24), 123)[2:]
    assert parse(number, TODAY).birth_date == date(1926, 11, 24)


def test_a_birth_date_today_belongs_to_this_century():
    number = make_valid(date(2026, 11, 23), 123)[2:]
    assert parse(number, TODAY).birth_date == date(2026, 11, 23)


def test_century_inference_follows_today():
    number = make_valid(date(2010, 6, 1), 123)[2:]
    assert parse(number, date(2010, 6, 1)).birth_date.year == 2010
    assert parse(number, date(2010, 5, 31)).birth_date.year == 1910


def test_plus_means_a_hundred_years_or_older():
    assert parse("121212+1212", TODAY).canonical == "191212121212"
    assert parse("121212-1212", TODAY).canonical == "201212121212"


def test_plus_on_a_birthday_exactly_a_hundred_years_ago():
    number = make_valid(date(1926, 11, 23), 123)[2:]
    assert parse(f"{number[:6]}+{number[6:]}", TODAY).birth_date == date(1926, 11, 23)


def test_plus_must_stand_before_the_last_four_digits():
    assert "Plustecknet" in error_for("+0601152382")
    assert "Plustecknet" in error_for("060115++2382")


def test_plus_is_refused_with_twelve_digits():
    assert "Plustecken" in error_for("20060115+2382")


def test_wrong_check_digit_is_refused():
    assert error_for("060115-2383") == "Personnumret har fel kontrollsiffra."
    assert error_for("200601152381") == "Personnumret har fel kontrollsiffra."


@pytest.mark.parametrize(
    "nine",
    ["230229123", "061315123", "060132123", "060100123", "000015123", "060431123"],
)
def test_dates_that_do_not_exist_are_refused(nine):
    assert error_for(with_check_digit(nine)) == "Datumet i personnumret finns inte."


def test_leap_day_in_a_leap_year_is_valid():
    assert parse(with_check_digit("240229123"), TODAY).birth_date == date(2024, 2, 29)


def test_29_february_1900_does_not_exist_but_2000_does():
    number = with_check_digit("000229123")
    assert parse(number, TODAY).birth_date == date(2000, 2, 29)
    plus = f"{number[:6]}+{number[6:]}"
    assert error_for(plus) == "Datumet i personnumret finns inte."


def test_twelve_digits_with_a_future_birth_date_are_refused():
    number = make_valid(date(2027, 1, 1), 123)
    assert "framtiden" in error_for(number)


def test_samordningsnummer_adds_sixty_to_the_day():
    number = parse(make_valid(date(2006, 1, 15), 238, samordning=True), TODAY)
    assert number.canonical == "200601752389"
    assert number.is_samordningsnummer is True
    assert number.birth_date == date(2006, 1, 15)
    assert number.masked == "060175-XXXX"


def test_samordningsnummer_ten_digits_with_a_dash():
    number = parse("060175-2389", TODAY)
    assert number.is_samordningsnummer
    assert number.birth_date == date(2006, 1, 15)


def test_samordningsnummer_whose_real_date_does_not_exist_is_refused():
    assert error_for(with_check_digit("230289123")) == "Datumet i personnumret finns inte."
    assert error_for(with_check_digit("060192123")) == "Datumet i personnumret finns inte."


def test_samordningsnummer_on_a_leap_day():
    number = parse(with_check_digit("240289123"), TODAY)
    assert number.birth_date == date(2024, 2, 29)
    assert number.is_samordningsnummer


@pytest.mark.parametrize("text", ["06011S-2382", "abcdefghij", "060115/2382", "٠٦٠١١٥٢٣٨٢"])
def test_letters_and_other_characters_are_refused(text):
    assert error_for(text) == "Personnumret får bara innehålla siffror och bindestreck."


@pytest.mark.parametrize(
    "text", ["", "   ", "060115-238", "0601152", "20060115-23820", "12345678901"]
)
def test_wrong_number_of_digits_is_refused(text):
    assert error_for(text) == "Ange personnumret med 10 eller 12 siffror."


def test_invalid_personnummer_is_a_value_error_with_the_message():
    with pytest.raises(ValueError, match="kontrollsiffra"):
        parse("060115-2383", TODAY)


def test_parse_defaults_to_the_real_today():
    assert parse("060115-2382").birth_date == date(2006, 1, 15)


def test_personnummer_is_frozen():
    number = parse(VALID, TODAY)
    assert isinstance(number, Personnummer)
    with pytest.raises(AttributeError):
        number.canonical = "x"  # type: ignore[misc]


def test_make_valid_produces_numbers_that_parse():
    for serial in (1, 238, 999):
        text = make_valid(date(2008, 2, 29), serial)
        assert parse(text, TODAY).canonical == text


@pytest.mark.parametrize("serial", [1000, 0, -1])
def test_make_valid_refuses_a_birth_number_that_is_never_issued(serial):
    with pytest.raises(ValueError):
        make_valid(date(2008, 1, 1), serial)


@pytest.mark.parametrize("nine", ["170928000", "060115000", "060175000"])
def test_birth_number_000_is_never_issued_and_refused(nine):
    text = with_check_digit(nine)  # the check digit is right: only the birth number is wrong
    for written in (text, f"{text[:6]}-{text[6:]}", "20" + text):
        assert "födelsenumret 000" in error_for(written)


def test_the_reported_number_170928_0000_is_refused():
    assert "födelsenumret 000" in error_for("170928-0000")


# --- cross-checked against the independent `personnummer` package (3.2.1) ------------------


def _generated(rnd: random.Random) -> str:
    """A random number as people write them: real and impossible dates, samordningsnummer,
    birth number 000, right and wrong check digits, 10 or 12 digits, '-', '+' or nothing."""
    year, month = rnd.randint(1900, 2026), rnd.choice([0, 13, *range(1, 13), *range(1, 13)])
    day = rnd.choice([0, 32, 60, *range(1, 32), *range(61, 92)])
    serial = rnd.choice([0, *range(1, 1000)])
    nine = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    check = luhn_check_digit(nine) if rnd.random() < 0.7 else rnd.randint(0, 9)
    ten = f"{nine}{check}"
    form = rnd.choice(("12", "12-", "10", "10-", "10+"))
    if form.startswith("12"):
        return f"{year // 100}{ten[:6]}{form[2:]}{ten[6:]}"
    return f"{ten[:6]}{form[2:]}{ten[6:]}"


def _intended_difference(text: str, their_date: date) -> bool:
    turns_100 = birthday(their_date, 100)
    return their_date > TODAY or ("+" in text and turns_100 > TODAY)


def test_the_parser_agrees_with_the_personnummer_package_on_40000_generated_numbers(
    monkeypatch,
):
    """Both accept and refuse the same numbers and read the same facts from them.

    Two differences are intended: the package accepts a birth date after today (this parser
    refuses it, or with 10 digits reads the previous century), and it counts "+" (100 years
    or older) by the year alone, so for someone who turns 100 later this year it gives a
    99-year-old; this parser goes back one more century, as the "+" says."""
    monkeypatch.setattr(personnummer, "_get_current_date", lambda: TODAY)
    rnd = random.Random(20261123)
    compared = accepted = 0
    for _ in range(40_000):
        text = _generated(rnd)
        try:
            theirs = personnummer.parse(text)
        except personnummer.PersonnummerException:
            theirs = None
        if theirs is not None and _intended_difference(text, theirs.get_date()):
            continue
        try:
            ours = parse(text, TODAY)
        except InvalidPersonnummer:
            ours = None
        compared += 1
        assert (ours is None) == (theirs is None), text
        if ours is not None:
            accepted += 1
            assert ours.canonical == theirs.format(long_format=True), text
            assert ours.birth_date == theirs.get_date(), text
            assert (ours.gender == "kvinna") == theirs.is_female(), text
            assert ours.is_samordningsnummer == theirs.is_coordination_number(), text
    assert compared > 38_000 and accepted > 10_000  # the sample covers both outcomes


def test_an_anonymised_number_is_unique_per_person_never_valid_and_shown_as_gallrad():
    numbers = {anonymised(youth_id) for youth_id in (1, 2, 99_999_999_999)}
    assert len(numbers) == 3 and all(len(n) == 12 for n in numbers)
    for number in numbers:
        assert mask(number) == display(number) == "Gallrad"
        with pytest.raises(InvalidPersonnummer):
            parse(number, TODAY)

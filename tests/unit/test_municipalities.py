"""Sweden's municipalities: the committed list is complete and well-formed."""

import re

from kaa_web.rules import municipalities


def test_the_list_holds_all_290_municipalities_with_unique_four_digit_codes():
    table = municipalities.municipalities()
    assert len(table) == 290
    assert all(re.fullmatch(r"\d{4}", code) for code in table)
    assert len(set(table.values())) == 290


def test_well_known_codes_name_the_right_municipality():
    assert municipalities.name_of("0180") == "Stockholm"
    assert municipalities.name_of("0182") == "Nacka"
    assert municipalities.name_of("1480") == "Göteborg"
    assert municipalities.name_of("1280") == "Malmö"
    assert municipalities.name_of("2584") == "Kiruna"
    assert municipalities.name_of("9999") == ""


def test_every_county_has_its_municipalities():
    counties = {code[:2] for code in municipalities.municipalities()}
    assert len(counties) == 21

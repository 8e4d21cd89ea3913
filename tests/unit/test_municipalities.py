"""Sweden's municipalities: the committed list is complete and well-formed."""

import re

from kaa_web.rules import municipalities


def test_the_list_holds_all_290_municipalities_with_unique_four_digit_codes():
    table = municipalities.municipalities()
    assert len(table) == 290
    assert all(re.fullmatch(r"\d{4}", code) for code in table)
    assert len(set(table.values())) == 290


def test_every_county_has_its_municipalities():
    counties = {code[:2] for code in municipalities.municipalities()}
    assert len(counties) == 21

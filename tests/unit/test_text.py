"""One-line texts (names, addresses): which characters are refused, and the length limit."""

import pytest

from kaa_web.rules.text import clean_line, line_problem


@pytest.mark.parametrize(
    "text",
    [
        "Ann\x1bika",
        "A\x00",
        "Tab\tbar",
        "Rad\nny",
        "Rad\rny",
        "\x85",
        "\u202eabc",
        "\u2028",
        "\ufeffA",
    ],
)
def test_control_and_invisible_format_characters_are_refused(text):
    assert "styrtecken" in line_problem(text)


@pytest.mark.parametrize("text", ["Åsa-Maria", "O'Brien", "Zoë", "محمد", "می\u200cخواهم", "李"])
def test_names_in_any_script_are_accepted(text):
    assert line_problem(text, 100) == ""


def test_the_length_limit_is_checked_after_the_characters():
    assert line_problem("x" * 101, 100) == "Får vara högst 100 tecken."
    assert line_problem("x" * 100, 100) == ""


def test_cleaning_removes_only_the_refused_characters():
    assert clean_line("ut\x00dr\x1bag\u202e.csv") == "utdrag.csv"

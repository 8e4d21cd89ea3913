"""The small-number rule for tables shown to people outside the municipality."""

from kaa_web.rules.small_numbers import HIDDEN, protect, shown_total


def test_counts_under_the_limit_are_shown_as_less_than_it():
    assert protect({"Centrum": 12, "Norra": 7, "Södra": 3, "Västra": 4}, 5) == {
        "Centrum": "12",
        "Norra": "7",
        "Södra": "<5",
        "Västra": "<5",
    }


def test_a_lone_small_count_hides_the_smallest_other_so_the_total_gives_nothing_away():
    # 21 in all: with only Södra hidden, 21 − 12 − 7 = 2 would be Södra's exact count
    shown = protect({"Centrum": 12, "Norra": 7, "Södra": 2}, 5)
    assert shown == {"Centrum": "12", "Norra": HIDDEN, "Södra": "<5"}


def test_small_counts_that_together_stay_under_the_limit_hide_another():
    # 1 + 1 = 2 hidden, so the total would show both are 1: hide the next smallest too
    shown = protect({"16 år": 9, "17 år": 6, "18 år": 1, "19 år": 1}, 5)
    assert shown == {"16 år": "9", "17 år": HIDDEN, "18 år": "<5", "19 år": "<5"}


def test_nothing_is_hidden_when_every_count_reaches_the_limit_and_zero_names_no_one():
    assert protect({"arbete": 5, "studier": 0, "ingen": 30}, 5) == {
        "arbete": "5",
        "studier": "0",
        "ingen": "30",
    }


def test_a_total_under_the_limit_is_itself_hidden():
    assert shown_total(3, 5) == "<5"
    assert shown_total(0, 5) == "0" and shown_total(5, 5) == "5"
    assert protect({"Centrum": 2, "Norra": 1}, 5) == {"Centrum": "<5", "Norra": "<5"}

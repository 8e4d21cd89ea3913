"""The small-number rule for tables shown to people outside the municipality."""

from kaa_web.rules.small_numbers import HIDDEN, protect, protect_lines, shown_total


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


def test_a_table_hides_a_second_cell_in_every_row_and_column_a_total_would_give_away():
    # rows Norra, Södra; columns arbete, studier, ingen; each row and column has its total
    counts = {
        ("N", "a"): 12,
        ("N", "s"): 3,
        ("N", "i"): 8,
        ("S", "a"): 10,
        ("S", "s"): 9,
        ("S", "i"): 7,
    }
    rows = [((r, "tot"), [(r, c) for c in "asi"]) for r in "NS"]
    columns = [(("tot", c), [(r, c) for r in "NS"]) for c in "asi"]
    shown = protect_lines(counts, rows + columns, 5)
    # 3 is small; Norra's row then hides 8, which alone in its column would be 15 − 7: so 7
    # goes too, and the 3's column hides the 9 beside it
    assert shown == {
        ("N", "a"): "12",
        ("N", "s"): "<5",
        ("N", "i"): HIDDEN,
        ("S", "a"): "10",
        ("S", "s"): HIDDEN,
        ("S", "i"): HIDDEN,
    }
    # every row and column with a hidden cell has two, and no cell follows from the totals
    for _total, members in rows + columns:
        hidden = [cell for cell in members if not shown[cell].isdigit()]
        assert len(hidden) in (0, 2)


def test_a_line_without_a_shown_total_needs_no_second_cell():
    counts = {"a": 2, "b": 40}
    assert protect_lines(counts, [(None, ["a", "b"])], 5) == {"a": "<5", "b": "40"}

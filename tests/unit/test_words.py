"""Counts with their words: one in the singular, every other number in the plural."""

from kaa_web.rules.words import plural, thousands


def test_one_takes_the_singular_and_every_other_count_the_plural():
    assert plural(1, "ungdom", "ungdomar") == "1 ungdom"
    assert plural(0, "ungdom", "ungdomar") == "0 ungdomar"
    assert plural(2, "ny anmälan", "nya anmälningar") == "2 nya anmälningar"


def test_large_counts_are_grouped_by_thousands():
    assert thousands(1000) == "1\u00a0000"
    assert plural(12345, "brev", "brev") == "12\u00a0345 brev"

"""Swedish words that follow a number: "1 ungdom", "3 ungdomar", "1 000 brev"."""

from __future__ import annotations


def thousands(value: int) -> str:
    """A count the Swedish way, e.g. 1 000 (a no-break space between the groups)."""
    return f"{value:,}".replace(",", "\u00a0")


def decimal(value: float | int) -> str:
    """A measured value the Swedish way: 87,5 and 90 (no ",0"), thousands grouped."""
    whole, _, fraction = f"{value:,.1f}".partition(".")
    text = whole.replace(",", "\u00a0")
    return text if fraction == "0" else f"{text},{fraction}"


def plural(count: int, singular: str, plural_form: str) -> str:
    """The count with the noun (or phrase) in the form the count takes:
    plural(1, "ny anmälan", "nya anmälningar") is "1 ny anmälan", with 2 "2 nya anmälningar"."""
    return f"{thousands(count)} {singular if count == 1 else plural_form}"

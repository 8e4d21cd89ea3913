"""What a one-line text (a name, an address) may hold: no control or invisible format characters."""

from __future__ import annotations

import unicodedata

# Control (Cc: NUL, tab, ESC, C1 …), format (Cf: direction overrides, BOM …), line and paragraph
# separators, surrogates, private use and unassigned code points.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_ALLOWED = frozenset({"\u200c", "\u200d"})  # zero-width (non-)joiners: parts of some scripts


def refused_character(text: str) -> str | None:
    """The first character a one-line text may not hold, or None."""
    for char in text:
        if char not in _ALLOWED and unicodedata.category(char) in _REFUSED_CATEGORIES:
            return char
    return None


def line_problem(text: str, max_length: int | None = None) -> str:
    """Why `text` cannot be stored as a one-line text, in Swedish ("" when it can)."""
    if refused_character(text) is not None:
        return "Får inte innehålla styrtecken (som tabb, radbrytning eller ESC)."
    if max_length is not None and len(text) > max_length:
        return f"Får vara högst {max_length} tecken."
    return ""


def clean_line(text: str) -> str:
    """`text` without the characters a one-line text may not hold (for names of uploaded files)."""
    return "".join(c for c in text if refused_character(c) is None)

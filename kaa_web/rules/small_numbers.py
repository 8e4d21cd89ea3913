"""Small numbers in tables that leave the app or reach people outside the municipality: what
each count may say ("<5", or "dolt" where a total would give a hidden count away)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

HIDDEN = "dolt"

# A line of a table: its total's cell (None: no total is shown) and the cells that add up to it.
Line = tuple[Hashable | None, Iterable[Hashable]]


def small(limit: int) -> str:
    """How a count under the limit is shown, e.g. "<5"."""
    return f"<{limit}"


def shown_total(count: int, limit: int) -> str:
    return small(limit) if 0 < count < limit else str(count)


def protect(counts: dict, limit: int) -> dict:
    """Each count as it may be shown beside an exact total (one line, see protect_lines)."""
    total = object()
    shown = protect_lines(counts, [(total, list(counts))], limit)
    shown.pop(total, None)  # the total is shown apart from the counts (shown_total)
    return shown


def protect_lines(counts: Mapping[Hashable, int], lines: Iterable[Line], limit: int) -> dict:
    """Each cell of a table as it may be shown, its lines' totals among the cells.

    A count under `limit` is shown as "<limit" (primary suppression; zero names no one and is
    shown). In every line whose total is shown, a hidden cell needs company: at least two
    hidden cells that together reach `limit`, or the total minus the shown cells would give
    them away. Until they do, the line's smallest count still shown is hidden too ("dolt",
    secondary suppression), or its total when nothing else is left. Hiding a cell can open
    another line (a row and a column cross), so this repeats until every line holds.
    """
    lines = [(total, list(members)) for total, members in lines]
    hidden = {cell for cell, count in counts.items() if 0 < count < limit}
    shown = {cell: str(count) for cell, count in counts.items()}
    for cell in hidden:
        shown[cell] = small(limit)
    changed = True
    while changed:
        changed = False
        for total, members in lines:
            if total is None or total in hidden:
                continue
            if _line_gives_away(counts, hidden, members, limit):
                cell = _smallest_shown(counts, hidden, members)
                cell = total if cell is None else cell
                hidden.add(cell)
                shown[cell] = HIDDEN
                changed = True
    return shown


def _line_gives_away(counts, hidden, members, limit) -> bool:
    hidden_here = [counts[cell] for cell in members if cell in hidden]
    return bool(hidden_here) and (len(hidden_here) < 2 or sum(hidden_here) < limit)


def _smallest_shown(counts, hidden, members):
    rest = sorted(
        (counts[cell], str(cell), i)
        for i, cell in enumerate(members)
        if cell not in hidden and counts[cell] > 0
    )
    return members[rest[0][2]] if rest else None

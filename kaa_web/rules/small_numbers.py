"""Small numbers in tables shown to people outside the municipality: what each count may say."""

from __future__ import annotations

HIDDEN = "dolt"


def small(limit: int) -> str:
    """How a count under the limit is shown, e.g. "<5"."""
    return f"<{limit}"


def shown_total(count: int, limit: int) -> str:
    return small(limit) if 0 < count < limit else str(count)


def protect(counts: dict, limit: int) -> dict:
    """Each count as it may be shown beside an exact total.

    A count under `limit` is shown as "<limit". The hidden counts must together reach `limit`,
    or the total minus the shown counts would give them away: until they do, the smallest
    count still shown is hidden too ("dolt"). Counts of zero are shown (they name no one).
    """
    shown = {key: str(count) for key, count in counts.items()}
    hidden = {key for key, count in counts.items() if 0 < count < limit}
    for key in hidden:
        shown[key] = small(limit)
    while hidden and sum(counts[key] for key in hidden) < limit:
        rest = sorted((count, str(key), key) for key, count in counts.items() if key not in hidden)
        rest = [entry for entry in rest if entry[0] > 0]
        if not rest:
            break  # everything is hidden: the total itself is under the limit then
        key = rest[0][2]
        hidden.add(key)
        shown[key] = HIDDEN
    return shown

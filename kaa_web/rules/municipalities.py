"""Sweden's 290 municipalities (kommunkod and name) from the committed data file."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "kommuner.csv"


@cache
def municipalities() -> dict[str, str]:
    """Kommunkod (4 digits) -> name, in code order."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    return {row["kommunkod"]: row["namn"] for row in sorted(rows, key=lambda r: r["kommunkod"])}

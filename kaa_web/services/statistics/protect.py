"""A figure's table as it may leave the app: small counts hidden (KAA_STATS_MIN_CELL), a
second count hidden wherever a row's or a column's total would reveal one, and every share or
median hidden whose count is; numbers formatted the Swedish way."""

from __future__ import annotations

from dataclasses import dataclass

from kaa_web.rules import small_numbers
from kaa_web.rules.words import thousands
from kaa_web.services.statistics.figures import Row, Table

TOTAL = "__totalt__"
DERIVED = {"andel": ("taljare", "namnare"), "median": ("antal",)}
# a row whose one column adds up others (not a "totalt" column)
ROW_SUMS = {"insatser_kategori": ("erbjudna", ("paborjade", "avbojda"))}


@dataclass(frozen=True)
class ShownRow:
    key: str
    label: str
    shown: dict  # column -> text as printed ("12", "<5", "dolt", "40,0 %")
    values: dict  # column -> the number, None where hidden (for spreadsheets and charts)


@dataclass(frozen=True)
class ShownTable:
    table: Table
    rows: tuple[ShownRow, ...]
    total: ShownRow
    hidden_any: bool

    @property
    def columns(self):
        return self.table.columns


def _count_columns(table: Table) -> list[str]:
    return [key for key, _ in table.columns if key not in DERIVED]


def _row_lines(table: Table, row_keys: list[str]) -> list:
    f = table.figure
    if f.key in ROW_SUMS:
        total, parts = ROW_SUMS[f.key]
        return [((r, total), [(r, c) for c in parts]) for r in row_keys]
    parts = list(f.categories)
    if f.kind == "distribution" and f.summable:
        return [((r, "totalt"), [(r, c) for c in parts]) for r in row_keys]
    if f.kind == "median" and parts:
        return [((r, "antal"), [(r, c) for c in parts]) for r in row_keys]
    return []


def protect_table(table: Table, limit: int) -> ShownTable:
    """The table with every count it may show and nothing a reader could work back from."""
    rows = {row.key: row for row in table.rows}
    rows[TOTAL] = table.total
    columns = _count_columns(table)
    counts = {(r, c): int(row.cells.get(c) or 0) for r, row in rows.items() for c in columns}
    lines = _row_lines(table, list(rows))
    if table.rows:
        groups = [row.key for row in table.rows]
        lines += [((TOTAL, c), [(g, c) for g in groups]) for c in columns]
    shown = small_numbers.protect_lines(counts, lines, limit) if limit else {}
    made = {r: _shown_row(table, row, r, shown) for r, row in rows.items()}
    hidden_any = any(
        value is None and key in columns
        for row in made.values()
        for key, value in row.values.items()
    )
    return ShownTable(table, tuple(made[row.key] for row in table.rows), made[TOTAL], hidden_any)


def exact_table(table: Table) -> ShownTable:
    """The table with its exact counts (the page, for users inside the municipality)."""
    return protect_table(table, 0)


def _shown_row(table: Table, row: Row, key: str, shown: dict) -> ShownRow:
    texts, values = {}, {}
    for column, _ in table.columns:
        value = row.cells.get(column)
        base = DERIVED.get(column, (column,))
        hidden = next((shown[(key, c)] for c in base if _is_hidden(shown.get((key, c)))), None)
        if hidden is not None:
            texts[column], values[column] = (hidden if column not in DERIVED else "–"), None
        else:
            texts[column], values[column] = format_value(column, value), value
    return ShownRow(row.key, row.label, texts, values)


def _is_hidden(text: str | None) -> bool:
    return text is not None and not text.isdigit()


def format_value(column: str, value) -> str:
    if value is None:
        return "–"
    if column == "andel":
        return f"{value:.1f}".replace(".", ",") + " %"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return thousands(int(value))

"""Charts drawn on the server with matplotlib (SVG for the page, PNG for Word), readable in
greyscale: this period in black, the year before hatched grey; a hidden count is a labelled gap.
Drawn with the Agg backend through Figure (no pyplot, no display)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from kaa_web.services.statistics.page import FigureView

BLACK, GREY = "#1a1a1a", "#bdbdbd"
WIDTH = 6.4  # inches
LABEL_CHAR = 0.06  # inches: an average character of the 8 pt labels, with room


@dataclass(frozen=True)
class Chart:
    title: str
    description: str  # what the chart shows, in words (the table beside it has the numbers)
    labels: tuple[str, ...]
    values: tuple  # this period, None where hidden
    shown: tuple[str, ...]  # as printed beside each bar ("12", "<5")
    earlier: tuple  # the same period a year earlier


def chart_of(view: FigureView, period_label: str) -> Chart:
    """The whole municipality's categories (or time in KAA's bands) beside the year before."""
    f = view.figure
    total, earlier = view.table.total, view.earlier
    keys = list(f.categories)
    labels = tuple(f.categories[k] for k in keys)
    values = tuple(total.values.get(k) for k in keys)
    shown = tuple(total.shown.get(k, "") for k in keys)
    before = tuple(earlier.values.get(k) for k in keys)
    return Chart(
        f.name, _describe(f.name, period_label, labels, values), labels, values, shown, before
    )


def _describe(name: str, period_label: str, labels, values) -> str:
    known = [(v, label) for v, label in zip(values, labels, strict=True) if v]
    if not known:
        return f"Stapeldiagram: {name}, {period_label}. Inget att visa för perioden."
    top = max(known)
    return (
        f"Stapeldiagram: {name}, {period_label} (svart) och samma period året innan (grå). "
        f"Störst: {top[1]} ({top[0]}). Alla siffror finns i tabellen."
    )


@lru_cache(maxsize=256)
def render(chart: Chart, fmt: str = "svg") -> bytes:
    """The chart as SVG (text kept as text) or PNG; the same numbers are drawn once per process
    (a chart is plain data, so a cached drawing is the drawing)."""
    # matplotlib takes a second or more to import: only what draws a chart pays for it, not
    # every app process at start-up. Figure() draws without pyplot's global state or a display.
    import matplotlib
    from matplotlib.figure import Figure

    height = 1.0 + 0.42 * len(chart.labels)
    fig = Figure(figsize=(WIDTH, height), dpi=110)
    ax = fig.add_subplot()
    rows = range(len(chart.labels))
    now = [v or 0 for v in chart.values]
    before = [v or 0 for v in chart.earlier]
    ax.barh(
        [r + 0.2 for r in rows],
        before,
        height=0.38,
        color=GREY,
        hatch="///",
        edgecolor="#555555",
        label="Året innan",
    )
    bars = ax.barh([r - 0.2 for r in rows], now, height=0.38, color=BLACK, label="Perioden")
    for bar, text in zip(bars, chart.shown, strict=True):
        ax.annotate(
            text,
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(list(rows), list(chart.labels), fontsize=8)
    ax.invert_yaxis()
    ax.set_title(chart.title, fontsize=10, loc="left")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.15)
    _fit(fig, chart, height)
    out = io.BytesIO()
    options = {"metadata": {"Date": None}} if fmt == "svg" else {}
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kaa"}):
        fig.savefig(out, format=fmt, **options)
    return out.getvalue()


def _fit(fig, chart: Chart, height: float) -> None:
    """Margins for the labels, title and legend, worked out from the text instead of by
    matplotlib's tight layout (which draws the whole chart once more to measure it)."""
    longest = max((len(label) for label in chart.labels), default=0)
    left = min(0.6, (longest * LABEL_CHAR + 0.25) / WIDTH)
    fig.subplots_adjust(left=left, right=0.97, top=1 - 0.4 / height, bottom=0.55 / height)

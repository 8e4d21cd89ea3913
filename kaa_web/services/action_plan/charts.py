"""The action plan's charts, drawn on the server (matplotlib) and readable in greyscale: the
review's radar chart of PwC's eight control areas (SVG for the page, PNG for Word; the table
beside it is its accessible alternative) and each goal's outcome against its target (Word)."""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")  # no display; set before anything draws

from matplotlib.figure import Figure  # noqa: E402

from kaa_web.services.action_plan.review import Assessment  # noqa: E402

SCORES = {"uppfyllt": 2, "delvis": 1, "ej": 0}
BLACK, GREY = "#1a1a1a", "#bdbdbd"


def _saved(fig: Figure, fmt: str) -> bytes:
    fig.tight_layout()
    out = io.BytesIO()
    options = {"metadata": {"Date": None}} if fmt == "svg" else {}
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kaa"}):
        fig.savefig(out, format=fmt, **options)
    return out.getvalue()


def radar(areas: list[Assessment], fmt: str = "svg") -> bytes:
    """0 = ej uppfyllt, 1 = delvis, 2 = uppfyllt; an area not yet assessed is drawn at 0 with
    "(ej bedömd)" beside its name."""
    angles = [2 * math.pi * i / len(areas) for i in range(len(areas))]
    values = [SCORES.get(a.rating, 0) for a in areas]
    fig = Figure(figsize=(6.4, 6.0), dpi=100)
    ax = fig.add_subplot(projection="polar")
    ax.plot([*angles, angles[0]], [*values, values[0]], color=BLACK, linewidth=2)
    ax.fill([*angles, angles[0]], [*values, values[0]], color=GREY, alpha=0.6)
    ax.set_xticks(
        angles, [a.title + ("" if a.rating else "\n(ej bedömd)") for a in areas], fontsize=8
    )
    ax.set_yticks([0, 1, 2], ["Ej", "Delvis", "Uppfyllt"], fontsize=7)
    ax.set_ylim(0, 2)
    ax.set_title("Självskattning per kontrollområde", fontsize=10)
    return _saved(fig, fmt)


def radar_svg(areas: list[Assessment]) -> bytes:
    return radar(areas, "svg")


def goal_png(title: str, bars: list[tuple[str, float | None, str]], target: float) -> bytes:
    """One goal: each (label, value or None where hidden or missing, text beside it) as a bar,
    the target as a dashed line."""
    fig = Figure(figsize=(6.4, 1.2 + 0.45 * len(bars)), dpi=110)
    ax = fig.add_subplot()
    rows = range(len(bars))
    drawn = ax.barh(
        list(rows),
        [v or 0 for _, v, _ in bars],
        height=0.5,
        color=[BLACK if i == 0 else GREY for i in rows],
        hatch=[None if i == 0 else "///" for i in rows],
        edgecolor="#555555",
    )
    for bar, (_, _, text) in zip(drawn, bars, strict=True):
        ax.annotate(
            text,
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.axvline(target, color=BLACK, linestyle="--", linewidth=1.2)
    ax.annotate("Mål", (target, -0.6), fontsize=8, ha="center")
    ax.set_yticks(list(rows), [label for label, _, _ in bars], fontsize=8)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.2)
    return _saved(fig, "png")

"""The review's radar chart of PwC's eight control areas, drawn on the server (matplotlib),
readable in greyscale; the table beside it on the page is its accessible alternative."""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")  # no display; set before anything draws

from matplotlib.figure import Figure  # noqa: E402

from kaa_web.services.action_plan.review import Assessment  # noqa: E402

SCORES = {"uppfyllt": 2, "delvis": 1, "ej": 0}


def radar_svg(areas: list[Assessment]) -> bytes:
    """0 = ej uppfyllt, 1 = delvis, 2 = uppfyllt; an area not yet assessed is drawn at 0 with
    "(ej bedömd)" beside its name."""
    angles = [2 * math.pi * i / len(areas) for i in range(len(areas))]
    values = [SCORES.get(a.rating, 0) for a in areas]
    fig = Figure(figsize=(6.4, 6.0), dpi=100)
    ax = fig.add_subplot(projection="polar")
    ax.plot([*angles, angles[0]], [*values, values[0]], color="#1a1a1a", linewidth=2)
    ax.fill([*angles, angles[0]], [*values, values[0]], color="#bdbdbd", alpha=0.6)
    ax.set_xticks(
        angles, [a.title + ("" if a.rating else "\n(ej bedömd)") for a in areas], fontsize=8
    )
    ax.set_yticks([0, 1, 2], ["Ej", "Delvis", "Uppfyllt"], fontsize=7)
    ax.set_ylim(0, 2)
    ax.set_title("Självskattning per kontrollområde", fontsize=10)
    fig.tight_layout()
    out = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kaa"}):
        fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()

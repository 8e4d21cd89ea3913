"""Charts are drawn once per set of numbers, with room for the longest label."""

import io

from PIL import Image

from kaa_web.services.statistics import charts
from kaa_web.services.statistics.definitions import FIGURES


def _chart(first: int) -> charts.Chart:
    f = FIGURES["avregistrerade_orsak"]
    labels = tuple(f.categories.values())
    values = (first, *range(5, 4 + len(labels)))
    shown = tuple(str(v) for v in values)
    return charts.Chart(f.name, "", labels, values, shown, (None,) * len(labels))


def test_the_same_numbers_are_drawn_once_and_other_numbers_anew():
    drawn = charts.render(_chart(7), "png")
    assert charts.render(_chart(7), "png") is drawn
    assert charts.render(_chart(8), "png") != drawn


def test_a_chart_fits_its_labels_beside_the_bars():
    image = Image.open(io.BytesIO(charts.render(_chart(9), "png"))).convert("L")
    width, height = image.size
    assert (width, height) == (704, round((1.0 + 0.42 * 5) * 110))
    first_ink = min(x for x in range(width) for y in range(height) if image.getpixel((x, y)) < 128)
    assert 0 < first_ink < 0.15 * width  # the longest label fits, near the left edge
    svg = charts.render(_chart(9), "svg").decode()
    assert "Har börjat nationellt program" in svg

"""The scale profile chart: a pure function from scale scores to an SVG string."""

import subprocess
import sys
from xml.etree import ElementTree

import pytest

from assessments.charts import (
    PLOT_LEFT,
    PLOT_RIGHT,
    ROW_HEIGHT,
    ChartLabels,
    ChartScale,
    scale_profile_svg,
    x_for_t,
)

NS = "{http://www.w3.org/2000/svg}"


def _svg(*scales: ChartScale, labels: ChartLabels | None = None):
    svg = scale_profile_svg(list(scales), labels=labels)
    return ElementTree.fromstring(svg)  # noqa: S314 - our own output


def _by_class(element, tag, css_class):
    return [e for e in element.iter(f"{NS}{tag}") if e.get("class") == css_class]


def _row(root, key):
    for group in root.iter(f"{NS}g"):
        if group.get("data-scale") == key:
            return group
    raise AssertionError(f"no row for {key}")


def test_it_maps_t_20_to_80_onto_the_plot_width():
    assert x_for_t(20) == PLOT_LEFT
    assert x_for_t(80) == PLOT_RIGHT
    assert x_for_t(50) == pytest.approx((PLOT_LEFT + PLOT_RIGHT) / 2)
    assert x_for_t(62) - x_for_t(50) == pytest.approx(
        (PLOT_RIGHT - PLOT_LEFT) * 12 / 60, abs=0.01
    )


def test_it_keeps_extreme_scores_on_the_axis():
    assert x_for_t(5) == PLOT_LEFT
    assert x_for_t(95) == PLOT_RIGHT


def test_it_marks_a_score_beyond_the_axis_with_an_arrow_off_its_end():
    # The starter's lowest answers on coachability give T -2.7 (band -11.5 to
    # 6.0); the highest on negativity T 93.3. Drawn at an end of the axis, they
    # would look like T 20 and T 80 without the arrow.
    root = _svg(
        ChartScale("low", "Low", -2.7, -11.5, 6.0),
        ChartScale("edge", "Edge", 20, 11.2, 28.8),
        ChartScale("high", "High", 93.3, 84.6, 102.1),
    )

    (left,) = _by_class(_row(root, "low"), "polygon", "chart-off-scale")
    tip = [float(v) for v in left.get("points").split()[2].split(",")]
    assert tip[0] < PLOT_LEFT
    assert not _by_class(_row(root, "edge"), "polygon", "chart-off-scale")
    (right,) = _by_class(_row(root, "high"), "polygon", "chart-off-scale")
    tip = [float(v) for v in right.get("points").split()[2].split(",")]
    assert tip[0] > PLOT_RIGHT
    title = _row(root, "low").find(f"{NS}title").text
    assert title == "Low: T -3, 95 % band -12 to 6"


def test_it_places_the_point_at_the_t_score():
    root = _svg(ChartScale("drive", "Drive", 62, 54.16, 69.84))

    circle = _row(root, "drive").find(f"{NS}circle")
    assert float(circle.get("cx")) == pytest.approx(x_for_t(62))


def test_it_draws_the_95_percent_band_as_a_line():
    root = _svg(ChartScale("drive", "Drive", 62, 54.16, 69.84))

    (line,) = _by_class(_row(root, "drive"), "line", "chart-interval")
    assert float(line.get("x1")) == pytest.approx(x_for_t(54.16))
    assert float(line.get("x2")) == pytest.approx(x_for_t(69.84))
    assert line.get("y1") == line.get("y2")


def test_it_shades_the_average_range_t_40_to_60_on_every_row():
    root = _svg(
        ChartScale("drive", "Drive", 50, 42, 58),
        ChartScale("discipline", "Self-discipline", None),
    )

    for key in ("drive", "discipline"):
        (band,) = _by_class(_row(root, key), "rect", "chart-norm-band")
        assert float(band.get("x")) == pytest.approx(x_for_t(40))
        assert float(band.get("width")) == pytest.approx(x_for_t(60) - x_for_t(40))


def test_it_draws_ticks_from_20_to_80():
    root = _svg(ChartScale("drive", "Drive", 50, 42, 58))

    ticks = [t.text for t in root.iter(f"{NS}text") if t.get("class") == "chart-tick"]
    assert ticks == ["20", "30", "40", "50", "60", "70", "80"]


def test_it_says_a_missing_scale_was_not_scored_and_draws_no_point():
    root = _svg(
        ChartScale("drive", "Drive", 62, 54, 70),
        ChartScale("discipline", "Self-discipline", None),
    )

    row = _row(root, "discipline")
    assert row.find(f"{NS}circle") is None
    assert _by_class(row, "line", "chart-interval") == []
    texts = [t.text for t in row.iter(f"{NS}text")]
    assert "not scored (too few answers)" in texts


def test_it_labels_lower_is_better_scales():
    root = _svg(
        ChartScale("blame", "Negativity", 45, 37, 53, lower_is_better=True),
        ChartScale("drive", "Drive", 62, 54, 70),
    )

    def words(key):
        return "".join(_row(root, key).find(f"{NS}text").itertext())

    assert words("blame") == "Negativity (lower is better)"
    assert words("drive") == "Drive"


def test_it_is_an_accessible_image_with_title_and_description():
    labels = ChartLabels(title="Perfil", description="Puntuaciones T")
    root = _svg(ChartScale("drive", "Empuje", 62, 54, 70), labels=labels)

    assert root.get("role") == "img"
    assert root.get("aria-label") == "Perfil"
    assert root.find(f"{NS}title").text == "Perfil"
    assert root.find(f"{NS}desc").text == "Puntuaciones T"
    assert "Empuje" in _row(root, "drive").find(f"{NS}title").text


def test_it_grows_one_row_per_scale():
    one = _svg(ChartScale("a", "A", 50, 45, 55))
    three = _svg(*(ChartScale(k, k, 50, 45, 55) for k in "abc"))

    assert float(three.get("height")) - float(one.get("height")) == 2 * ROW_HEIGHT


def test_it_escapes_names_it_did_not_write():
    svg = scale_profile_svg([ChartScale("x", '<script>"x"</script>', 50, 45, 55)])

    assert "<script>" not in svg
    ElementTree.fromstring(svg)  # noqa: S314 - still well-formed


def test_it_imports_no_django():
    code = "import sys, assessments.charts; print('django' in sys.modules)"

    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert out.stdout.strip() == "False"

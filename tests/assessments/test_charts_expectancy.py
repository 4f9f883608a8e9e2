"""The expectancy chart: an accessible SVG with the same figures as its table."""

import re
from xml.etree import ElementTree

from assessments.charts import (
    EXPECTANCY_LEFT,
    EXPECTANCY_RIGHT,
    ExpectancyBar,
    ExpectancyLabels,
    expectancy_svg,
)

LABELS = ExpectancyLabels(
    title="Employed at 90 days by fit band",
    description="One bar per band.",
    axis="Employed at 90 days",
    unit=" %",
)
BARS = [
    ExpectancyBar("Strong fit", 50, 82.0, 69.0, 90.0),
    ExpectancyBar("Fit", 100, 50.0, 40.0, 60.0),
    ExpectancyBar("Borderline <b>", 0, None),
]


def _svg(**kwargs):
    return expectancy_svg(
        BARS,
        labels=LABELS,
        top=100.0,
        ticks=(0, 50, 100),
        chart_id="expectancy-0",
        **kwargs,
    )


def test_it_is_well_formed_and_labelled_for_assistive_technology():
    svg = _svg()
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output
    ns = "{http://www.w3.org/2000/svg}"

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "expectancy-0-title"
    assert root.get("aria-describedby") == "expectancy-0-desc"
    assert root.find(f"{ns}title").text == LABELS.title
    assert root.find(f"{ns}desc").text == "One bar per band."
    titles = [g.find(f"{ns}title").text for g in root.iter(f"{ns}g")]
    assert titles == [
        "Strong fit: 82 %, 95 % interval 69 % to 90 %, N 50",
        "Fit: 50 %, 95 % interval 40 % to 60 %, N 100",
        "Borderline <b>: no hires",
    ]
    assert ' style="' not in svg
    assert "<script" not in svg


def test_it_draws_each_bar_to_its_value():
    svg = _svg()
    widths = [
        float(w) for w in re.findall(r'class="chart-bar".*?width="([\d.]+)"', svg)
    ]
    span = EXPECTANCY_RIGHT - EXPECTANCY_LEFT

    assert widths == [round(0.82 * span, 2), round(0.5 * span, 2)]
    assert svg.count('class="chart-interval"') == 2
    assert 'class="chart-missing"' in svg
    assert "Borderline &lt;b&gt;" in svg


def test_it_writes_decimals_with_the_readers_separator():
    labels = ExpectancyLabels(
        title="Quota by fit band", description="", axis="Quota", decimal=","
    )
    svg = expectancy_svg(
        [ExpectancyBar("Fit", 12, 97.5, 90.25, 104.75)],
        labels=labels,
        top=150.0,
        ticks=(0, 50),
        chart_id="expectancy-1",
        digits=1,
    )

    assert ">97,5</text>" in svg
    assert "Fit: 97,5, 95 % interval 90,2 to 104,8, N 12" in svg
    assert ">50,0</text>" in svg
    assert not re.search(r">\d+\.\d+</text>", svg)

"""The scale profile of a questionnaire result, drawn as inline SVG on the server.

Pure: plain data in, an SVG string out; no Django, no clock. Translated labels are
passed in by the caller, so the chart speaks the page's language. Works without
JavaScript and without inline styles (the CSP forbids them): colours come from SVG
presentation attributes, which the stylesheet may refine through the class names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

T_MIN = 20
T_MAX = 80
T_TICKS = (20, 30, 40, 50, 60, 70, 80)
# The "average" range of the norm group: one SD either side of the mean.
NORM_BAND = (40, 60)

# Each row: the scale's name on one line, its plot line below, across the full
# width, so the chart stays legible when a phone scales it down.
WIDTH = 480
PLOT_LEFT = 16
PLOT_RIGHT = WIDTH - 16
ROW_HEIGHT = 52
LABEL_OFFSET = 17
PLOT_OFFSET = 36
TOP = 4
AXIS_HEIGHT = 36


@dataclass(frozen=True)
class ChartScale:
    """One row of the profile; t, t_low and t_high are None for a missing scale."""

    key: str
    name: str
    t: float | None
    t_low: float | None = None
    t_high: float | None = None
    lower_is_better: bool = False

    @property
    def missing(self) -> bool:
        return self.t is None


@dataclass(frozen=True)
class ChartLabels:
    """The chart's words in the reader's language."""

    title: str = "Scale profile"
    description: str = (
        "T scores (mean 50, SD 10) with their 95 % bands; the shaded area is the "
        "average range T 40 to 60."
    )
    missing: str = "not scored (too few answers)"
    lower_is_better: str = "lower is better"
    axis: str = "T score"
    point: str = "T {t}, 95 % band {low} to {high}"


def x_for_t(t: float) -> float:
    """Horizontal position of a T score on the plot, clamped to T 20..80."""
    clamped = min(max(t, T_MIN), T_MAX)
    return round(
        PLOT_LEFT + (clamped - T_MIN) / (T_MAX - T_MIN) * (PLOT_RIGHT - PLOT_LEFT), 2
    )


def chart_height(row_count: int) -> int:
    return TOP + ROW_HEIGHT * row_count + AXIS_HEIGHT


def _number(value: float) -> str:
    return f"{value:.0f}"


def _attrs(**attributes: object) -> str:
    return " ".join(
        f'{name.rstrip("_").replace("_", "-")}="{escape(str(value))}"'
        for name, value in attributes.items()
    )


def _row(index: int, scale: ChartScale, labels: ChartLabels) -> list[str]:
    top = TOP + index * ROW_HEIGHT
    plot_y = top + PLOT_OFFSET
    band_left, band_right = x_for_t(NORM_BAND[0]), x_for_t(NORM_BAND[1])
    note = (
        f' <tspan class="chart-note" font-size="12" fill="#4a4a55">'
        f"({escape(labels.lower_is_better)})</tspan>"
        if scale.lower_is_better
        else ""
    )
    if scale.missing:
        summary = labels.missing
    else:
        low = scale.t_low if scale.t_low is not None else scale.t
        high = scale.t_high if scale.t_high is not None else scale.t
        summary = labels.point.format(
            t=_number(scale.t), low=_number(low), high=_number(high)
        )
    parts = [
        f'<g class="chart-row" data-scale="{escape(scale.key)}">',
        f"<title>{escape(scale.name)}: {escape(summary)}</title>",
        f'<text class="chart-label" {_attrs(x=PLOT_LEFT, y=top + LABEL_OFFSET)} '
        f'font-size="15" font-weight="600">{escape(scale.name)}{note}</text>',
        f'<rect class="chart-norm-band" '
        f"{_attrs(x=band_left, y=plot_y - 11, width=round(band_right - band_left, 2))} "
        'height="22" fill="#dde6f0"/>',
    ]
    for tick in T_TICKS:
        x = x_for_t(tick)
        parts.append(
            f'<line class="chart-grid" {_attrs(x1=x, x2=x, y1=plot_y - 11)} '
            f'y2="{plot_y + 11}" stroke="{"#5a6b7b" if tick == 50 else "#b8c3ce"}" '
            'stroke-width="1"/>'
        )
    if scale.missing:
        parts.append(
            f'<text class="chart-missing" '
            f"{_attrs(x=(PLOT_LEFT + PLOT_RIGHT) / 2, y=plot_y + 4)} "
            f'text-anchor="middle" font-size="13" font-style="italic" '
            f'fill="#4a4a55">{escape(labels.missing)}</text>'
        )
    else:
        parts += [
            f'<line class="chart-interval" '
            f"{_attrs(x1=x_for_t(low), x2=x_for_t(high), y1=plot_y, y2=plot_y)} "
            'stroke="#1f4e79" stroke-width="3" stroke-linecap="round"/>',
            f'<circle class="chart-point" {_attrs(cx=x_for_t(scale.t), cy=plot_y)} '
            'r="6" fill="#1f4e79" stroke="#ffffff" stroke-width="2"/>',
        ]
    parts.append("</g>")
    return parts


def scale_profile_svg(
    scales: Sequence[ChartScale], *, labels: ChartLabels | None = None
) -> str:
    """The profile of a result: one horizontal row per scale on a T 20..80 axis.

    Each row holds the scale's name, the shaded average range of the norm group
    (T 40..60), a line for the 95 % band (t_low..t_high) and a point at the T
    score; a missing scale says it was not scored instead. The SVG has
    role="img", an aria-label, <title> and <desc>; the page shows the same
    figures in a table for readers who cannot see the chart.
    """
    labels = labels or ChartLabels()
    height = chart_height(len(scales))
    plot_bottom = TOP + ROW_HEIGHT * len(scales)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="profile-chart" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-label="{escape(labels.title)}" '
        'aria-labelledby="profile-title" aria-describedby="profile-desc">',
        f'<title id="profile-title">{escape(labels.title)}</title>',
        f'<desc id="profile-desc">{escape(labels.description)}</desc>',
    ]
    parts.append(
        f'<line class="chart-axis" '
        f"{_attrs(x1=PLOT_LEFT, x2=PLOT_RIGHT, y1=plot_bottom, y2=plot_bottom)} "
        'stroke="#5a6b7b" stroke-width="1"/>'
    )
    for tick in T_TICKS:
        x = x_for_t(tick)
        parts += [
            f'<line class="chart-tick-mark" '
            f"{_attrs(x1=x, x2=x, y1=plot_bottom, y2=plot_bottom + 4)} "
            'stroke="#5a6b7b" stroke-width="1"/>',
            f'<text class="chart-tick" {_attrs(x=x, y=plot_bottom + 17)} '
            f'text-anchor="middle" font-size="12">{tick}</text>',
        ]
    parts.append(
        f'<text class="chart-axis-label" '
        f"{_attrs(x=(PLOT_LEFT + PLOT_RIGHT) / 2, y=plot_bottom + 32)} "
        f'text-anchor="middle" font-size="12">{escape(labels.axis)}</text>'
    )
    for index, scale in enumerate(scales):
        parts += _row(index, scale, labels)
    parts.append("</svg>")
    return "\n".join(parts)

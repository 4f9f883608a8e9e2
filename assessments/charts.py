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
        if not T_MIN <= scale.t <= T_MAX:
            parts.append(_off_scale_arrow(scale.t < T_MIN, plot_y))
    parts.append("</g>")
    return parts


def _off_scale_arrow(below: bool, y: float) -> str:
    """An arrowhead in the margin, pointing off the axis, beside a point drawn
    at an end of the axis for a T score beyond it (the row's title gives the
    figure): without it, T 3 and T 20 would look the same."""
    edge, tip = (PLOT_LEFT - 3, 3) if below else (PLOT_RIGHT + 3, WIDTH - 3)
    points = f"{edge},{y - 6} {edge},{y + 6} {tip},{y}"
    return (
        f'<polygon class="chart-off-scale" points="{points}" fill="#1f4e79" '
        'stroke="none"/>'
    )


def scale_profile_svg(
    scales: Sequence[ChartScale], *, labels: ChartLabels | None = None
) -> str:
    """The profile of a result: one horizontal row per scale on a T 20..80 axis.

    Each row holds the scale's name, the shaded average range of the norm group
    (T 40..60), a line for the 95 % band (t_low..t_high) and a point at the T
    score (a score beyond T 20..80 at the end of the axis, with an arrowhead
    in the margin pointing off it); a missing scale says it was not scored
    instead. The SVG has
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


# --- expectancy: an outcome per fit band ---------------------------------------------

EXPECTANCY_LEFT = 168
EXPECTANCY_RIGHT = WIDTH - 24
EXPECTANCY_ROW = 40


@dataclass(frozen=True)
class ExpectancyBar:
    """One band: its label, N and the outcome's value with its 95 % interval
    (``value`` None for a band without hires)."""

    label: str
    n: int
    value: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class ExpectancyLabels:
    title: str
    description: str
    axis: str
    empty: str = "no hires"
    point: str = "{value}, 95 % interval {low} to {high}, N {n}"
    unit: str = ""
    # The reader's decimal separator ("," in Spanish), as the table beside uses.
    decimal: str = "."


def _expectancy_x(value: float, top: float) -> float:
    clamped = min(max(value, 0.0), top)
    return round(
        EXPECTANCY_LEFT + clamped / top * (EXPECTANCY_RIGHT - EXPECTANCY_LEFT), 2
    )


def expectancy_svg(
    bars: Sequence[ExpectancyBar],
    *,
    labels: ExpectancyLabels,
    top: float,
    ticks: Sequence[float],
    chart_id: str,
    digits: int = 0,
) -> str:
    """An expectancy chart: one horizontal bar per band, from 0 to the band's
    value (e.g. % employed at 90 days), a line for its 95 % interval and its N.

    Same conventions as the profile: role="img" with <title> and <desc> (ids
    prefixed by ``chart_id`` so two charts can share a page), presentation
    attributes only, and the page shows the same figures in a table.
    """

    def fmt(value: float) -> str:
        return f"{value:.{digits}f}".replace(".", labels.decimal) + labels.unit

    plot_bottom = TOP + EXPECTANCY_ROW * len(bars)
    height = plot_bottom + AXIS_HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="expectancy-chart" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title" '
        f'aria-describedby="{escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(labels.title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(labels.description)}</desc>',
        f'<line class="chart-axis" {_attrs(x1=EXPECTANCY_LEFT, x2=EXPECTANCY_RIGHT)} '
        f'y1="{plot_bottom}" y2="{plot_bottom}" stroke="#5a6b7b" stroke-width="1"/>',
    ]
    for tick in ticks:
        x = _expectancy_x(tick, top)
        parts += [
            f'<line class="chart-grid" {_attrs(x1=x, x2=x, y1=TOP)} '
            f'y2="{plot_bottom + 4}" stroke="#b8c3ce" stroke-width="1"/>',
            f'<text class="chart-tick" {_attrs(x=x, y=plot_bottom + 17)} '
            f'text-anchor="middle" font-size="12">{escape(fmt(tick))}</text>',
        ]
    parts.append(
        f'<text class="chart-axis-label" '
        f"{_attrs(x=(EXPECTANCY_LEFT + EXPECTANCY_RIGHT) / 2, y=plot_bottom + 32)} "
        f'text-anchor="middle" font-size="12">{escape(labels.axis)}</text>'
    )
    for index, bar in enumerate(bars):
        top_y = TOP + index * EXPECTANCY_ROW
        middle = top_y + EXPECTANCY_ROW / 2
        if bar.value is None:
            summary = labels.empty
        else:
            low = bar.low if bar.low is not None else bar.value
            high = bar.high if bar.high is not None else bar.value
            summary = labels.point.format(
                value=fmt(bar.value), low=fmt(low), high=fmt(high), n=bar.n
            )
        parts += [
            '<g class="chart-row">',
            f"<title>{escape(bar.label)}: {escape(summary)}</title>",
            f'<text class="chart-label" {_attrs(x=EXPECTANCY_LEFT - 8, y=middle - 2)} '
            f'text-anchor="end" font-size="13" font-weight="600">'
            f"{escape(bar.label)}</text>",
            f'<text class="chart-note" {_attrs(x=EXPECTANCY_LEFT - 8, y=middle + 13)} '
            f'text-anchor="end" font-size="12" fill="#4a4a55">N {bar.n}</text>',
        ]
        if bar.value is None:
            parts.append(
                f'<text class="chart-missing" {_attrs(x=EXPECTANCY_LEFT + 8)} '
                f'y="{middle + 4}" font-size="13" font-style="italic" '
                f'fill="#4a4a55">{escape(labels.empty)}</text>'
            )
        else:
            right = _expectancy_x(bar.value, top)
            # The value is written past the bar and its interval line, or inside
            # the bar's end when that would leave the chart.
            end = max(right, _expectancy_x(bar.high, top) if bar.high else right)
            inside = end + 6 > WIDTH - 44 and right - EXPECTANCY_LEFT > 44
            value_x = right - 6 if inside else min(end + 6, WIDTH - 44)
            anchor = "end" if inside else "start"
            fill = "#ffffff" if inside else "#1a1a1a"
            parts += [
                f'<rect class="chart-bar" {_attrs(x=EXPECTANCY_LEFT, y=middle - 10)} '
                f'width="{round(right - EXPECTANCY_LEFT, 2)}" height="20" '
                'fill="#1f4e79"/>',
                f'<text class="chart-value" {_attrs(x=value_x, y=middle + 4)} '
                f'{_attrs(text_anchor=anchor, fill=fill)} font-size="12">'
                f"{escape(fmt(bar.value))}</text>",
            ]
            if bar.low is not None and bar.high is not None:
                parts.append(
                    f'<line class="chart-interval" '
                    f"{_attrs(x1=_expectancy_x(bar.low, top))} "
                    f"{_attrs(x2=_expectancy_x(bar.high, top))} "
                    f'y1="{middle}" y2="{middle}" stroke="#e8a33d" stroke-width="3" '
                    'stroke-linecap="round"/>'
                )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)

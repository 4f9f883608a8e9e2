"""Figures as the reports print them: one minus sign (U+2212) throughout."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat

from assessments.plans import minus as _minus

register = template.Library()

NO_FIGURE = "\u2013"  # an en dash where a figure is missing


@register.filter
def minus(value) -> str:
    """The text with each hyphen-minus as a minus sign (U+2212)."""
    return _minus(str(value))


@register.filter
def number(value, places=2) -> str:
    """A figure with ``places`` decimals and a true minus sign; a dash if none."""
    if value is None or value == "":
        return NO_FIGURE
    return _minus(str(floatformat(value, places)))


@register.filter
def percentile(value) -> str:
    """A percentile rank as a whole number, "<1" and ">99" at the ends.

    Under the normal model no score is above or below the whole norm group, so
    99.7 printed as "100" (or 0.3 as "0") would say what the figure does not:
    the usual reporting of percentile ranks runs from 1 to 99.
    """
    if value is None or value == "":
        return NO_FIGURE
    value = float(value)
    if value < 0.5:
        return "<1"
    if value >= 99.5:
        return ">99"
    return str(floatformat(value, 0))


@register.filter
def signed(value, places=2) -> str:
    """Like ``number``, with a plus sign on positive figures."""
    if value is None or value == "":
        return NO_FIGURE
    text = str(floatformat(value, places))
    if not text.startswith("-") and float(value) != 0:
        text = "+" + text
    return _minus(text)


@register.filter
def field_named(form, name: str):
    """The bound field ``name`` of a form whose fields are made at run time."""
    return form[name]

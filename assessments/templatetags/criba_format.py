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

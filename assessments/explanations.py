"""Explanations in words of what a stored result means.

The labels of bands, scales and validity indices are the caller's
(``scale_name``, ``band_name``); this module writes the sentences around them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from assessments.scoring.comparison import SED_Z


def _decimal(value: float) -> str:
    """Two decimals with the active language's separator (0,12 in Spanish)."""
    return number_format(value, 2)


def _signed(value: float) -> str:
    sign = "\u2212" if round(value, 2) < 0 else "+"
    return sign + _decimal(abs(value))


def band_explanation_text(
    explanation: Mapping,
    *,
    scale_name: Callable[[str], str],
    band_name: Callable[[str], str],
    sem: float | None = None,
    top: int = 2,
) -> list[str]:
    """Sentences that say what drove a composite into its band.

    ``explanation`` is a stored result's ``explanation`` (see
    ``scoring.composite.BandExplanation``); ``scale_name`` and ``band_name``
    turn keys into display names. With the composite's ``sem``, a cut within
    its 95 % band is pointed out: the band could differ on a retest.
    """
    if not explanation:
        return []
    contributions = explanation.get("contributions") or []
    composite = explanation.get("composite")
    if composite is None:
        missing = ", ".join(scale_name(key) for key in explanation["missing_scales"])
        return [
            _("No composite could be computed: too few answers on %(scales)s.")
            % {"scales": missing or _("a weighted scale")}
        ]
    sentences = []
    band = explanation.get("band")
    if band:
        sentences.append(
            _("The composite of %(composite)s falls in the band “%(band)s”.")
            % {"composite": _signed(composite), "band": band_name(band)}
        )
    else:
        sentences.append(
            _("The composite is %(composite)s.") % {"composite": _signed(composite)}
        )
    scored = [c for c in contributions if c.get("contribution") is not None]
    raised = [c for c in scored if c["contribution"] > 0][:top]
    lowered = [c for c in scored if c["contribution"] < 0][:top]

    def listing(items) -> str:
        return ", ".join(
            f"{scale_name(c['scale'])} ({_signed(c['contribution'])})" for c in items
        )

    if raised:
        sentences.append(
            _("What raised it most: %(list)s.") % {"list": listing(raised)}
        )
    if lowered:
        sentences.append(
            _("What lowered it most: %(list)s.") % {"list": listing(lowered)}
        )
    cut, label = explanation.get("nearest_cut"), explanation.get("nearest_cut_label")
    distance = explanation.get("distance_to_cut")
    if cut is not None and distance is not None:
        where = _("above") if distance >= 0 else _("below")
        sentences.append(
            _(
                "It lies %(distance)s %(where)s the cut score %(cut)s of the band "
                "“%(band)s”."
            )
            % {
                "distance": _decimal(abs(distance)),
                "where": where,
                "cut": _signed(cut),
                "band": band_name(label),
            }
        )
        if sem is not None and abs(distance) < SED_Z * sem:
            sentences.append(
                _(
                    "That cut lies within the composite's 95 %% band (± %(margin)s): "
                    "on a retest the band could differ."
                )
                % {"margin": _decimal(SED_Z * sem)}
            )
    return sentences

"""What a score is computed against: the norm set, the reliabilities, the plan."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

from assessments.models import (
    AssessmentPlan,
    InstrumentVersion,
    NormSet,
    ScaleReliability,
)
from assessments.scoring import BatchResult, Norm


def norm_set_current(
    version: InstrumentVersion, language: str, *, with_samples: bool = True
) -> NormSet:
    """Local norms for the language, else local norms for all, else provisional.

    A local norm sample holds one float per submission and scale; most scoring
    never reads it (normal percentiles), so ``with_samples=False`` leaves it
    unloaded.
    """
    norm_sets = NormSet.objects.filter(version=version)
    if not with_samples:
        norm_sets = norm_sets.defer("samples")
    for candidate in (
        norm_sets.filter(source=NormSet.Source.LOCAL, language=language),
        norm_sets.filter(source=NormSet.Source.LOCAL, language=""),
        norm_sets.filter(source=NormSet.Source.PROVISIONAL),
    ):
        found = candidate.order_by("-computed_at", "-id").first()
        if found is not None:
            return found
    raise LookupError(f"{version} has no norm set; run manage.py load_instruments")


def engine_norms(norm_set: NormSet, *, with_samples: bool = True) -> dict[str, Norm]:
    """The norm set as the engine takes it, one ``Norm`` per scale."""
    samples = norm_set.samples if with_samples else {}
    return {
        key: Norm(
            mean=figures["mean"],
            sd=figures["sd"],
            n=figures.get("n", 0),
            source=norm_set.source,
            sample=tuple(samples[key]) if samples.get(key) else None,
        )
        for key, figures in norm_set.scales.items()
    }


def reliabilities_current(version: InstrumentVersion) -> dict[str, float | None]:
    """Estimated alpha per scale where estimable, else the definition's figure."""
    return reliabilities_with_sources(version)[0]


def reliabilities_with_sources(
    version: InstrumentVersion,
) -> tuple[dict[str, float | None], dict[str, str]]:
    """`reliabilities_current` and, per scale, where its figure comes from:
    "estimate" (alpha of the local valid submissions) or "definition" (the
    figure published with the questionnaire, until alpha is estimable)."""
    estimated = {
        r.scale_key: r.alpha
        for r in ScaleReliability.objects.filter(version=version, alpha__isnull=False)
    }
    values, sources = {}, {}
    for scale in version.definition["scales"]:
        key = scale["key"]
        values[key] = estimated.get(key, scale.get("reliability"))
        sources[key] = "estimate" if key in estimated else "definition"
    return values, sources


def reliability_sources_applied(
    batch: BatchResult, sources: Mapping[str, str]
) -> BatchResult:
    """The batch with each scale's reliability said to come from the local
    estimate or from the definition (`reliabilities_with_sources`): the engine,
    given a number, calls either an estimate."""
    return replace(
        batch,
        reliability_source=tuple(
            sources.get(key, source) if source == "estimate" else source
            for key, source in zip(
                batch.scale_keys, batch.reliability_source, strict=True
            )
        ),
    )


def plan_settings(plan: AssessmentPlan | None, definition: dict):
    """``(weights, bands, percentiles)`` of a job's plan, else the definition's
    defaults; no bands without weights."""
    defaults = definition.get("plan_defaults") or {}
    weights = (plan.scale_weights if plan else None) or defaults.get("weights")
    bands = (plan.bands if plan else None) or defaults.get("bands") or []
    bands = [
        (-math.inf if lower is None else float(lower), label) for lower, label in bands
    ]
    percentiles = plan.percentiles if plan else "normal"
    return weights or None, bands if weights else [], percentiles

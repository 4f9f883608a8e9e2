"""Figures about an instrument version as a whole, and about candidates side by side.

- local norms from the valid completed submissions, once there are enough;
- reliability per scale (alpha with Feldt interval), which the SEM then uses;
- the statistics page of a version (N, mean, SD, alpha, item analysis);
- the item-level export for researchers;
- composites compared under the SED rule, and the band explained in words.

Everything reads the current result of each submission; "valid" means its
validity status is ``valid`` (SCORING.md section 6).
"""

from __future__ import annotations

import csv
import json
import logging
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

import numpy as np
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.definitions import instrument_spec, item_texts
from assessments.models import (
    InstrumentVersion,
    Invitation,
    NormSet,
    QuestionnaireResult,
    ScaleReliability,
)
from assessments.results import SCORABLE, answer_matrix, norm_set_current
from assessments.scoring import (
    ScaleStatistics,
    indistinguishable_pairs,
    instrument_reliability,
    keyed_answers,
    sed,
)
from assessments.scoring.reliability import MIN_N as MIN_RELIABILITY_N
from hiring.models import AuditEvent
from hiring.services import audit_record

logger = logging.getLogger(__name__)

MIN_NORM_N = 100
# Alpha's Feldt interval is about +/- .003 at N = 50,000: more rows would add
# memory, not information.
MAX_RELIABILITY_N = 50_000
_CHUNK = 5000

__all__ = [
    "MAX_RELIABILITY_N",
    "MIN_NORM_N",
    "MIN_RELIABILITY_N",
    "CompositeStanding",
    "InstrumentStatistics",
    "ItemStatistics",
    "ScaleReport",
    "band_explanation_text",
    "composite_sem",
    "composites_compare",
    "instrument_statistics",
    "norms_recompute",
    "reliabilities_recompute",
    "responses_export",
    "results_compare",
]


def valid_results(version: InstrumentVersion) -> QuerySet[QuestionnaireResult]:
    """Current results of the completed submissions of ``version`` judged valid."""
    return QuestionnaireResult.objects.filter(
        is_current=True,
        validity_status="valid",
        invitation__instrument_version=version,
        invitation__status__in=SCORABLE,
    )


def _versions(version: InstrumentVersion | None) -> list[InstrumentVersion]:
    return [version] if version is not None else list(InstrumentVersion.objects.all())


def _answers(ids: list[int], item_keys: Sequence[str]) -> np.ndarray:
    parts = [
        answer_matrix(ids[start : start + _CHUNK], item_keys)[0]
        for start in range(0, len(ids), _CHUNK)
    ]
    return np.vstack(parts) if parts else np.empty((0, len(item_keys)))


# --- norms ----------------------------------------------------------------------------


def _scale_means(version: InstrumentVersion) -> tuple[list[str], np.ndarray]:
    """Language and scale means (N x S, NaN when missing) of the valid submissions."""
    keys = [scale["key"] for scale in version.definition["scales"]]
    means = {
        f"mean_{j}": KeyTextTransform("raw_mean", KeyTransform(key, "scales"))
        for j, key in enumerate(keys)
    }
    rows = (
        valid_results(version)
        .annotate(language=F("invitation__language"), **means)
        .order_by("invitation_id")
        .values_list("language", *means)
    )
    languages, values = [], []
    for language, *figures in rows.iterator(chunk_size=_CHUNK):
        languages.append(language)
        values.append([math.nan if v is None else float(v) for v in figures])
    return languages, np.array(values, dtype=float).reshape(-1, len(keys))


def _norm_figures(
    keys: list[str], means: np.ndarray, min_n: int
) -> tuple[dict, dict] | None:
    scales, samples = {}, {}
    for j, key in enumerate(keys):
        column = means[:, j]
        column = np.sort(column[~np.isnan(column)])
        sd = float(column.std(ddof=1)) if column.size >= 2 else 0.0
        if column.size < min_n or not sd > 0:
            return None
        scales[key] = {"mean": float(column.mean()), "sd": sd, "n": int(column.size)}
        samples[key] = column.tolist()
    return scales, samples


def norms_recompute(
    *,
    version: InstrumentVersion | None = None,
    now: datetime | None = None,
    min_n: int = MIN_NORM_N,
) -> list[NormSet]:
    """Store local norm sets computed from the valid completed submissions.

    Per version and language with at least ``min_n`` valid submissions (and a
    pooled set, language "", when all languages together reach ``min_n``): per
    scale the mean, SD (ddof 1) and N of the scale means, and the sorted means
    as the sample for empirical percentiles. A set is stored only when it
    differs from the newest local set of its language, so running this daily
    does not make every submission look out of date for rescoring. Returns the
    sets created. New submissions are scored against the newest set;
    ``manage.py rescore`` brings older results onto it.
    """
    now = now or timezone.now()
    created = []
    for each in _versions(version):
        keys = [scale["key"] for scale in each.definition["scales"]]
        languages, means = _scale_means(each)
        if len(languages) < min_n:
            continue
        language_of = np.array(languages, dtype=object)
        groups = {"": np.ones(len(languages), dtype=bool)}
        for language in sorted(set(languages)):
            groups[language] = language_of == language
        for language, chosen in groups.items():
            if chosen.sum() < min_n:
                continue
            figures = _norm_figures(keys, means[chosen], min_n)
            if figures is None:
                logger.info("%s: no local norms for %r yet", each, language)
                continue
            scales, samples = figures
            newest = (
                NormSet.objects.filter(
                    version=each, source=NormSet.Source.LOCAL, language=language
                )
                .order_by("-computed_at", "-id")
                .first()
            )
            if (
                newest is not None
                and newest.scales == scales
                and newest.samples == samples
            ):
                continue
            created.append(
                NormSet.objects.create(
                    version=each,
                    source=NormSet.Source.LOCAL,
                    language=language,
                    scales=scales,
                    samples=samples,
                    n=int(chosen.sum()),
                    computed_at=now,
                )
            )
    return created


# --- reliability ----------------------------------------------------------------------


def _valid_ids(version: InstrumentVersion, max_n: int) -> list[int]:
    newest = (
        valid_results(version)
        .order_by("-invitation_id")
        .values_list("invitation_id", flat=True)[:max_n]
    )
    return sorted(newest)


def _reliability_figures(
    version: InstrumentVersion, max_n: int
) -> tuple[np.ndarray, dict[str, ScaleStatistics]]:
    spec = instrument_spec(version.definition)
    matrix = _answers(_valid_ids(version, max_n), spec.item_keys)
    return matrix, dict(instrument_reliability(matrix, spec))


def reliabilities_recompute(
    *,
    version: InstrumentVersion | None = None,
    now: datetime | None = None,
    max_n: int = MAX_RELIABILITY_N,
) -> list[ScaleReliability]:
    """Estimate Cronbach's alpha with its Feldt 95 % interval per scale.

    From the newest ``max_n`` valid completed submissions of each version,
    listwise complete per scale. Below 30 respondents alpha is stored as
    ``None``, "not yet estimable", and scoring keeps the definition's figure
    (``results.reliabilities_current``). The SEM of every later score uses the
    stored alpha.
    """
    now = now or timezone.now()
    stored = []
    for each in _versions(version):
        _, figures = _reliability_figures(each, max_n)
        with transaction.atomic():
            for key, stats in figures.items():
                row, _ = ScaleReliability.objects.update_or_create(
                    version=each,
                    scale_key=key,
                    defaults={
                        "n": stats.n,
                        "alpha": stats.alpha if stats.estimable else None,
                        "alpha_low": stats.alpha_low if stats.estimable else None,
                        "alpha_high": stats.alpha_high if stats.estimable else None,
                        "computed_at": now,
                    },
                )
                stored.append(row)
    return stored


# --- the statistics page --------------------------------------------------------------


@dataclass(frozen=True)
class ItemStatistics:
    key: str
    text: str
    keyed: int
    mean: float | None  # of the raw answers of the scale's complete respondents
    sd: float | None
    item_total: float | None  # corrected item-total correlation
    alpha_if_dropped: float | None


@dataclass(frozen=True)
class ScaleReport:
    key: str
    name: str
    higher_is_better: bool
    statistics: ScaleStatistics
    items: tuple[ItemStatistics, ...]
    reliability_used: float | None  # what the SEM uses now
    reliability_source: str  # "estimate" (stored alpha) or "definition"


@dataclass(frozen=True)
class InstrumentStatistics:
    version: InstrumentVersion
    scored: int  # completed submissions with a current result
    valid: int  # of which valid
    used: int  # valid submissions the figures come from (at most max_n)
    scales: tuple[ScaleReport, ...]
    norm_sets: tuple[NormSet, ...]  # the set scoring uses now, per language
    min_n: int = MIN_RELIABILITY_N


def _optional(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def instrument_statistics(
    version: InstrumentVersion,
    *,
    language: str = "en",
    max_n: int = MAX_RELIABILITY_N,
) -> InstrumentStatistics:
    """Per scale N, mean, SD, alpha with its interval, item-total correlations and
    alpha if an item were dropped, from the valid completed submissions.

    Computed live from the answers (the newest ``max_n``), so it always shows
    the data as it is; the reliability that scores use is the stored one.
    """
    definition = version.definition
    spec = instrument_spec(definition)
    texts = item_texts(
        definition, language if language in definition["languages"] else "en"
    )
    matrix, figures = _reliability_figures(version, max_n)
    keyed = keyed_answers(matrix, spec)
    stored = {
        r.scale_key: r.alpha
        for r in ScaleReliability.objects.filter(version=version, alpha__isnull=False)
    }
    reports = []
    for scale in definition["scales"]:
        key = scale["key"]
        columns = spec.scale_columns(key)
        raw = matrix[:, columns]
        complete = raw[~np.isnan(keyed[:, columns]).any(axis=1)]
        stats = figures[key]
        items = []
        for position, column in enumerate(columns.tolist()):
            item = spec.items[column]
            values = complete[:, position]
            items.append(
                ItemStatistics(
                    key=item.key,
                    text=texts[item.key],
                    keyed=item.keyed,
                    mean=_optional(values.mean()) if values.size else None,
                    sd=_optional(values.std(ddof=1)) if values.size >= 2 else None,
                    item_total=stats.item_total[position] if stats.item_total else None,
                    alpha_if_dropped=stats.alpha_if_dropped[position]
                    if stats.alpha_if_dropped
                    else None,
                )
            )
        used = stored.get(key)
        reports.append(
            ScaleReport(
                key=key,
                name=version.scale_name(key, language),
                higher_is_better=scale.get("higher_is_better", True),
                statistics=stats,
                items=tuple(items),
                reliability_used=used if used is not None else scale.get("reliability"),
                reliability_source="estimate" if used is not None else "definition",
            )
        )
    scored = QuestionnaireResult.objects.filter(
        is_current=True,
        invitation__instrument_version=version,
        invitation__status__in=SCORABLE,
    )
    languages = sorted(set(definition["languages"]))
    return InstrumentStatistics(
        version=version,
        scored=scored.count(),
        valid=valid_results(version).count(),
        used=matrix.shape[0],
        scales=tuple(reports),
        norm_sets=tuple(norm_set_current(version, lang) for lang in languages),
    )


# --- item-level export ----------------------------------------------------------------

EXPORT_FORMATS = ("csv", "json")
EXPORT_COLUMNS = ("submission_id", "language", "submitted_at", "validity_status")


def _export_rows(version: InstrumentVersion) -> Iterator[list]:
    """One row per completed submission: the export columns, then every answer in
    definition order (None when unanswered)."""
    item_keys = instrument_spec(version.definition).item_keys
    invitations = (
        Invitation.objects.filter(instrument_version=version, status__in=SCORABLE)
        .order_by("pk")
        .values_list("pk", "language", "submitted_at")
    )
    batch: list[tuple] = []

    def flush() -> Iterator[list]:
        ids = [pk for pk, _, _ in batch]
        matrix, _ = answer_matrix(ids, item_keys)
        status = dict(
            QuestionnaireResult.objects.filter(
                invitation_id__in=ids, is_current=True
            ).values_list("invitation_id", "validity_status")
        )
        answers = np.where(np.isnan(matrix), -1, matrix).astype(np.int64).tolist()
        for (pk, language, submitted_at), values in zip(batch, answers, strict=True):
            yield [
                pk,
                language,
                submitted_at.isoformat() if submitted_at else None,
                status.get(pk, ""),
                *(None if v < 0 else v for v in values),
            ]

    for row in invitations.iterator(chunk_size=_CHUNK):
        batch.append(row)
        if len(batch) == _CHUNK:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def responses_export(
    *, version: InstrumentVersion, fmt: str, out: TextIO, actor=None
) -> int:
    """Write the item-level data of ``version`` for researchers; returns the rows.

    One row per completed submission, no personal data: submission id, language,
    submitted time (ISO 8601), validity status of the current result ("" if not
    scored yet), then one column per item key in definition order with the raw
    answer (empty / null when unanswered). ``fmt`` is ``csv`` or ``json`` (an
    array of objects with the same fields in the same order). Audited.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {EXPORT_FORMATS}, not {fmt!r}")
    item_keys = list(instrument_spec(version.definition).item_keys)
    clash = sorted(set(item_keys) & set(EXPORT_COLUMNS))
    if clash:
        raise ValueError(f"item keys clash with export columns: {clash}")
    header = [*EXPORT_COLUMNS, *item_keys]
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in _export_rows(version):
            writer.writerow(["" if value is None else value for value in row])
            count += 1
    else:
        out.write("[")
        for row in _export_rows(version):
            out.write(",\n" if count else "\n")
            out.write(json.dumps(dict(zip(header, row, strict=True))))
            count += 1
        out.write("\n]\n" if count else "]\n")
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=version,
        data={"what": "responses", "format": fmt, "rows": count},
    )
    return count


# --- composites side by side ----------------------------------------------------------

SED_Z = 1.96


def composite_sem(
    scales: Mapping[str, Mapping], weights: Mapping[str, float]
) -> float | None:
    """SEM of a composite ``C = sum w_i z_i``: ``sqrt(sum (w_i SEM_i)^2)``.

    ``SEM_i`` is the scale's SEM on the z metric (the stored T-score SEM / 10);
    measurement errors of different scales are taken as independent, the
    classical assumption (Lord & Novick 1968, ch. 3). None when a weighted
    scale has no SEM.
    """
    total = 0.0
    for key, weight in weights.items():
        if not weight:
            continue
        sem_t = (scales.get(key) or {}).get("sem")
        if sem_t is None:
            return None
        total += (float(weight) * float(sem_t) / 10.0) ** 2
    return math.sqrt(total)


@dataclass(frozen=True)
class CompositeStanding:
    """One candidate among others; ``group`` 1 is the top group.

    Candidates in one group are not distinguishable at 95 % from the group's
    first member and must be shown together, not ranked apart.
    ``indistinguishable_from`` lists the keys of every candidate whose
    composite lies within ``1.96 SED`` of this one.
    """

    key: object
    composite: float
    sem: float
    group: int
    indistinguishable_from: tuple = ()


def composites_compare(
    entries: Iterable[tuple[object, float | None, float | None]], *, z: float = SED_Z
) -> list[CompositeStanding]:
    """Order candidates by composite and group those the SED rule cannot separate.

    ``entries`` are ``(key, composite, sem)``; entries without a composite or
    SEM are left out. Two composites differ at 95 % only when they are at least
    ``z * SED`` apart, ``SED = sqrt(SEM_a^2 + SEM_b^2)`` (SCORING.md section 3).
    Groups are bands fixed from the top (Cascio, Outtz, Zedeck & Goldstein
    1991): the highest composite not yet grouped opens a group, and everyone
    indistinguishable from it joins; the next one left opens the next group.
    """
    kept = sorted(
        (
            (key, float(composite), float(sem))
            for key, composite, sem in entries
            if composite is not None and sem is not None and math.isfinite(composite)
        ),
        key=lambda entry: -entry[1],
    )
    if not kept:
        return []
    composites = np.array([c for _, c, _ in kept])
    sems = np.array([s for _, _, s in kept])
    pairwise = sed(sems[:, None], sems[None, :])
    close: dict[int, list[int]] = {i: [] for i in range(len(kept))}
    for i, j in indistinguishable_pairs(composites, pairwise, z):
        close[i].append(j)
        close[j].append(i)
    groups = np.zeros(len(kept), dtype=int)
    group = 0
    for leader in range(len(kept)):
        if groups[leader]:
            continue
        group += 1
        groups[leader] = group
        for other in close[leader]:
            if other > leader and not groups[other]:
                groups[other] = group
    return [
        CompositeStanding(
            key=key,
            composite=composite,
            sem=sem,
            group=int(groups[i]),
            indistinguishable_from=tuple(kept[j][0] for j in sorted(close[i])),
        )
        for i, (key, composite, sem) in enumerate(kept)
    ]


def _result_weights(result: QuestionnaireResult) -> dict[str, float]:
    contributions = (result.explanation or {}).get("contributions") or []
    return {item["scale"]: item["weight"] for item in contributions}


def results_compare(
    results: Iterable[QuestionnaireResult], *, z: float = SED_Z
) -> list[CompositeStanding]:
    """``composites_compare`` for stored results (the key is the result).

    The weights come from each result's explanation (the job plan it was scored
    under), the SEMs from its scales.
    """
    return composites_compare(
        (
            (
                result,
                result.composite,
                composite_sem(result.scales or {}, _result_weights(result)),
            )
            for result in results
        ),
        z=z,
    )


# --- the band in words ----------------------------------------------------------------


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", "\u2212")


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
                "It lies %(distance).2f %(where)s the cut score %(cut)s of the band "
                "“%(band)s”."
            )
            % {
                "distance": abs(distance),
                "where": where,
                "cut": _signed(cut),
                "band": band_name(label),
            }
        )
        if sem is not None and abs(distance) < SED_Z * sem:
            sentences.append(
                _(
                    "That cut lies within the composite's 95 %% band (± %(margin).2f): "
                    "on a retest the band could differ."
                )
                % {"margin": SED_Z * sem}
            )
    return sentences

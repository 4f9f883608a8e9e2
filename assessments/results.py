"""Turning stored answers into stored results: the Django side of the engine.

One path serves both the scoring task (one invitation) and bulk rescoring (many):
lock a group of invitations, load their answers as one matrix, call the pure
engine once, write the results in bulk. Results are unique per invitation,
scoring version and norm set, so running the same work twice writes nothing new.

Bulk rescoring is meant to run at close to the speed of the database itself, so
no step of it loops in Python over answers, and none builds an object per
result: answers arrive as one binary COPY parsed by numpy (PostgreSQL), the
presentation orders are rebuilt for all submissions at once, the JSON of the
results is written by %-templates, and the rows go back with COPY.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

import numpy as np
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from assessments.definitions import all_item_keys, instrument_spec, item_model
from assessments.models import (
    AssessmentPlan,
    InstrumentVersion,
    Invitation,
    NormSet,
    PageTiming,
    QuestionnaireResult,
    Response,
    ScaleReliability,
)
from assessments.scoring import (
    SCORING_VERSION,
    BatchResult,
    CovarianceNorm,
    Norm,
    score_batch,
)
from assessments.services import presentation_permutations
from hiring.events import event_build, events_record_many
from hiring.models import OutboxEvent

SCORABLE = tuple(Invitation.SCORABLE_STATUSES)
RESCORE_BATCH_SIZE = 2500


# --- norms and reliabilities ----------------------------------------------------------


def _norm_set_candidates(version: InstrumentVersion, language: str):
    norm_sets = NormSet.objects.filter(version=version)
    return (
        norm_sets.filter(source=NormSet.Source.LOCAL, language=language),
        norm_sets.filter(source=NormSet.Source.LOCAL, language=""),
        norm_sets.filter(source=NormSet.Source.PROVISIONAL),
    )


def norm_set_current(version: InstrumentVersion, language: str) -> NormSet:
    """Local norms for the language, else local norms for all, else provisional."""
    for candidate in _norm_set_candidates(version, language):
        found = candidate.order_by("-computed_at", "-id").first()
        if found is not None:
            return found
    raise LookupError(f"{version} has no norm set; run manage.py load_instruments")


def _norm_set_current_without_samples(
    version: InstrumentVersion, language: str
) -> NormSet:
    # A local norm sample holds one float per submission and scale; most scoring
    # never reads it (normal percentiles), so it is loaded only when asked for.
    for candidate in _norm_set_candidates(version, language):
        found = candidate.defer("samples").order_by("-computed_at", "-id").first()
        if found is not None:
            return found
    raise LookupError(f"{version} has no norm set; run manage.py load_instruments")


def engine_norms(norm_set: NormSet, *, with_samples: bool = True) -> dict[str, Norm]:
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
    estimated = {
        r.scale_key: r.alpha
        for r in ScaleReliability.objects.filter(version=version, alpha__isnull=False)
    }
    return {
        scale["key"]: estimated.get(scale["key"], scale.get("reliability"))
        for scale in version.definition["scales"]
    }


def _plan_settings(plan: AssessmentPlan | None, definition: dict):
    defaults = definition.get("plan_defaults") or {}
    weights = (plan.scale_weights if plan else None) or defaults.get("weights")
    bands = (plan.bands if plan else None) or defaults.get("bands") or []
    bands = [
        (-math.inf if lower is None else float(lower), label) for lower, label in bands
    ]
    percentiles = plan.percentiles if plan else "normal"
    return weights or None, bands if weights else [], percentiles


# --- reading answers as matrices ------------------------------------------------------


def _fetch_bytes(sql: str, params: Sequence) -> bytes:
    """The one bytea value a PostgreSQL query returns, fetched in binary.

    Queries here pack their rows into one value with ``string_agg`` of
    ``*send()`` (big-endian binary), so 300,000 answers arrive as one buffer for
    ``np.frombuffer`` instead of as 300,000 Python tuples.
    """
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        (data,) = cursor.fetchone()
    return bytes(data or b"")


def _among(field_name: str, ids: Iterable[int]) -> Q:
    """``field__in=ids``; on PostgreSQL as one array parameter.

    Thousands of ``IN (%s, ...)`` placeholders cost more to build and parse than
    the query takes to run.
    """
    ids = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        return Q(**{f"{field_name}__in": RawSQL("SELECT unnest(%s::bigint[])", [ids])})
    return Q(**{f"{field_name}__in": ids})


def _id_array(ids: Sequence[int]) -> np.ndarray:
    return np.asarray(ids, dtype=np.int64)


def answer_matrix(
    invitation_ids: Sequence[int], item_keys: Sequence[str]
) -> tuple[np.ndarray, dict[int, int]]:
    """N x k float matrix of answers (NaN where unanswered), one query.

    Rows follow ``invitation_ids``; columns follow ``item_keys``.
    """
    ids = _id_array(invitation_ids)
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    matrix = np.full((ids.size, len(item_keys)), np.nan)
    if not ids.size:
        return matrix, {}
    if connection.vendor == "postgresql":
        data = _fetch_bytes(
            "SELECT string_agg(int8send(r.invitation_id) "  # noqa: S608
            "|| int2send((k.i - 1)::int2) || int2send(r.value), ''::bytea) "
            f"FROM {Response._meta.db_table} r "
            "JOIN unnest(%s::text[]) WITH ORDINALITY AS k(item_key, i) "
            "ON k.item_key = r.item_key WHERE r.invitation_id = ANY(%s::bigint[])",
            [list(item_keys), ordered.tolist()],
        )
        rows = np.frombuffer(data, dtype=[("i", ">i8"), ("c", ">i2"), ("v", ">i2")])
        invitations, columns, values = rows["i"], rows["c"], rows["v"]
    else:
        column_of = {key: j for j, key in enumerate(item_keys)}
        triples = [
            (invitation_id, column_of[key], value)
            for invitation_id, key, value in Response.objects.filter(
                invitation_id__in=ordered.tolist()
            )
            .values_list("invitation_id", "item_key", "value")
            .iterator(chunk_size=20000)
            if key in column_of
        ]
        table = np.array(triples, dtype=np.int64).reshape(-1, 3)
        invitations, columns, values = table[:, 0], table[:, 1], table[:, 2]
    matrix[order[np.searchsorted(ordered, invitations)], columns] = values
    return matrix, {int(pk): i for i, pk in enumerate(ids.tolist())}


def _page_arrays(invitation_ids: Sequence[int]):
    """N x P item counts and seconds per page (NaN-padded), or (None, None)."""
    ids = _id_array(invitation_ids)
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    if connection.vendor == "postgresql":
        data = _fetch_bytes(
            "SELECT string_agg(int8send(invitation_id) "  # noqa: S608
            "|| int2send(page::int2) || int2send(item_count::int2) "
            "|| float8send(seconds), ''::bytea) "
            f"FROM {PageTiming._meta.db_table} "
            "WHERE seconds IS NOT NULL AND invitation_id = ANY(%s::bigint[])",
            [ordered.tolist()],
        )
        rows = np.frombuffer(
            data, dtype=[("i", ">i8"), ("p", ">i2"), ("n", ">i2"), ("s", ">f8")]
        )
        invitations, pages = rows["i"], rows["p"].astype(np.int64)
        counts, seconds = rows["n"], rows["s"]
    else:
        timings = list(
            PageTiming.objects.filter(
                invitation_id__in=ordered.tolist(), seconds__isnull=False
            ).values_list("invitation_id", "page", "item_count", "seconds")
        )
        table = np.array(timings, dtype=float).reshape(-1, 4)
        invitations = table[:, 0].astype(np.int64)
        pages = table[:, 1].astype(np.int64)
        counts, seconds = table[:, 2], table[:, 3]
    if not len(invitations):
        return None, None
    rows_of = order[np.searchsorted(ordered, invitations)]
    shape = (ids.size, int(pages.max()) + 1)
    page_items = np.full(shape, np.nan)
    page_seconds = np.full(shape, np.nan)
    page_items[rows_of, pages] = counts
    page_seconds[rows_of, pages] = seconds
    return page_items, page_seconds


# --- presentation orders of many submissions ------------------------------------------


def presentation_orders(definition: dict, seeds: Sequence[int]) -> np.ndarray:
    """N x k matrix of item columns in the order each submission presented them.

    Row i equals ``services.presentation_order(definition, seeds[i])`` mapped to
    columns of ``all_item_keys(definition)``, the engine's column order.
    """
    return presentation_permutations(seeds, len(all_item_keys(definition)))


# --- results as JSON text -------------------------------------------------------------
#
# Formatting a float costs microseconds and a result holds about a hundred, so
# each column is formatted once per distinct value (np.unique on the bit
# pattern, which keeps -0.0 apart from 0.0): a scale's z, T, band and percentile
# are functions of its raw mean, which takes a few dozen values per batch.


def _distinct_texts(values: np.ndarray, text_of) -> list[str]:
    """``text_of(value)`` for every entry of a 1-d array, computed per distinct bit
    pattern."""
    values = np.ascontiguousarray(values)
    bits = values.view(np.dtype(f"u{values.dtype.itemsize}"))
    distinct, inverse = np.unique(bits, return_inverse=True)
    texts = np.array(
        [text_of(v) for v in distinct.view(values.dtype).tolist()], dtype=object
    )
    return texts[inverse.reshape(-1)].tolist()


def _float_text(value: float, null: str = "null") -> str:
    return null if value != value else repr(value)  # NaN != NaN


def _floats(values: np.ndarray) -> list[str]:
    """JSON texts of floats, NaN as ``null`` (``repr``, as ``json.dumps`` does)."""
    return _distinct_texts(np.asarray(values, dtype=np.float64), _float_text)


def _ints(values: np.ndarray) -> list[str]:
    """JSON integers; for a float array ``int(value)``, NaN as ``null``."""
    values = np.asarray(values)
    if np.issubdtype(values.dtype, np.integer):
        return _distinct_texts(values.astype(np.int64), str)
    return _distinct_texts(
        values.astype(np.float64),
        lambda v: "null" if v != v else str(int(v)),
    )


def _bools(values: np.ndarray) -> list[str]:
    return np.where(np.asarray(values, dtype=bool), "true", "false").tolist()


def _plain_column(values: np.ndarray) -> list[str]:
    """A per-row array as JSON texts, typed like the engine's ``_plain``."""
    values = np.asarray(values)
    if values.dtype == bool:
        return _bools(values)
    if np.issubdtype(values.dtype, np.integer):
        return _ints(values)
    return _floats(values)


def _json_literal(value) -> str:
    return json.dumps(value)


def _json_constant(value) -> str:
    """A JSON literal to embed in a %-template (its % signs doubled)."""
    return json.dumps(value).replace("%", "%%")


def _render(template: str, columns: list[list], rows: int) -> list[str]:
    if not columns:
        return [template % ()] * rows
    return [template % values for values in zip(*columns, strict=True)]


@dataclass(frozen=True)
class ResultRecords:
    """Stored fields of every row of a batch, the JSON fields as JSON text.

    ``scales``, ``validity`` and ``explanation`` decode to exactly what
    ``batch.row(i).to_dict()`` holds (the explanation as ``{}`` when there is
    none), built without an object per row.
    """

    scales: list[str]
    validity: list[str]
    explanation: list[str]
    validity_status: list[str]
    composite: list[float | None]
    band: list[str]


def _scales_json(batch: BatchResult) -> list[str]:
    parts, columns = [], []
    for j, key in enumerate(batch.scale_keys):
        varying = {
            "raw_mean": _plain_column(batch.raw_mean[:, j]),
            "prorated_sum": _plain_column(batch.prorated_sum[:, j]),
            "n_answered": _ints(batch.n_answered[:, j]),
            "missing": _bools(batch.missing[:, j]),
            "z": _plain_column(batch.z[:, j]),
            "t": _plain_column(batch.t[:, j]),
            "t_low": _plain_column(batch.t_low[:, j]),
            "t_high": _plain_column(batch.t_high[:, j]),
            "percentile": _plain_column(batch.percentile[:, j]),
            "sten": _ints(batch.sten[:, j]),
            "stanine": _ints(batch.stanine[:, j]),
        }
        constant = {
            "n_items": int(batch.n_items[j]),
            "percentile_method": batch.percentile_method[j],
            "sem": float(batch.sem[j]),
            "reliability": float(batch.reliability[j]),
            "reliability_source": batch.reliability_source[j],
            "norm_source": batch.norm_source[j],
        }
        fields = []
        for name in (
            "raw_mean",
            "prorated_sum",
            "n_answered",
            "n_items",
            "missing",
            "z",
            "t",
            "t_low",
            "t_high",
            "percentile",
            "percentile_method",
            "sten",
            "stanine",
            "sem",
            "reliability",
            "reliability_source",
            "norm_source",
        ):
            if name in varying:
                fields.append(f'"{name}": %s')
                columns.append(varying[name])
            else:
                fields.append(f'"{name}": {_json_constant(constant[name])}')
        parts.append(f"{_json_constant(key)}: {{{', '.join(fields)}}}")
    return _render("{" + ", ".join(parts) + "}", columns, len(batch))


def _validity_json(batch: BatchResult) -> list[str]:
    parts, columns = [], []
    for name, index in batch.validity.indices.items():
        fields = []
        for label, values in (
            ("value", index.value),
            ("flag", np.asarray(index.flag, dtype=bool)),
            *index.extra.items(),
        ):
            fields.append(f"{_json_constant(label)}: %s")
            columns.append(_plain_column(values))
        parts.append(f"{_json_constant(name)}: {{{', '.join(fields)}}}")
    return _render("{" + ", ".join(parts) + "}", columns, len(batch))


def _explanation_json(batch: BatchResult) -> list[str]:
    """``explanation_for`` (engine.composite) for every row at once."""
    rows = len(batch)
    if batch.weights is None:
        return ["{}"] * rows
    keys = list(batch.weights)
    weights = np.array([float(batch.weights[key]) for key in keys])
    z = batch.z[:, [batch.scale_column(key) for key in keys]]
    missing = np.isnan(z)
    contribution = weights * z
    # Largest absolute contribution first, missing ones last, ties by scale key.
    name_rank = np.argsort(np.argsort(np.array(keys, dtype=object), kind="stable"))
    order = np.lexsort(
        (
            np.broadcast_to(name_rank, z.shape),
            np.where(missing, 0.0, -np.abs(np.where(missing, 0.0, contribution))),
            missing.astype(np.int8),
        ),
        axis=-1,
    )
    everyone = np.arange(rows)[:, None]
    scale_names = np.array([_json_literal(key) for key in keys], dtype=object)
    weight_texts = np.array([repr(float(w)) for w in weights], dtype=object)
    composite = np.asarray(batch.composite, dtype=float)
    labels = [label for _, label in batch.bands]
    band_texts = np.array([_json_literal(label) for label in labels] + ["null"])
    band = np.where(np.isnan(composite), len(labels), batch.band_index)
    band = np.where(band < 0, len(labels), band)
    finite = [(bound, label) for bound, label in batch.bands if math.isfinite(bound)]
    if finite:
        bounds = np.array([bound for bound, _ in finite])
        nearest = np.argmin(np.abs(composite[:, None] - bounds[None, :]), axis=1)
        nearest_cut = np.array([repr(float(b)) for b in bounds] + ["null"])
        nearest_label = np.array(
            [_json_literal(label) for _, label in finite] + ["null"]
        )
        nearest = np.where(np.isnan(composite), len(finite), nearest)
        distance = composite - np.append(bounds, np.nan)[nearest]
    else:
        nearest = np.zeros(rows, dtype=np.int64)
        nearest_cut = nearest_label = np.array(["null"])
        distance = np.full(rows, np.nan)
    missing_scales = ["[]"] * rows
    counted = missing & (weights != 0)
    for i in np.flatnonzero(counted.any(axis=1)).tolist():
        names = [keys[j] for j in order[i] if counted[i, j]]
        missing_scales[i] = json.dumps(names)
    columns = [_floats(composite), band_texts[band].tolist()]
    slots = []
    for slot in range(len(keys)):
        chosen = order[:, slot]
        columns += [
            scale_names[chosen].tolist(),
            weight_texts[chosen].tolist(),
            _floats(z[everyone[:, 0], chosen]),
            _floats(contribution[everyone[:, 0], chosen]),
        ]
        slots.append('{"scale": %s, "weight": %s, "z": %s, "contribution": %s}')
    columns += [
        missing_scales,
        nearest_cut[nearest].tolist(),
        nearest_label[nearest].tolist(),
        _floats(distance),
    ]
    template = (
        '{"composite": %s, "band": %s, "contributions": ['
        + ", ".join(slots)
        + '], "missing_scales": %s, "nearest_cut": %s, "nearest_cut_label": %s, '
        '"distance_to_cut": %s}'
    )
    return _render(template, columns, rows)


def result_records(batch: BatchResult) -> ResultRecords:
    """The stored form of every row of ``batch`` (see ``ResultRecords``)."""
    labels = np.array([label for _, label in batch.bands] + [""], dtype=object)
    composite = np.asarray(batch.composite, dtype=float)
    return ResultRecords(
        scales=_scales_json(batch),
        validity=_validity_json(batch),
        explanation=_explanation_json(batch),
        validity_status=np.asarray(batch.validity.status).astype(str).tolist(),
        composite=np.where(np.isnan(composite), None, composite).tolist(),
        band=labels[batch.band_index].tolist(),
    )


# --- writing --------------------------------------------------------------------------

RESULT_COLUMNS = (
    "invitation",
    "scoring_version",
    "norm_set",
    "scales",
    "validity",
    "validity_status",
    "composite",
    "band",
    "explanation",
    "is_current",
    "created_at",
)
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass
class _Prepared:
    """Results computed for a group of invitations, not yet written.

    ``fields[i]`` holds the text of every column of ``RESULT_COLUMNS`` between
    ``norm_set`` and ``explanation`` for ``rows[i]``; ``composite`` and ``band``
    also stay as values for the outbox events.
    """

    rows: list[_Row] = field(default_factory=list)
    norm_set_ids: list[int] = field(default_factory=list)
    scales: list[str] = field(default_factory=list)
    validity: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    composite: list[float | None] = field(default_factory=list)
    band: list[str] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, rows: list[_Row], norm_set_id: int, records: ResultRecords):
        self.rows += rows
        self.norm_set_ids += [norm_set_id] * len(rows)
        self.scales += records.scales
        self.validity += records.validity
        self.status += records.validity_status
        self.composite += records.composite
        self.band += records.band
        self.explanation += records.explanation

    def only(self, keep: list[int]) -> _Prepared:
        kept = _Prepared()
        for name in (
            "rows",
            "norm_set_ids",
            "scales",
            "validity",
            "status",
            "composite",
            "band",
            "explanation",
        ):
            values = getattr(self, name)
            setattr(kept, name, [values[i] for i in keep])
        return kept


def _copy_text(values: list[str]) -> list[str]:
    """Values escaped for COPY's text format (only if any needs it)."""
    if not any(("\\" in v or "\t" in v or "\n" in v or "\r" in v) for v in values):
        return values
    return [v.translate(_COPY_ESCAPES) for v in values]


def _insert_results(prepared: _Prepared, *, now: datetime) -> None:
    """Insert the prepared results as current rows, COPY on PostgreSQL."""
    if not prepared:
        return
    meta = QuestionnaireResult._meta
    table = meta.db_table
    columns = ", ".join(meta.get_field(name).column for name in RESULT_COLUMNS)
    ids = [row.pk for row in prepared.rows]
    if connection.vendor == "postgresql":
        composite = _distinct_texts(
            np.array(prepared.composite, dtype=float),
            lambda v: _float_text(v, null="\\N"),
        )
        line = (
            f"%s\t{SCORING_VERSION}\t%s\t%s\t%s\t%s\t%s\t%s\t%s\tt\t{now.isoformat()}\n"
        )
        rows = zip(
            ids,
            prepared.norm_set_ids,
            _copy_text(prepared.scales),
            _copy_text(prepared.validity),
            _copy_text(prepared.status),
            composite,
            _copy_text(prepared.band),
            _copy_text(prepared.explanation),
            strict=True,
        )
        connection.ensure_connection()
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            while chunk := "".join(line % values for values in islice(rows, 500)):
                copy.write(chunk)
        return
    created = connection.ops.adapt_datetimefield_value(now)
    placeholders = ", ".join(["%s"] * len(RESULT_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
            list(
                zip(
                    ids,
                    [SCORING_VERSION] * len(ids),
                    prepared.norm_set_ids,
                    prepared.scales,
                    prepared.validity,
                    prepared.status,
                    prepared.composite,
                    prepared.band,
                    prepared.explanation,
                    [True] * len(ids),
                    [created] * len(ids),
                    strict=True,
                )
            ),
        )


def _scored_event(
    row: _Row, *, status: str, composite: float | None, band: str, now: datetime
) -> OutboxEvent:
    return event_build(
        type=OutboxEvent.Type.ASSESSMENT_SCORED,
        now=now,
        data={
            "invitation_id": row.pk,
            "application_id": row.application_id,
            "scoring_version": SCORING_VERSION,
            "validity_status": status,
            "composite": composite,
            "band": band or None,
        },
    )


# --- scoring groups of invitations ----------------------------------------------------


@dataclass
class _Version:
    version: InstrumentVersion
    spec: object
    reliabilities: dict[str, float | None]


@dataclass
class _Context:
    """What stays the same across the batches of one run: versions and norms."""

    versions: dict[int, _Version] = field(default_factory=dict)
    norm_sets: dict[tuple[int, str], NormSet] = field(default_factory=dict)
    norms: dict[tuple[int, bool], dict[str, Norm]] = field(default_factory=dict)
    covariance_norms: dict[int, CovarianceNorm] = field(default_factory=dict)

    def version(self, version_id: int) -> _Version:
        if version_id not in self.versions:
            version = InstrumentVersion.objects.get(pk=version_id)
            self.versions[version_id] = _Version(
                version=version,
                spec=instrument_spec(version.definition),
                reliabilities=reliabilities_current(version),
            )
        return self.versions[version_id]

    def norm_set(self, version_id: int, language: str) -> NormSet:
        key = (version_id, language)
        if key not in self.norm_sets:
            self.norm_sets[key] = _norm_set_current_without_samples(
                self.version(version_id).version, language
            )
        return self.norm_sets[key]

    def covariance_norm(self, version_id: int, norm_set: NormSet) -> CovarianceNorm:
        """The item norm of the Mahalanobis index (docs/scoring.md): the item
        model of the norm set's scale means and SDs and the current alphas."""
        if norm_set.pk not in self.covariance_norms:
            info = self.version(version_id)
            model = item_model(
                info.version.definition,
                norms=norm_set.scales,
                reliabilities=info.reliabilities,
            )
            self.covariance_norms[norm_set.pk] = model.covariance_norm(
                source=norm_set.source
            )
        return self.covariance_norms[norm_set.pk]

    def engine_norms(self, norm_set: NormSet, with_samples: bool) -> dict[str, Norm]:
        key = (norm_set.pk, with_samples)
        if key not in self.norms:
            if with_samples:
                norm_set = NormSet.objects.get(pk=norm_set.pk)
            self.norms[key] = engine_norms(norm_set, with_samples=with_samples)
        return self.norms[key]


@dataclass(frozen=True)
class _Row:
    pk: int
    version_id: int
    language: str
    job_id: int
    application_id: int
    seed: int
    status: str


_ROW_FIELDS = (
    "pk",
    "instrument_version_id",
    "language",
    "application__job_id",
    "application_id",
    "item_order_seed",
    "status",
)


def _scorable_rows(ids: list[int], *, lock: bool = False) -> list[_Row]:
    invitations = Invitation.objects.filter(_among("pk", ids), status__in=SCORABLE)
    if lock:
        # Two workers given the same submission serialize here; the second then
        # finds the first one's result and drops its own.
        invitations = invitations.select_for_update(of=("self",))
    return [
        _Row(*values) for values in invitations.order_by("pk").values_list(*_ROW_FIELDS)
    ]


def _unscored(rows: list[_Row], context: _Context) -> tuple[list[_Row], list[int]]:
    """The rows without a result for this scoring version and their current norm
    set, and the norm set id of every row."""
    norm_set_ids = [context.norm_set(row.version_id, row.language).pk for row in rows]
    existing = set(
        QuestionnaireResult.objects.filter(
            _among("invitation_id", [row.pk for row in rows]),
            scoring_version=SCORING_VERSION,
        ).values_list("invitation_id", "norm_set_id")
    )
    todo = [
        row
        for row, norm_set_id in zip(rows, norm_set_ids, strict=True)
        if (row.pk, norm_set_id) not in existing
    ]
    return todo, norm_set_ids


def _prepare(todo: list[_Row], context: _Context) -> _Prepared:
    """Load the answers of ``todo``, score them, and render the results (no writes)."""
    prepared = _Prepared()
    if not todo:
        return prepared
    plans = {
        plan.job_id: plan
        for plan in AssessmentPlan.objects.filter(
            job_id__in={row.job_id for row in todo}
        )
    }
    by_version: dict[int, list[_Row]] = defaultdict(list)
    for row in todo:
        by_version[row.version_id].append(row)
    for version_id, members in by_version.items():
        info = context.version(version_id)
        definition = info.version.definition
        ids = [row.pk for row in members]
        matrix, _ = answer_matrix(ids, info.spec.item_keys)
        page_items, page_seconds = _page_arrays(ids)
        orders = presentation_orders(definition, [row.seed for row in members])
        # Jobs whose plans score alike (most use the defaults) share one batch.
        groups: dict[tuple, list[int]] = defaultdict(list)
        settings_of: dict[tuple, tuple] = {}
        plan_of: dict[int, tuple] = {}
        for i, row in enumerate(members):
            if row.job_id not in plan_of:
                weights, bands, percentiles = _plan_settings(
                    plans.get(row.job_id), definition
                )
                plan_of[row.job_id] = (
                    (json.dumps(weights, sort_keys=True), json.dumps(bands)),
                    (weights, bands, percentiles),
                )
            (weights_key, bands_key), plan = plan_of[row.job_id]
            norm_set = context.norm_set(version_id, row.language)
            key = (norm_set.pk, weights_key, bands_key, plan[2])
            groups[key].append(i)
            settings_of[key] = (norm_set, *plan)
        for key, positions in groups.items():
            norm_set, weights, bands, percentiles = settings_of[key]
            take = np.asarray(positions)
            batch = score_batch(
                info.spec,
                matrix[take],
                norms=context.engine_norms(norm_set, percentiles == "empirical"),
                reliabilities=info.reliabilities,
                order=orders[take],
                page_items=None if page_items is None else page_items[take],
                page_seconds=None if page_seconds is None else page_seconds[take],
                weights=weights,
                bands=bands,
                percentiles=percentiles,
                covariance_norm=context.covariance_norm(version_id, norm_set),
            )
            prepared.add(
                [members[i] for i in positions], norm_set.pk, result_records(batch)
            )
    return prepared


def _write(prepared: _Prepared, *, now: datetime) -> int:
    """Store prepared results in one transaction; returns how many were written.

    Locks the invitations first and drops whatever another worker scored since
    ``prepared`` was computed, so concurrent scorers never clash.
    """
    with transaction.atomic():
        if not prepared:
            return 0
        locked = {
            row.pk: row
            for row in _scorable_rows([row.pk for row in prepared.rows], lock=True)
        }
        existing = set(
            QuestionnaireResult.objects.filter(
                _among("invitation_id", locked), scoring_version=SCORING_VERSION
            ).values_list("invitation_id", "norm_set_id")
        )
        keep = [
            i
            for i, (row, norm_set_id) in enumerate(
                zip(prepared.rows, prepared.norm_set_ids, strict=True)
            )
            if row.pk in locked and (row.pk, norm_set_id) not in existing
        ]
        if len(keep) < len(prepared):
            prepared = prepared.only(keep)
        if not prepared:
            return 0
        ids = [row.pk for row in prepared.rows]
        QuestionnaireResult.objects.filter(
            _among("invitation_id", ids), is_current=True
        ).update(is_current=False, updated_at=now)
        _insert_results(prepared, now=now)
        events = [
            _scored_event(
                locked[row.pk],
                status=prepared.status[i],
                composite=prepared.composite[i],
                band=prepared.band[i],
                now=now,
            )
            for i, row in enumerate(prepared.rows)
            if locked[row.pk].status == Invitation.Status.SUBMITTED
        ]
        if events:
            Invitation.objects.filter(
                _among("pk", [e.payload["data"]["invitation_id"] for e in events]),
                status=Invitation.Status.SUBMITTED,
            ).update(status=Invitation.Status.SCORED, scored_at=now, updated_at=now)
            events_record_many(events)
        return len(prepared)


def results_compute_and_store(
    *, invitation_ids: Iterable[int], now: datetime | None = None
) -> list[QuestionnaireResult]:
    """Score the given submitted invitations and store their current results.

    Invitations that already hold a result for this scoring version and their
    current norm set are left as they are (and returned), so a redelivered task or
    a resumed rescoring run does no double work. Results come back in
    invitation order.
    """
    now = now or timezone.now()
    context = _Context()
    rows = _scorable_rows(sorted(set(invitation_ids)))
    if not rows:
        return []
    todo, norm_set_ids = _unscored(rows, context)
    _write(_prepare(todo, context), now=now)
    wanted = {(row.pk, n) for row, n in zip(rows, norm_set_ids, strict=True)}
    found = QuestionnaireResult.objects.filter(
        invitation_id__in=[row.pk for row in rows], scoring_version=SCORING_VERSION
    ).order_by("invitation_id")
    return [r for r in found if (r.invitation_id, r.norm_set_id) in wanted]


# --- rescoring a version --------------------------------------------------------------


def _pending(version: InstrumentVersion, context: _Context):
    """Scorable invitations of ``version`` without a result for this scoring
    version and the norm set current for their language."""
    languages = (
        Invitation.objects.filter(instrument_version=version, status__in=SCORABLE)
        .order_by()
        .values_list("language", flat=True)
        .distinct()
    )
    lacking = Q(pk__in=[])
    for language in languages:
        done = QuestionnaireResult.objects.filter(
            invitation=OuterRef("pk"),
            scoring_version=SCORING_VERSION,
            norm_set=context.norm_set(version.pk, language),
        )
        lacking |= Q(language=language) & ~Exists(done)
    return Invitation.objects.filter(
        lacking, instrument_version=version, status__in=SCORABLE
    )


def results_rescore_pending(*, version: InstrumentVersion) -> int:
    """How many submissions of ``version`` a rescore would score now."""
    return _pending(version, _Context()).count()


def _next_ids(version, context, after_id: int, batch_size: int) -> list[int]:
    return list(
        _pending(version, context)
        .filter(pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch_size]
    )


def _prepare_ids(ids: list[int], context: _Context) -> _Prepared:
    todo, _ = _unscored(_scorable_rows(ids), context)
    return _prepare(todo, context)


@dataclass(frozen=True)
class RescoreBatch:
    scored: int
    last_id: int | None  # None: nothing was left after ``after_id``


def results_rescore_batch(
    *,
    version: InstrumentVersion,
    after_id: int = 0,
    batch_size: int = RESCORE_BATCH_SIZE,
    now: datetime | None = None,
) -> RescoreBatch:
    """Score the next ``batch_size`` pending submissions with a pk above ``after_id``.

    One transaction. Resumable: continue from ``last_id``, or start again from 0
    (what is done is skipped).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    context = _Context()
    ids = _next_ids(version, context, after_id, batch_size)
    if not ids:
        return RescoreBatch(scored=0, last_id=None)
    scored = _write(_prepare_ids(ids, context), now=now or timezone.now())
    return RescoreBatch(scored=scored, last_id=ids[-1])


@dataclass(frozen=True)
class RescoreOutcome:
    scored: int
    batches: int


def _in_writer_thread(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    finally:
        connection.close()


def results_rescore(
    *,
    version: InstrumentVersion,
    batch_size: int = RESCORE_BATCH_SIZE,
    progress: Callable[[int], object] | None = None,
    now: datetime | None = None,
) -> RescoreOutcome:
    """Rescore every submission of ``version`` with this scoring version and the
    current norms, in pk order, one transaction per batch.

    Earlier results stay, marked with their scoring version and norm set; the new
    one becomes current. Idempotent and resumable: submissions already holding a
    result for (``SCORING_VERSION``, current norm set) are skipped, so a second
    run writes nothing and an interrupted one continues where it stopped.
    ``progress`` is called with the number of submissions of each batch.

    On PostgreSQL outside a transaction, batch i is written on a second
    connection while batch i + 1 is read and scored: the database parses the
    JSON of one batch while Python scores the next.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    now = now or timezone.now()
    context = _Context()
    overlap = connection.vendor == "postgresql" and not connection.in_atomic_block
    after_id, scored, batches = 0, 0, 0
    writer = ThreadPoolExecutor(max_workers=1) if overlap else None
    writing: Future | None = None
    try:
        while True:
            ids = _next_ids(version, context, after_id, batch_size)
            prepared = _prepare_ids(ids, context) if ids else None
            if writing is not None:
                done = writing.result()
                scored += done
                if progress is not None:
                    progress(done)
                writing = None
            if prepared is None:
                return RescoreOutcome(scored=scored, batches=batches)
            batches += 1
            after_id = ids[-1]
            if writer is None:
                done = _write(prepared, now=now)
                scored += done
                if progress is not None:
                    progress(done)
            else:
                writing = writer.submit(_in_writer_thread, _write, prepared, now=now)
    finally:
        if writing is not None:
            writing.result()
        if writer is not None:
            writer.shutdown(wait=True)

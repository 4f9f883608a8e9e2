"""Questionnaire definitions: the YAML format, its validation, and publishing.

A definition file (``assessments/instruments/*.yaml``) is parsed safely, checked
against the format below with pydantic, checked again against the rules that span
several fields, and normalized to a JSON-able dict. That dict is what an
``InstrumentVersion`` stores; its checksum tells whether a file changed.

Every problem is reported as one ``DefinitionError`` whose lines read
``<file>: <key path>: <problem>``, e.g. ``sales-drive.yaml: items[3].text.es:
missing text for language 'es'``.

Format (top-level keys; unknown keys anywhere are errors)::

    slug, name, languages, time_limit_minutes (optional), items_per_page,
    instructions, answer_scale {min, max, labels}, scales, items, instructed,
    infrequency, impression, consistency_pairs, plan_defaults {weights, bands}

Normalized form: the same keys, every optional key filled in, and the answer
labels keyed by the answer as a string (``{"1": {...}, ...}``) because JSON keys
are strings.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    FiniteFloat,
    PositiveInt,
    StrictBool,
    StringConstraints,
    ValidationError,
)

from assessments.models import Instrument, InstrumentVersion, NormSet
from assessments.scoring.itemmodel import (
    ItemModel,
    ScaleFigures,
    item_norm_reliability,
)
from assessments.scoring.spec import (
    DEFAULT_THRESHOLDS,
    InstrumentSpec,
    ItemSpec,
    ScaleSpec,
    ValidityThresholds,
)

MIN_ITEMS_PER_SCALE = 3
# Past this many problems the rest are counted, not listed.
_MAX_REPORTED_ERRORS = 25

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_KEY = re.compile(r"[a-z][a-z0-9_]*")
_LANGUAGE = re.compile(r"[a-z]{2}")


class DefinitionError(ValueError):
    """An instrument definition that cannot be published, with every problem found.

    ``errors`` lists ``(key_path, problem)`` pairs; ``key`` and ``problem`` are the
    first of them. ``key_path`` is empty for problems of the file as a whole.
    """

    def __init__(self, file: str, errors: list[tuple[str, str]]):
        if not errors:
            raise ValueError("a DefinitionError needs at least one problem")
        self.file = file
        self.errors = list(errors)
        self.key, self.problem = self.errors[0]
        lines = [_error_line(file, key, problem) for key, problem in errors]
        if len(lines) > _MAX_REPORTED_ERRORS:
            hidden = len(lines) - _MAX_REPORTED_ERRORS
            lines = [*lines[:_MAX_REPORTED_ERRORS], f"{file}: ... and {hidden} more"]
        super().__init__("\n".join(lines))


def _error_line(file: str, key: str, problem: str) -> str:
    return f"{file}: {key}: {problem}" if key else f"{file}: {problem}"


# --- The format ------------------------------------------------------------------


def _pattern_check(pattern: re.Pattern, what: str):
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"{value!r} is not a valid {what}")
        return value

    return check


Slug = Annotated[
    str,
    StringConstraints(max_length=80),
    AfterValidator(
        _pattern_check(_SLUG, "slug (lowercase letters, digits and single hyphens)")
    ),
]
Key = Annotated[
    str,
    StringConstraints(max_length=60),
    AfterValidator(
        _pattern_check(
            _KEY, "key (a lowercase letter, then lowercase letters, digits or _)"
        )
    ),
]
Language = Annotated[
    str, AfterValidator(_pattern_check(_LANGUAGE, "language code (two letters)"))
]
NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# {language: text}; which languages must be present is checked against `languages`.
Text = dict[str, NonEmptyText]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnswerScale(_Part):
    min: int
    max: int
    labels: dict[int, Text]


class ScaleNorms(_Part):
    """Provisional norms on the raw-mean metric of the scale."""

    mean: FiniteFloat
    sd: Annotated[FiniteFloat, Field(gt=0)]
    n: Annotated[int, Field(ge=0)] = 0


class Scale(_Part):
    key: Key
    name: Text
    description: Text
    higher_is_better: StrictBool = True
    norms: ScaleNorms
    reliability: Annotated[FiniteFloat, Field(gt=0, lt=1)]
    development: Text


class ScaleItem(_Part):
    key: Key
    scale: Key
    keyed: Literal[1, -1] = 1
    text: Text


class InstructedItem(_Part):
    key: Key
    expected: int
    text: Text


class InfrequencyItem(_Part):
    key: Key
    endorse_at: int
    text: Text


class ImpressionItem(_Part):
    key: Key
    keyed: Literal[1, -1] = 1
    text: Text


class PlanDefaults(_Part):
    weights: Annotated[dict[Key, FiniteFloat], Field(min_length=1)]
    # [[lower_bound, label], ...] from the highest band down; the last bound is null.
    bands: Annotated[list[tuple[FiniteFloat | None, Key]], Field(min_length=1)]


class Definition(_Part):
    slug: Slug
    name: Text
    languages: Annotated[list[Language], Field(min_length=1)]
    time_limit_minutes: PositiveInt | None = None
    items_per_page: PositiveInt = 10
    instructions: Text
    answer_scale: AnswerScale
    scales: Annotated[list[Scale], Field(min_length=1)]
    items: Annotated[list[ScaleItem], Field(min_length=1)]
    instructed: list[InstructedItem] = []
    infrequency: list[InfrequencyItem] = []
    impression: list[ImpressionItem] = []
    consistency_pairs: list[
        Annotated[list[Key], Field(min_length=2, max_length=2)]
    ] = []
    plan_defaults: PlanDefaults


# --- Rules across fields -----------------------------------------------------------


def _texts(d: Definition):
    """Every translated text of the definition with its key path."""
    yield "name", d.name
    yield "instructions", d.instructions
    for value, label in d.answer_scale.labels.items():
        yield f"answer_scale.labels[{value}]", label
    for i, scale in enumerate(d.scales):
        for field in ("name", "description", "development"):
            yield f"scales[{i}].{field}", getattr(scale, field)
    for section in ("items", "instructed", "infrequency", "impression"):
        for i, item in enumerate(getattr(d, section)):
            yield f"{section}[{i}].text", item.text


def language_violations(languages, texts) -> list[tuple[str, str]]:
    """The language rules shared by every definition: each language once, English
    among them, and every text in exactly the listed languages. ``texts`` yields
    (key path, {language: text})."""
    errors: list[tuple[str, str]] = []
    for i, language in enumerate(languages):
        if language in languages[:i]:
            errors.append((f"languages[{i}]", f"language {language!r} is listed twice"))
    if "en" not in languages:
        errors.append(("languages", "'en' must be one of the languages"))
    listed = ", ".join(languages)
    for path, text in texts:
        for language in languages:
            if language not in text:
                errors.append(
                    (f"{path}.{language}", f"missing text for language {language!r}")
                )
        for language in text:
            if language not in languages:
                errors.append(
                    (
                        f"{path}.{language}",
                        f"language {language!r} is not in languages [{listed}]",
                    )
                )
    return errors


def _rule_violations(d: Definition) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []

    errors.extend(language_violations(d.languages, _texts(d)))

    low, high = d.answer_scale.min, d.answer_scale.max
    points = range(low, high + 1)
    if high <= low:
        errors.append(("answer_scale.max", f"max {high} must be above min {low}"))
    else:
        for value in points:
            if value not in d.answer_scale.labels:
                errors.append(
                    (
                        f"answer_scale.labels[{value}]",
                        f"missing label for answer {value}",
                    )
                )
        for value in d.answer_scale.labels:
            if value not in points:
                errors.append(
                    (
                        f"answer_scale.labels[{value}]",
                        f"answer {value} is outside the answer scale {low}..{high}",
                    )
                )

    scale_keys: dict[str, int] = {}
    for i, scale in enumerate(d.scales):
        if scale.key in scale_keys:
            errors.append(
                (
                    f"scales[{i}].key",
                    f"duplicate scale key {scale.key!r} (first used at "
                    f"scales[{scale_keys[scale.key]}].key)",
                )
            )
        else:
            scale_keys[scale.key] = i
        if high > low and not low <= scale.norms.mean <= high:
            errors.append(
                (
                    f"scales[{i}].norms.mean",
                    f"mean {scale.norms.mean} is outside the answer scale "
                    f"{low}..{high}",
                )
            )

    item_paths: dict[str, str] = {}
    for section in ("items", "instructed", "infrequency", "impression"):
        for i, item in enumerate(getattr(d, section)):
            path = f"{section}[{i}].key"
            if item.key in item_paths:
                errors.append(
                    (
                        path,
                        f"duplicate item key {item.key!r} (first used at "
                        f"{item_paths[item.key]})",
                    )
                )
            else:
                item_paths[item.key] = path

    items_per_scale = dict.fromkeys(scale_keys, 0)
    for i, item in enumerate(d.items):
        if item.scale not in scale_keys:
            errors.append((f"items[{i}].scale", f"unknown scale {item.scale!r}"))
        else:
            items_per_scale[item.scale] += 1
    for key, count in items_per_scale.items():
        if count < MIN_ITEMS_PER_SCALE:
            errors.append(
                (
                    f"scales[{scale_keys[key]}]",
                    f"scale {key!r} has {count} item(s); it needs at least "
                    f"{MIN_ITEMS_PER_SCALE}",
                )
            )

    if high > low:
        for section, field in (
            ("instructed", "expected"),
            ("infrequency", "endorse_at"),
        ):
            for i, item in enumerate(getattr(d, section)):
                value = getattr(item, field)
                if value not in points:
                    errors.append(
                        (
                            f"{section}[{i}].{field}",
                            f"{value} is outside the answer scale {low}..{high}",
                        )
                    )

    scale_item_keys = {item.key for item in d.items}
    seen_pairs: set[frozenset[str]] = set()
    for i, pair in enumerate(d.consistency_pairs):
        for j, key in enumerate(pair):
            if key in scale_item_keys:
                continue
            if key in item_paths:
                problem = f"{key!r} is not a scale item"
            else:
                problem = f"unknown item {key!r}"
            errors.append((f"consistency_pairs[{i}][{j}]", problem))
        if pair[0] == pair[1]:
            errors.append(
                (f"consistency_pairs[{i}]", "a pair needs two different items")
            )
        elif frozenset(pair) in seen_pairs:
            errors.append((f"consistency_pairs[{i}]", "this pair is listed twice"))
        seen_pairs.add(frozenset(pair))

    for key in d.plan_defaults.weights:
        if key not in scale_keys:
            errors.append((f"plan_defaults.weights.{key}", f"unknown scale {key!r}"))
    bands = d.plan_defaults.bands
    labels_seen: set[str] = set()
    for i, (bound, label) in enumerate(bands):
        path = f"plan_defaults.bands[{i}]"
        if label in labels_seen:
            errors.append((f"{path}[1]", f"band {label!r} is listed twice"))
        labels_seen.add(label)
        if i == len(bands) - 1:
            if bound is not None:
                errors.append(
                    (f"{path}[0]", "the last band is the floor; its bound must be null")
                )
        elif bound is None:
            errors.append((f"{path}[0]", "only the last band may have a null bound"))
        elif i > 0 and bands[i - 1][0] is not None and bound >= bands[i - 1][0]:
            errors.append(
                (
                    f"{path}[0]",
                    f"bounds must descend: {bound} is not below {bands[i - 1][0]}",
                )
            )
    return errors


# --- Parsing -----------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a mapping with the same key twice.

    Plain YAML keeps the last value silently, which would hide a pasted-over text.
    """

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                break  # unhashable key: the base class reports it
            if duplicate and key != "<<":
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _loc_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "[key]":
            path += " (key)"
        else:
            path += f".{part}" if path else str(part)
    return path


def _pydantic_problem(error: dict) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    message = error["msg"]
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
        return message
    value = error.get("input")
    if isinstance(value, str | int | float | bool) or value is None:
        message += f" (got {value!r})"
    return message


def source_name(path: Path) -> str:
    """The path as reports show it: relative to the project when inside it."""
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


def pydantic_errors(error: ValidationError) -> list[tuple[str, str]]:
    """``(key_path, problem)`` pairs of a pydantic error, worded for authors."""
    return [(_loc_path(e["loc"]), _pydantic_problem(e)) for e in error.errors()]


def definition_validate(data: Any, *, file: str = "<definition>") -> dict:
    """Validate parsed YAML and return the normalized, JSON-able definition.

    Raises ``DefinitionError`` naming ``file``, the key path and the problem.
    """
    if not isinstance(data, dict):
        problem = (
            "the file is empty"
            if data is None
            else "the top level must be a mapping of keys"
        )
        raise DefinitionError(file, [("", problem)])
    try:
        parsed = Definition.model_validate(data)
    except ValidationError as error:
        raise DefinitionError(file, pydantic_errors(error)) from None
    violations = _rule_violations(parsed)
    if violations:
        raise DefinitionError(file, violations)
    normalized = parsed.model_dump(mode="json")
    labels = normalized["answer_scale"]["labels"]
    normalized["answer_scale"]["labels"] = {
        key: labels[key] for key in sorted(labels, key=int)
    }
    return normalized


def definition_file_read(path: Path | str) -> tuple[str, Any]:
    """``(file, data)``: a YAML file parsed safely, and its name as errors show it.

    Refuses duplicate keys; raises ``DefinitionError`` for unreadable or malformed
    files.
    """
    path = Path(path)
    file = source_name(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DefinitionError(file, [("", f"cannot read the file: {error}")]) from None
    try:
        data = yaml.load(source, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = f"malformed YAML: {error.problem or error.context}"
        if error.context and error.problem:
            problem += f" ({error.context})"
        raise DefinitionError(file, [(where, problem)]) from None
    except yaml.YAMLError as error:
        raise DefinitionError(file, [("", f"malformed YAML: {error}")]) from None
    return file, data


def definition_load(path: Path | str) -> dict:
    """Read a definition file, validate it and return the normalized definition."""
    file, data = definition_file_read(path)
    return definition_validate(data, file=file)


# --- Reading a normalized definition -----------------------------------------------


def definition_checksum(definition: dict) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no whitespace) of a definition."""
    canonical = json.dumps(
        definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def all_item_keys(definition: dict) -> list[str]:
    """Item keys in definition order: scale, instructed, infrequency, impression."""
    return [
        item["key"]
        for section in ("items", "instructed", "infrequency", "impression")
        for item in definition.get(section, [])
    ]


def item_texts(definition: dict, language: str) -> dict[str, str]:
    """``{item_key: text}`` in ``language``, in the order of ``all_item_keys``."""
    if language not in definition["languages"]:
        raise DefinitionError(
            definition.get("slug", "<definition>"),
            [("languages", f"language {language!r} is not offered")],
        )
    return {
        item["key"]: item["text"][language]
        for section in ("items", "instructed", "infrequency", "impression")
        for item in definition.get(section, [])
    }


def instrument_spec(definition: dict) -> InstrumentSpec:
    """The scoring engine's view of a definition; items in ``all_item_keys`` order."""
    items = [
        ItemSpec(key=i["key"], scale=i["scale"], keyed=i["keyed"], kind="likert")
        for i in definition["items"]
    ]
    items += [
        ItemSpec(key=i["key"], scale=None, kind="instructed", expected=i["expected"])
        for i in definition.get("instructed", [])
    ]
    items += [
        ItemSpec(key=i["key"], scale=None, kind="infrequency", expected=i["endorse_at"])
        for i in definition.get("infrequency", [])
    ]
    items += [
        ItemSpec(key=i["key"], scale=None, keyed=i["keyed"], kind="impression")
        for i in definition.get("impression", [])
    ]
    return InstrumentSpec(
        scale_min=definition["answer_scale"]["min"],
        scale_max=definition["answer_scale"]["max"],
        items=tuple(items),
        scales=tuple(
            ScaleSpec(key=s["key"], higher_is_better=s["higher_is_better"])
            for s in definition["scales"]
        ),
        consistency_pairs=tuple(
            (first, second) for first, second in definition.get("consistency_pairs", [])
        ),
    )


def item_model(
    definition: dict,
    *,
    norms: dict[str, dict] | None = None,
    reliabilities: dict[str, float | None] | None = None,
) -> ItemModel:
    """The parallel-items model a definition's scale figures imply.

    Its covariance is the norm of the item-level Mahalanobis index
    (``scoring.itemmodel`` gives the formulas), and its parameters drive the
    simulated respondents of ``benchmarks/validity.py``. ``norms`` (``{scale:
    {"mean", "sd"}}``, e.g. a local norm set) and ``reliabilities`` (estimated
    alphas) replace the definition's provisional figures where given; an
    estimate never raises the reliability above the definition's
    (``item_norm_reliability`` says why), and ``None`` or one outside (0, 1)
    keeps the definition's figure.
    """
    norms = norms or {}
    reliabilities = reliabilities or {}
    figures = {}
    for scale in definition["scales"]:
        key = scale["key"]
        norm = norms.get(key) or scale["norms"]
        alpha = item_norm_reliability(scale["reliability"], reliabilities.get(key))
        figures[key] = ScaleFigures(mean=norm["mean"], sd=norm["sd"], reliability=alpha)
    return ItemModel(instrument_spec(definition), figures)


def validity_notes(
    definition: dict, thresholds: ValidityThresholds = DEFAULT_THRESHOLDS
) -> list[str]:
    """What the validity checks will and will not do on this instrument.

    The even-odd rule (docs/scoring.md): the index counts only on instruments
    with at least ``even_odd_min_scales`` scales of ``even_odd_min_items`` items;
    with fewer, r across so few points is mostly chance.
    """
    spec = instrument_spec(definition)
    notes = []
    if not thresholds.even_odd_applicable(spec):
        usable = thresholds.even_odd_scales(spec)
        notes.append(
            f"even-odd consistency is not computed: {usable} scale(s) have at "
            f"least {thresholds.even_odd_min_items} items, and the index needs "
            f"{thresholds.even_odd_min_scales} to mean something "
            "(docs/scoring.md, even-odd consistency)"
        )
    return notes


def provisional_norms(definition: dict) -> dict[str, dict]:
    """``{scale_key: {"mean", "sd", "n"}}`` as published in the definition."""
    return {
        scale["key"]: {
            "mean": scale["norms"]["mean"],
            "sd": scale["norms"]["sd"],
            "n": scale["norms"]["n"],
        }
        for scale in definition["scales"]
    }


# --- Development guides -----------------------------------------------------------
#
# The scored definition carries one short ``development`` text per scale (or
# competency); it is part of the published, checksummed version. The fuller texts a
# development plan copies (a goal title, what to practise in the first 90 days and
# what the manager can do at check-ins) live beside it, in
# ``<definitions directory>/development/<slug>.yaml``, outside the checksum: wording
# advice is not scoring, so improving it never publishes a new version (which
# would fork norms and statistics) and never touches a published one. A plan copies
# the texts when it is generated, so a plan reads the same after a guide changes.
#
#     slug: sales-drive
#     languages: [en, es]
#     areas:
#       - key: coachability
#         title: {en: ..., es: ...}
#         practice: {en: ..., es: ...}
#         check_in: {en: ..., es: ...}

GUIDE_DIRECTORY = "development"
GUIDE_FIELDS = ("title", "practice", "check_in")


class GuideArea(_Part):
    key: Key
    title: Text
    practice: Text
    check_in: Text


class DevelopmentGuide(_Part):
    slug: Slug
    languages: Annotated[list[Language], Field(min_length=1)]
    areas: Annotated[list[GuideArea], Field(min_length=1)]


def development_guide_validate(
    data: Any, *, file: str, slug: str, languages: list[str], keys: list[str]
) -> dict:
    """Validate a guide against the definition it belongs to: the same slug and
    languages, every text in every language (``language_violations``), and one
    area for each of ``keys`` (the definition's scales or competencies), no more.

    Returns ``{key: {"title": {...}, "practice": {...}, "check_in": {...}}}``.
    """
    if not isinstance(data, dict):
        raise DefinitionError(file, [("", "the top level must be a mapping of keys")])
    try:
        guide = DevelopmentGuide.model_validate(data)
    except ValidationError as error:
        raise DefinitionError(file, pydantic_errors(error)) from None
    errors: list[tuple[str, str]] = []
    if guide.slug != slug:
        errors.append(("slug", f"slug {guide.slug!r} is not the definition's {slug!r}"))
    if sorted(guide.languages) != sorted(languages):
        errors.append(
            (
                "languages",
                f"languages {guide.languages} are not the definition's {languages}",
            )
        )
    texts = (
        (f"areas[{i}].{field}", getattr(area, field))
        for i, area in enumerate(guide.areas)
        for field in GUIDE_FIELDS
    )
    errors.extend(language_violations(languages, texts))
    seen: dict[str, int] = {}
    for i, area in enumerate(guide.areas):
        if area.key in seen:
            errors.append((f"areas[{i}].key", f"area {area.key!r} is listed twice"))
        elif area.key not in keys:
            errors.append((f"areas[{i}].key", f"unknown area {area.key!r}"))
        seen.setdefault(area.key, i)
    for key in keys:
        if key not in seen:
            errors.append(("areas", f"{key!r} has no development texts"))
    if errors:
        raise DefinitionError(file, errors)
    return {
        area.key: {field: dict(getattr(area, field)) for field in GUIDE_FIELDS}
        for area in guide.areas
    }


def development_guide_path(directory: Path | str, slug: str) -> Path:
    return Path(directory) / GUIDE_DIRECTORY / f"{slug}.yaml"


def development_guide_check(
    directory: Path | str, *, slug: str, languages: list[str], keys: list[str]
) -> dict | None:
    """The validated guide of a definition loaded from ``directory``.

    A directory that ships guides (it has a ``development/`` folder, as the
    project's own do) must have one for every definition; one without any is
    left alone (None), and plans then fall back to the definition's own short
    ``development`` text.
    """
    folder = Path(directory) / GUIDE_DIRECTORY
    if not folder.is_dir():
        return None
    path = development_guide_path(directory, slug)
    if not path.is_file():
        raise DefinitionError(
            source_name(path),
            [
                (
                    "",
                    f"missing: every definition in {source_name(Path(directory))} "
                    f"needs its development texts ({slug!r} has none)",
                )
            ],
        )
    file, data = definition_file_read(path)
    return development_guide_validate(
        data, file=file, slug=slug, languages=languages, keys=keys
    )


def instrument_development_guide(slug: str) -> dict:
    """The development texts of the instrument ``slug`` shipped with Criba, by
    scale key (empty when it has none)."""
    return development_guide_from(Path(settings.CRIBA_INSTRUMENTS_DIR), slug)


def development_guide_from(directory: Path, slug: str) -> dict:
    """The validated guide ``<directory>/development/<slug>.yaml``, or {}."""
    path = development_guide_path(directory, slug)
    if not _SLUG.fullmatch(slug) or not path.is_file():
        return {}
    file, data = definition_file_read(path)
    guide = data if isinstance(data, dict) else {}
    languages = guide.get("languages") or []
    keys = [a.get("key") for a in guide.get("areas") or [] if isinstance(a, dict)]
    return development_guide_validate(
        data, file=file, slug=slug, languages=languages, keys=keys
    )


# --- Publishing --------------------------------------------------------------------


@dataclass(frozen=True)
class LoadOutcome:
    slug: str
    version: int
    created: bool
    path: str
    notes: tuple[str, ...] = ()


def instrument_version_publish(*, definition: dict, source_file: str) -> LoadOutcome:
    """Store ``definition`` as the next version of its instrument, unless stored.

    A definition already stored under any version of the instrument (same checksum)
    is left alone, so loading is idempotent and a published version is never
    touched. A new version gets its provisional norm set in the same transaction.
    """
    slug = definition["slug"]
    name = definition["name"]["en"]
    checksum = definition_checksum(definition)
    with transaction.atomic():
        instrument, _ = Instrument.objects.get_or_create(
            slug=slug, defaults={"name": name}
        )
        # Serializes concurrent loaders of one instrument (a no-op on SQLite, which
        # locks the whole database for the write anyway).
        instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
        stored = instrument.versions.filter(checksum=checksum).first()
        if stored is not None:
            return LoadOutcome(slug, stored.version, False, source_file)
        latest = instrument.versions.aggregate(latest=Max("version"))["latest"] or 0
        version = InstrumentVersion.objects.create(
            instrument=instrument,
            version=latest + 1,
            definition=definition,
            checksum=checksum,
            source_file=source_file[:200],
        )
        NormSet.objects.create(
            version=version,
            source=NormSet.Source.PROVISIONAL,
            language="",
            scales=provisional_norms(definition),
            n=0,
        )
        if instrument.name != name:
            instrument.name = name
            instrument.save(update_fields=["name"])
    return LoadOutcome(slug, version.version, True, source_file)


def definition_files_validate(
    directory: Path | str,
    *,
    load: Callable[[Path], dict],
    keys: Callable[[dict], list[str]],
) -> list[tuple[str, dict]]:
    """Every ``*.yaml`` in ``directory`` read and validated by ``load``, with
    unique slugs and a development guide covering the ``keys`` of each (its
    scales or competencies): ``(file, definition)`` pairs, in file order.

    All files are validated before the caller writes anything, so one bad file
    stops the whole load."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DefinitionError(source_name(directory), [("", "no such directory")])
    loaded: list[tuple[str, dict]] = []
    files_by_slug: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        file = source_name(path)
        definition = load(path)
        slug = definition["slug"]
        if slug in files_by_slug:
            raise DefinitionError(
                file, [("slug", f"slug {slug!r} is also used by {files_by_slug[slug]}")]
            )
        files_by_slug[slug] = file
        development_guide_check(
            directory,
            slug=slug,
            languages=definition["languages"],
            keys=keys(definition),
        )
        loaded.append((file, definition))
    return loaded


def instruments_load(directory: Path | str) -> list[LoadOutcome]:
    """Validate every ``*.yaml`` in ``directory`` and publish the new definitions.

    All files are validated before anything is written, so one bad file stops the
    whole load; each file is then published in its own transaction.
    """
    loaded = definition_files_validate(
        directory,
        load=definition_load,
        keys=lambda definition: [scale["key"] for scale in definition["scales"]],
    )
    return [
        replace(
            instrument_version_publish(definition=definition, source_file=file),
            notes=tuple(validity_notes(definition)),
        )
        for file, definition in loaded
    ]

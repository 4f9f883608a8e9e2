"""Interview rubric definitions: the YAML format, its validation, and publishing.

A rubric file (``assessments/rubrics/*.yaml``) is read, validated and published the
way questionnaires are (``assessments/definitions.py``): pydantic for the format,
rules across fields after it, every problem as ``<file>: <key path>: <problem>``,
and one immutable ``RubricVersion`` per distinct definition (keyed by checksum).

Format (unknown keys anywhere are errors)::

    slug, name {lang: text}, languages, instructions {lang: text},
    competencies: [
      {key, name, description, weight (> 0),
       questions: [{key, kind: behavioural|situational, text, follow_ups: [text]}],
       anchors: {1: text, 3: text, 5: text, and optionally 2, 4},
       development: text}
    ]

Normalized form: the same keys; anchors keyed by the rating as a string
(``{"1": {...}, "3": {...}, "5": {...}}``) in rating order, because JSON keys are
strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from pydantic import BaseModel, ConfigDict, Field, FiniteFloat, ValidationError

from assessments.definitions import (
    DefinitionError,
    Key,
    Language,
    Slug,
    Text,
    definition_checksum,
    definition_file_read,
    definition_files_validate,
    development_guide_from,
    language_violations,
    pydantic_errors,
)
from assessments.models import Rubric, RubricVersion
from assessments.scoring.interviews import RATING_MAX, RATING_MIN

REQUIRED_ANCHORS = (1, 3, 5)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Question(_Part):
    key: Key
    kind: Literal["behavioural", "situational"]
    text: Text
    follow_ups: list[Text] = []


class Competency(_Part):
    key: Key
    name: Text
    description: Text
    weight: Annotated[FiniteFloat, Field(gt=0)]
    questions: Annotated[list[Question], Field(min_length=1)]
    anchors: dict[int, Text]
    development: Text


class RubricDefinition(_Part):
    slug: Slug
    name: Text
    languages: Annotated[list[Language], Field(min_length=1)]
    instructions: Text
    competencies: Annotated[list[Competency], Field(min_length=1)]


def _texts(d: RubricDefinition):
    yield "name", d.name
    yield "instructions", d.instructions
    for i, competency in enumerate(d.competencies):
        path = f"competencies[{i}]"
        for field in ("name", "description", "development"):
            yield f"{path}.{field}", getattr(competency, field)
        for rating, anchor in competency.anchors.items():
            yield f"{path}.anchors[{rating}]", anchor
        for j, question in enumerate(competency.questions):
            yield f"{path}.questions[{j}].text", question.text
            for f, follow_up in enumerate(question.follow_ups):
                yield f"{path}.questions[{j}].follow_ups[{f}]", follow_up


def _rule_violations(d: RubricDefinition) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    errors.extend(language_violations(d.languages, _texts(d)))

    competency_keys: dict[str, int] = {}
    question_paths: dict[str, str] = {}
    for i, competency in enumerate(d.competencies):
        path = f"competencies[{i}]"
        if competency.key in competency_keys:
            errors.append(
                (
                    f"{path}.key",
                    f"duplicate competency key {competency.key!r} (first used at "
                    f"competencies[{competency_keys[competency.key]}].key)",
                )
            )
        else:
            competency_keys[competency.key] = i
        for rating in REQUIRED_ANCHORS:
            if rating not in competency.anchors:
                errors.append(
                    (f"{path}.anchors[{rating}]", f"missing anchor for rating {rating}")
                )
        for rating in competency.anchors:
            if not RATING_MIN <= rating <= RATING_MAX:
                errors.append(
                    (
                        f"{path}.anchors[{rating}]",
                        f"rating {rating} is outside the scale "
                        f"{RATING_MIN}..{RATING_MAX}",
                    )
                )
        for j, question in enumerate(competency.questions):
            question_path = f"{path}.questions[{j}].key"
            if question.key in question_paths:
                errors.append(
                    (
                        question_path,
                        f"duplicate question key {question.key!r} (first used at "
                        f"{question_paths[question.key]})",
                    )
                )
            else:
                question_paths[question.key] = question_path
    return errors


def rubric_validate(data: Any, *, file: str = "<rubric>") -> dict:
    """Validate a parsed rubric file and return its normalized, JSON-able form.

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
        parsed = RubricDefinition.model_validate(data)
    except ValidationError as error:
        raise DefinitionError(file, pydantic_errors(error)) from None
    violations = _rule_violations(parsed)
    if violations:
        raise DefinitionError(file, violations)
    normalized = parsed.model_dump(mode="json")
    for competency in normalized["competencies"]:
        anchors = competency["anchors"]
        competency["anchors"] = {key: anchors[key] for key in sorted(anchors, key=int)}
    return normalized


def rubric_load(path: Path | str) -> dict:
    """Read a rubric file, validate it and return the normalized definition."""
    file, data = definition_file_read(path)
    return rubric_validate(data, file=file)


def rubric_development_guide(slug: str) -> dict:
    """The development texts of the rubric ``slug`` shipped with Criba, by
    competency key (empty when it has none); see ``definitions`` for the format."""
    return development_guide_from(Path(settings.CRIBA_RUBRICS_DIR), slug)


@dataclass(frozen=True)
class RubricLoadOutcome:
    slug: str
    version: int
    created: bool
    path: str


def rubric_version_publish(*, definition: dict, source_file: str) -> RubricLoadOutcome:
    """Store ``definition`` as the next version of its rubric, unless already stored.

    Idempotent by checksum, like ``instrument_version_publish``: a definition stored
    under any version is left alone, so a published version never changes.
    """
    slug = definition["slug"]
    name = definition["name"]["en"]
    checksum = definition_checksum(definition)
    with transaction.atomic():
        rubric, _ = Rubric.objects.get_or_create(slug=slug, defaults={"name": name})
        rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
        stored = rubric.versions.filter(checksum=checksum).first()
        if stored is not None:
            return RubricLoadOutcome(slug, stored.version, False, source_file)
        latest = rubric.versions.aggregate(latest=Max("version"))["latest"] or 0
        version = RubricVersion.objects.create(
            rubric=rubric,
            version=latest + 1,
            definition=definition,
            checksum=checksum,
            source_file=source_file[:200],
        )
        if rubric.name != name:
            rubric.name = name
            rubric.save(update_fields=["name"])
    return RubricLoadOutcome(slug, version.version, True, source_file)


def rubrics_load(directory: Path | str) -> list[RubricLoadOutcome]:
    """Validate every ``*.yaml`` rubric in ``directory``, then publish new ones.

    All files are validated before anything is written, so one bad file stops the
    whole load.
    """
    loaded = definition_files_validate(
        directory,
        load=rubric_load,
        keys=lambda definition: [c["key"] for c in definition["competencies"]],
    )
    return [
        rubric_version_publish(definition=definition, source_file=file)
        for file, definition in loaded
    ]

"""Builders of stored questionnaire results from the scoring engine's own output.

A result is never written by hand here: answers go through ``score_one`` with
the version's definition, norm set and plan defaults, and the row holds what
``SubmissionResult.to_dict()`` returns, the very keys the scoring task stores.
"""

from assessments.definitions import all_item_keys, instrument_spec
from assessments.models import InstrumentVersion, NormSet
from assessments.results.norms import engine_norms, plan_settings
from assessments.scoring import score_one
from assessments.services import presentation_order


def answers_of(version: InstrumentVersion, **given) -> dict[str, int]:
    """Answers by item key. A scale key with a list (``drive=[5, 4, ...]``) gives
    that scale's items in definition order (``None`` leaves one unanswered); an
    item key with a number answers that item (``ir1=1`` fails an instruction).
    Check items not given are answered as instructed."""
    answers: dict[str, int] = {}
    definition = version.definition
    scales = {scale["key"] for scale in definition["scales"]}
    for name, values in given.items():
        if name not in scales:
            answers[name] = values
            continue
        keys = [item["key"] for item in definition["items"] if item["scale"] == name]
        answers.update(
            (key, value)
            for key, value in zip(keys, values, strict=False)
            if value is not None
        )
    for item in definition.get("instructed", []):
        answers.setdefault(item["key"], item["expected"])
    for item in definition.get("infrequency", []):
        answers.setdefault(item["key"], definition["answer_scale"]["min"])
    return answers


def result_fields(
    *,
    version: InstrumentVersion,
    norm_set: NormSet,
    answers: dict[str, int],
    seed: int = 7,
    page_seconds: float | None = None,
) -> dict:
    """The stored fields of a ``QuestionnaireResult`` for ``answers``.

    ``page_seconds`` is the time spent on every page as presented with ``seed``
    (for the speed check); without it speed is not judged.
    """
    definition = version.definition
    spec = instrument_spec(definition)
    weights, bands, percentiles = plan_settings(None, definition)
    page_items = None
    if page_seconds is not None:
        size = definition["items_per_page"]
        total = len(all_item_keys(definition))
        page_items = [min(size, total - start) for start in range(0, total, size)]
        page_seconds = [page_seconds] * len(page_items)
    result = score_one(
        spec,
        answers,
        norms=engine_norms(norm_set),
        reliabilities={s["key"]: s.get("reliability") for s in definition["scales"]},
        order=presentation_order(definition, seed),
        page_items=page_items,
        page_seconds=page_seconds,
        weights=weights,
        bands=bands,
        percentiles=percentiles,
    ).to_dict()
    return {
        "scoring_version": result["scoring_version"],
        "scales": result["scales"],
        "validity": result["validity"],
        "validity_status": result["validity_status"],
        "composite": result["composite"],
        "band": result["band"] or "",
        "explanation": result["explanation"] or {},
    }

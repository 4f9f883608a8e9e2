"""The even-odd rule, checked when a definition is loaded."""

import shutil
from io import StringIO

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from assessments.definitions import (
    definition_load,
    instruments_load,
    item_model,
    validity_notes,
)

STARTER = settings.CRIBA_INSTRUMENTS_DIR / "sales-drive.yaml"


def _with_scales(data: dict, n_scales: int, items_per_scale: int) -> dict:
    """The starter's format with ``n_scales`` scales of ``items_per_scale`` items."""
    template_scale = data["scales"][0]
    template_item = data["items"][0]
    data["scales"] = [{**template_scale, "key": f"scale_{s}"} for s in range(n_scales)]
    data["items"] = [
        {
            **template_item,
            "key": f"item_{s}_{i}",
            "scale": f"scale_{s}",
            "keyed": 1,
        }
        for s in range(n_scales)
        for i in range(items_per_scale)
    ]
    data["consistency_pairs"] = []
    data["plan_defaults"]["weights"] = {"scale_0": 1.0}
    return data


def _write(tmp_path, data) -> None:
    path = tmp_path / "custom.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_it_says_the_starter_has_too_few_scales_for_even_odd():
    notes = validity_notes(definition_load(STARTER))

    assert notes == [
        "even-odd consistency is not computed: 5 scale(s) have at least 4 items, "
        "and the index needs 12 to mean something (docs/scoring.md, even-odd "
        "consistency)"
    ]


def test_it_computes_even_odd_on_twelve_scales_of_four_items(tmp_path):
    data = _with_scales(yaml.safe_load(STARTER.read_text("utf-8")), 12, 4)

    assert validity_notes(definition_load(_write(tmp_path, data))) == []


def test_it_counts_only_scales_with_enough_items(tmp_path):
    data = _with_scales(yaml.safe_load(STARTER.read_text("utf-8")), 14, 3)

    [note] = validity_notes(definition_load(_write(tmp_path, data)))

    assert note.startswith("even-odd consistency is not computed: 0 scale(s)")


@pytest.mark.django_db
def test_it_prints_the_note_when_a_version_is_created(tmp_path):
    shutil.copy(STARTER, tmp_path / "sales-drive.yaml")
    out = StringIO()

    call_command(
        "load_instruments",
        "--dir",
        str(tmp_path),
        "--rubrics-dir",
        str(tmp_path / "no-rubrics"),
        stdout=out,
    )

    assert out.getvalue().splitlines() == [
        "sales-drive v1 created",
        "  sales-drive: even-odd consistency is not computed: 5 scale(s) have at "
        "least 4 items, and the index needs 12 to mean something "
        "(docs/scoring.md, even-odd consistency)",
    ]
    [outcome] = instruments_load(tmp_path)
    assert not outcome.created
    assert len(outcome.notes) == 1


def test_it_derives_the_item_norm_from_the_scale_figures():
    model = item_model(definition_load(STARTER))
    norm = model.covariance_norm()

    # 8 items, alpha .80 -> r = .8 / (8 - 7 * .8) = 1/3; scale SD .6 ->
    # item variance 8 * .36 / (1 + 7/3) = 0.864.
    sd01, sd03 = norm.items.index("sd01"), norm.items.index("sd03")
    assert len(norm.items) == 40
    assert norm.cov[sd01][sd01] == pytest.approx(0.864)
    assert norm.cov[sd01][sd03] == pytest.approx(-0.288)  # sd03 is reversed
    assert norm.mean[sd01] == pytest.approx(3.8)
    assert norm.mean[sd03] == pytest.approx(2.2)
    assert norm.cov[sd01][norm.items.index("ad01")] == 0.0

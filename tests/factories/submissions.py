"""Many submissions at once, for the tests of norms, reliability and rescoring.

``submissions_create`` bulk-inserts submitted invitations with their answers
(and page times) straight into the tables, skipping the page-by-page services,
from a latent-trait model: items load on their scale's trait, so alpha is
realistic. tests/assessments/test_factories_submissions.py checks them.
"""

import uuid
from datetime import timedelta

import numpy as np
from django.utils import timezone

from assessments.definitions import all_item_keys
from assessments.models import Invitation, PageTiming, Response
from tests.factories.hiring import ApplicationFactory


def latent_answers(
    definition: dict,
    n: int,
    *,
    seed: int = 0,
    loading: float = 0.7,
    careless: float = 0.0,
) -> np.ndarray:
    """N x k answers in ``all_item_keys`` order; check items answered correctly.

    ``careless`` is the share of respondents who answer at random.
    """
    rng = np.random.default_rng(seed)
    low, high = definition["answer_scale"]["min"], definition["answer_scale"]["max"]
    scales = [scale["key"] for scale in definition["scales"]]
    traits = rng.standard_normal((n, len(scales)))
    cuts = np.linspace(-1.5, 1.5, high - low)
    columns = []
    for item in definition["items"]:
        trait = traits[:, scales.index(item["scale"])] * item["keyed"]
        latent = loading * trait + np.sqrt(1 - loading**2) * rng.standard_normal(n)
        columns.append(low + np.searchsorted(cuts, latent))
    for item in definition.get("instructed", []):
        columns.append(np.full(n, item["expected"]))
    for _item in definition.get("infrequency", []):
        columns.append(np.full(n, low))
    for _item in definition.get("impression", []):
        columns.append(rng.integers(low, high, n))
    answers = np.column_stack(columns).astype(float)
    random_rows = rng.random(n) < careless
    answers[random_rows] = rng.integers(
        low, high + 1, (int(random_rows.sum()), len(columns))
    )
    return answers


def submissions_create(
    version,
    n: int,
    *,
    seed: int = 0,
    language: str = "en",
    status: str = Invitation.Status.SUBMITTED,
    application=None,
    answers: np.ndarray | None = None,
    careless: float = 0.0,
    page_seconds: float | None = 60.0,
) -> list[int]:
    """Insert ``n`` finished invitations of ``version`` and return their ids.

    ``answers`` (N x k, NaN = unanswered) default to ``latent_answers``; each page
    gets ``page_seconds`` unless it is None.
    """
    definition = version.definition
    keys = all_item_keys(definition)
    if answers is None:
        answers = latent_answers(definition, n, seed=seed, careless=careless)
    application = application or ApplicationFactory()
    now = timezone.now()
    rng = np.random.default_rng(seed + 1)
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                application=application,
                instrument_version=version,
                token_hash=uuid.uuid4().hex,
                status=status,
                language=language,
                item_order_seed=int(rng.integers(0, 2**31)),
                expires_at=now + timedelta(days=14),
                started_at=now - timedelta(minutes=20),
                submitted_at=now,
            )
            for _ in range(n)
        ]
    )
    ids = [invitation.pk for invitation in invitations]
    if ids[0] is None:  # backends that do not return ids from bulk inserts
        ids = list(
            Invitation.objects.filter(instrument_version=version)
            .order_by("-pk")
            .values_list("pk", flat=True)[:n]
        )[::-1]
    per_page = version.items_per_page
    Response.objects.bulk_create(
        [
            Response(
                invitation_id=pk,
                item_key=key,
                value=int(value),
                page=j // per_page,
                answered_at=now,
            )
            for pk, row in zip(ids, answers, strict=True)
            for j, (key, value) in enumerate(zip(keys, row, strict=True))
            if not np.isnan(value)
        ],
        batch_size=5000,
    )
    if page_seconds is not None:
        pages = -(-len(keys) // per_page)
        PageTiming.objects.bulk_create(
            [
                PageTiming(
                    invitation_id=pk,
                    page=page,
                    item_count=min(per_page, len(keys) - page * per_page),
                    first_shown_at=now,
                    seconds=page_seconds,
                )
                for pk in ids
                for page in range(pages)
            ],
            batch_size=5000,
        )
    return ids

"""A schema-driven fuzz run against a live server: at least 1,000 generated calls
with a key holding every scope, no 5xx, no response that contradicts the schema."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from hiring.models import Stage
from tests.api.conftest import scored_results
from tests.conftest import service_missing
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    HireOutcomeFactory,
    JobFactory,
    QuotaAttainmentFactory,
)

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)
MIN_CALLS = 1000


@pytest.fixture
def populated(instrument_version):
    """A few rows of everything, so reads by id find something."""
    from assessments.services import invitation_create

    for number in range(1, 4):
        job = JobFactory(external_id=f"job-{number}")
        application = ApplicationFactory(
            job=job,
            candidate=CandidateFactory(external_id=f"cand-{number}"),
            external_id=f"app-{number}",
        )
        scored_results(instrument_version, 2, application=application)
        invitation_create(
            application=ApplicationFactory(job=job), user=None, send=False
        )
        # A hire with an outcome, so outcomes read by id find one and a POST
        # naming `hire-<n>` records one.
        outcome = HireOutcomeFactory(
            application=ApplicationFactory(
                job=job, stage=Stage.HIRED, external_id=f"hire-{number}"
            )
        )
        QuotaAttainmentFactory(outcome=outcome)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_it_survives_a_thousand_generated_calls(
    site, api_client, populated, settings, tmp_path
):
    if connection.vendor != "postgresql":
        service_missing("the fuzz run needs DATABASE_URL pointing at PostgreSQL")
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "100000/minute"},
    }
    client = api_client()
    report = tmp_path / "report.ndjson"

    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("st")),
            "run",
            f"{site}/api/v1/schema/",
            "--url",
            site,
            "--header",
            f"Authorization: Bearer {client.raw_key}",
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "36",
            "--seed",
            "20261204",
            "--workers",
            "2",
            "--no-color",
            "--generation-database",
            "none",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(report),
            "--request-timeout",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,  # schemathesis keeps a cache in its working directory
    )

    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-8000:]
    generated = int(re.search(r"(\d+) generated", output).group(1))
    responses = len(re.findall(r'"response":\{', report.read_text()))
    assert generated >= MIN_CALLS, output[-3000:]
    assert responses >= MIN_CALLS, output[-3000:]

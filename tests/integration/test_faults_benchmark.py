"""A small run of benchmarks/faults.py: nothing lost, nothing scored twice.

100 submissions, two worker SIGKILLs and one broker restart that loses the queue,
with a real worker and beat on the test database and a Redis server of its own.
"""

import shutil

import pytest

from benchmarks.faults import run
from tests.conftest import service_missing

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_it_loses_and_duplicates_no_submission_through_kills_and_a_broker_restart(
    postgres, tmp_path
):
    if shutil.which("redis-server") is None:
        service_missing("redis-server is not installed")

    outcome = run(
        database_url=postgres,
        submissions=100,
        kills=2,
        log_dir=tmp_path,
        timeout=120,
    )

    print("\n".join(outcome.lines()))
    assert outcome.broker_restarts == 1
    assert outcome.lost == 0
    assert outcome.duplicated == 0
    assert len(outcome.seconds) == 100

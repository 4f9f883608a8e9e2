"""The Celery app of `benchmarks/webhooks.py`'s worker: Criba's own, plus a no-op
task that only posts to the receiver, the baseline of the webhook latency."""

import json

import urllib3

from config.celery import app

_pool = urllib3.PoolManager(retries=False)


@app.task(name="benchmarks.post_only_task", ignore_result=True)
def post_only_task(url: str, marker: str) -> None:
    _pool.request(
        "POST",
        url,
        body=json.dumps({"type": "benchmark.noop", "data": {"marker": marker}}),
        headers={"content-type": "application/json", "webhook-id": marker},
        timeout=urllib3.Timeout(connect=5, read=15),
    )

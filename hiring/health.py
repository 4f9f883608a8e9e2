"""``/healthz``: can this deployment take and score a submission right now?

Load balancers call it without credentials and learn only "ok" or "fail", from
the status code (200 or 503) and the body. Which check fails, and why (an
exception's class name, the heartbeat's age), goes only to a signed-in
administrator or to a monitor that sends ``CRIBA_HEALTH_TOKEN`` in the
``X-Criba-Health-Token`` header; never a URL, host name or password, for anyone.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from hiring.models import WorkerHeartbeat
from hiring.selectors import user_is_administrator


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def database_check() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "not usable"
        return Check(False, f"unreachable ({type(error).__name__})")
    return Check(True, "SELECT 1 answered")


def broker_check() -> Check:
    from config.celery import app

    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0.2, timeout=2
            )
    except Exception as error:  # any failure means "not usable"
        return Check(False, f"unreachable ({type(error).__name__})")
    return Check(True, "connected")


def worker_check() -> Check:
    try:
        newest = (
            WorkerHeartbeat.objects.order_by("-seen_at")
            .values_list("seen_at", flat=True)
            .first()
        )
    except Exception as error:  # the database check says more
        return Check(False, f"heartbeat unreadable ({type(error).__name__})")
    if newest is None:
        return Check(False, "no worker heartbeat recorded")
    age = (timezone.now() - newest).total_seconds()
    limit = settings.CRIBA_HEARTBEAT_STALE_SECONDS
    if age >= limit:
        return Check(False, f"last heartbeat {age:.0f}s ago (limit {limit}s)")
    return Check(True, f"last heartbeat {age:.0f}s ago")


# never_cache sends Cache-Control: no-store (with no-cache, max-age=0): a probe's
# answer is stale the moment it is written, so no proxy may keep it.
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": database_check(),
        "broker": broker_check(),
        "worker": worker_check(),
    }
    healthy = all(check.ok for check in checks.values())
    body: dict[str, object] = {"status": "ok" if healthy else "fail"}
    if _has_health_token(request) or (
        checks["database"].ok and _is_administrator(request)
    ):
        body["failing"] = [name for name, check in checks.items() if not check.ok]
        body["checks"] = {
            name: {"ok": check.ok, "detail": check.detail}
            for name, check in checks.items()
        }
    return JsonResponse(body, status=200 if healthy else 503)


def _has_health_token(request: HttpRequest) -> bool:
    expected = settings.CRIBA_HEALTH_TOKEN
    sent = request.headers.get("X-Criba-Health-Token")
    if not expected or sent is None:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


def _is_administrator(request: HttpRequest) -> bool:
    # Reading the user reads the session from the database, which the check
    # above has just found answering; it may still fail in between.
    try:
        return user_is_administrator(request.user)
    except DatabaseError:
        return False

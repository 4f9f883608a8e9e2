"""One attempt of one delivery: sign the body, post it to the address checked at
connect time, and record what happened."""

from __future__ import annotations

import json
import logging
import random
import socket
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

import urllib3
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from standardwebhooks.webhooks import Webhook

from hiring.models import (
    AtsCallback,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from hiring.webhooks.secrets import secret_open
from hiring.webhooks.services import out_of_scope_message
from hiring.webhooks.targets import TargetRefused, target_addresses, target_parts

logger = logging.getLogger(__name__)

# Delays before each retry: about three days in all (Standard Webhooks suggests a
# schedule of this shape), each stretched by up to 20 % of random jitter so a
# receiver that comes back is not hit by every retry at once.
RETRY_SCHEDULE = [
    timedelta(seconds=5),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=20),
]
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
EXCERPT_BYTES = 500
# A Retry-After longer than this is capped: the schedule, not the receiver, bounds
# how long an event waits.
MAX_RETRY_AFTER = timedelta(hours=6)


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    excerpt: str = ""
    error: str = ""
    retry_after: timedelta | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def delivery_body(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


UNREADABLE_SECRET = gettext_noop(
    "The endpoint's signing secret cannot be opened with the server's key "
    "(DJANGO_SECRET_KEY changed and the former key is not in "
    "DJANGO_SECRET_KEY_FALLBACKS). Give the endpoint a new secret."
)


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The current secret, and during a rotation's overlap the previous one too."""
    secrets = [secret_open(endpoint.secret_encrypted)]
    if (
        endpoint.previous_secret_encrypted
        and endpoint.previous_secret_until
        and now < endpoint.previous_secret_until
    ):
        secrets.append(secret_open(endpoint.previous_secret_encrypted))
    return secrets


def signed_headers(
    *, message_id: str, body: bytes, secrets: list[str], now: datetime
) -> dict[str, str]:
    """The three Standard Webhooks headers; one signature per secret."""
    signatures = " ".join(
        Webhook(secret).sign(msg_id=message_id, timestamp=now, data=body)
        for secret in secrets
    )
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
        "user-agent": "Criba-Webhooks/1",
    }


def _retry_after(value: str | None) -> timedelta | None:
    if not value:
        return None
    try:
        seconds = max(0, int(value.strip()))
    except ValueError:
        return None
    return min(timedelta(seconds=seconds), MAX_RETRY_AFTER)


def http_post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    return http_send("POST", url, body, headers)


def attempt_seconds() -> float:
    """How long one attempt may take in all, from connecting to the answer's last
    byte read: the read timeout bounds each wait for a byte, not their sum, so a
    receiver dripping its answer would otherwise hold the attempt (and the
    worker) past the claim's lease and the task's time limit."""
    return CONNECT_TIMEOUT + READ_TIMEOUT


class _Watchdog:
    """Shuts the attempt's connection down when its time is up, which wakes a
    read blocked on it; ``fired`` says whether it did."""

    def __init__(self, seconds: float):
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def watch(self, sock: socket.socket) -> None:
        # A duplicate of the descriptor: TLS takes the original over, and a
        # shutdown through either ends the one connection behind both.
        with self._lock:
            self._sockets.append(sock.dup())
            if self.fired:
                self._shut()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shut()

    def _shut(self) -> None:
        for sock in self._sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


def _watched(base: type, watchdog: _Watchdog) -> type:
    """``base`` (a urllib3 connection class) handing each socket it opens to the
    watchdog."""

    class WatchedConnection(base):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            watchdog.watch(sock)
            return sock

    return WatchedConnection


def http_send(method: str, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """Send to the URL over a connection to an address checked just now; redirects
    are not followed, only the first bytes of the answer are read, and the whole
    exchange ends after ``attempt_seconds()``."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        scheme, host, port, path = target_parts(url)
        address = target_addresses(host, port)[0]
    except TargetRefused as refused:
        return Outcome(None, elapsed(), error=refused.message[:300])
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    limit = attempt_seconds()
    watchdog = _Watchdog(limit)
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            timeout=timeout,
            retries=False,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    pool.ConnectionCls = _watched(pool.ConnectionCls, watchdog)
    default_port = 443 if scheme == "https" else 80
    host_header = host if port == default_port else f"{host}:{port}"
    error = ""
    try:
        with watchdog, pool:
            response = pool.urlopen(
                method,
                path,
                body=body,
                headers={**headers, "host": host_header},
                redirect=False,
                preload_content=False,
            )
            try:
                excerpt = response.read(EXCERPT_BYTES, decode_content=True)
            finally:
                response.release_conn()
    except (urllib3.exceptions.HTTPError, OSError) as failure:
        error = type(failure).__name__
    if watchdog.fired:
        # Whatever was read before the cut (even a status line) is not an answer.
        return Outcome(
            None,
            elapsed(),
            error=_("No complete answer within %(seconds)s seconds.")
            % {"seconds": f"{limit:g}"},
        )
    if error:
        return Outcome(None, elapsed(), error=error[:300])
    return Outcome(
        response.status,
        elapsed(),
        # Text PostgreSQL can keep: it refuses NUL, which a receiver may send.
        excerpt=excerpt.decode("utf-8", "replace").replace("\x00", "\ufffd"),
        retry_after=_retry_after(response.headers.get("retry-after")),
    )


def _next_delay(attempts: int) -> timedelta | None:
    """Delay before the attempt after ``attempts`` failed ones; None when the
    schedule is spent."""
    if attempts > len(RETRY_SCHEDULE):
        return None
    base = RETRY_SCHEDULE[attempts - 1] * settings.CRIBA_WEBHOOK_BACKOFF_SCALE
    return base * (1 + random.random() * 0.2)  # noqa: S311 - jitter, not a secret


def delivery_attempt(
    *, delivery_id: int, now: datetime | None = None
) -> Outcome | None:
    """Make one attempt of a claimed delivery and record its outcome."""
    now = now or timezone.now()
    delivery = (
        WebhookDelivery.objects.select_related("endpoint__api_key")
        .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
        .first()
    )
    if delivery is None:
        return None
    return delivery_send(delivery, now=now)


def delivery_send(delivery: WebhookDelivery, *, now: datetime | None = None):
    """Attempt a delivery the caller holds (claimed, its endpoint loaded)."""
    now = now or timezone.now()
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        return None
    if not endpoint.may_carry(delivery.event_type):
        _withhold(delivery, now)
        return None
    body = delivery_body(delivery.payload)
    try:
        secrets = signing_secrets(endpoint, now)
    except InvalidToken:
        # The server's key changed and the former one is not among its fallbacks:
        # nothing can be signed. The attempt fails like any other (backing off,
        # in the end disabling the endpoint) instead of crashing at every lease.
        logger.error(
            "Webhook endpoint %s: no server key opens its signing secret", endpoint.pk
        )
        outcome = Outcome(None, 0, error=_(UNREADABLE_SECRET))
        _record(delivery, outcome, now)
        return outcome
    headers = signed_headers(
        message_id=delivery.message_id, body=body, secrets=secrets, now=now
    )
    outcome = http_post(endpoint.url, body, headers)
    _record(delivery, outcome, now)
    return outcome


# An endpoint that has failed every attempt for this long is disabled and the
# administrators are told; the schedule above gives one event about as long.
DISABLE_AFTER = timedelta(days=3)


def _endpoint_succeeded(endpoint: WebhookEndpoint) -> None:
    if endpoint.failure_streak or endpoint.first_failure_at:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            failure_streak=0, first_failure_at=None, updated_at=timezone.now()
        )


def _endpoint_failed(endpoint: WebhookEndpoint, now: datetime, gone=False) -> None:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.failure_streak += 1
    endpoint.first_failure_at = endpoint.first_failure_at or now
    reason = None
    if gone:
        reason = WebhookEndpoint.DisabledReason.GONE
    elif now - endpoint.first_failure_at >= DISABLE_AFTER:
        reason = WebhookEndpoint.DisabledReason.FAILING
    if reason and endpoint.enabled:
        endpoint.enabled = False
        endpoint.disabled_reason = reason
        transaction.on_commit(lambda: _tell_administrators(endpoint.pk))
    endpoint.save(
        update_fields=[
            "failure_streak",
            "first_failure_at",
            "enabled",
            "disabled_reason",
            "updated_at",
        ]
    )


def _tell_administrators(endpoint_id: int) -> None:
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    recipients = list(
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Criba disabled the webhook endpoint %(name)s") % {
            "name": endpoint.name
        }
        body = _(
            "The endpoint %(name)s (%(url)s) was disabled: %(reason)s. Deliveries "
            "already queued for it wait and are sent once it is enabled again; "
            "events that happen while it is disabled are not queued for it. Fix "
            "the receiver, enable the endpoint again in Criba's webhook settings "
            "and redeliver what failed."
        ) % {
            "name": endpoint.name,
            "url": endpoint.url,
            "reason": endpoint.get_disabled_reason_display(),
        }
    try:
        send_mail(subject, body, None, recipients)
    except OSError:
        logger.warning(
            "Could not tell the administrators about endpoint %s", endpoint_id
        )


@transaction.atomic
def _withhold(delivery: WebhookDelivery, now: datetime) -> None:
    """End a delivery its endpoint's key may no longer read, sending nothing; the
    attempt row says why. Not the receiver's failure: the endpoint's streak stays."""
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=now,
        status_code=None,
        duration_ms=0,
        error=out_of_scope_message(delivery.endpoint.api_key, delivery.event_type),
    )
    delivery.attempts += 1
    delivery.status = WebhookDelivery.Status.FAILED
    delivery.next_attempt_at = None
    delivery.save(update_fields=["attempts", "status", "next_attempt_at"])


@transaction.atomic
def _record(delivery: WebhookDelivery, outcome: Outcome, now: datetime) -> None:
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=now,
        status_code=outcome.status_code,
        duration_ms=outcome.duration_ms,
        error=outcome.error,
        response_excerpt=outcome.excerpt[:EXCERPT_BYTES],
    )
    delivery.attempts += 1
    delivery.last_status_code = outcome.status_code
    fields = ["attempts", "last_status_code", "status", "next_attempt_at"]
    if outcome.succeeded:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        fields.append("delivered_at")
        delivery.save(update_fields=fields)
        _endpoint_succeeded(delivery.endpoint)
        return
    if outcome.status_code == 410:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
        delivery.save(update_fields=fields)
        _endpoint_failed(delivery.endpoint, now, gone=True)
        return
    delay = outcome.retry_after if outcome.status_code == 429 else None
    delay = delay or _next_delay(delivery.attempts)
    if delay is None:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + delay
    delivery.save(update_fields=fields)
    logger.info(
        "Webhook delivery %s attempt %s failed: %s",
        delivery.pk,
        delivery.attempts,
        outcome.status_code or outcome.error,
    )
    _endpoint_failed(delivery.endpoint, now)


def callback_attempt(
    *, callback_id: int, now: datetime | None = None
) -> Outcome | None:
    """Make one attempt of a claimed ATS callback (a body-less request to the URL
    the ATS gave) and record it; retried on the webhook schedule."""
    now = now or timezone.now()
    callback = AtsCallback.objects.filter(
        pk=callback_id, status=AtsCallback.Status.PENDING
    ).first()
    if callback is None:
        return None
    outcome = http_send(
        callback.method, callback.url, b"", {"user-agent": "Criba-Webhooks/1"}
    )
    callback.attempts += 1
    callback.last_status_code = outcome.status_code
    callback.last_error = outcome.error
    if outcome.succeeded:
        callback.status = AtsCallback.Status.SUCCEEDED
        callback.delivered_at = now
        callback.next_attempt_at = None
    else:
        delay = outcome.retry_after if outcome.status_code == 429 else None
        delay = delay or _next_delay(callback.attempts)
        if delay is None or outcome.status_code == 410:
            callback.status = AtsCallback.Status.FAILED
            callback.next_attempt_at = None
        else:
            callback.next_attempt_at = now + delay
        logger.info(
            "ATS callback %s attempt %s failed: %s",
            callback.pk,
            callback.attempts,
            outcome.status_code or outcome.error,
        )
    callback.save()
    return outcome

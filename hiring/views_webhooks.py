"""Webhook settings for administrators: endpoints, their deliveries and attempts.

Administrators see and manage every endpoint, those they added here and those API
keys registered (each shown with its key), whereas a key reaches only its own.

A new or rotated secret is shown in the response to the POST that made it, never
stored in the session or a message, and never shown again.
"""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hiring.errors import DomainError, Forbidden
from hiring.forms import WebhookEndpointForm
from hiring.models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from hiring.problems import problem_status, problem_title
from hiring.webhooks.services import (
    delivery_redeliver,
    endpoint_create,
    endpoint_ping,
    endpoint_rotate_secret,
    endpoint_update,
)


def _administrator(view):
    """Webhook endpoints receive every candidate's results: superusers only."""

    @staff_member_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@_administrator
@require_http_methods(["GET", "HEAD", "POST"])
def webhook_list(request: HttpRequest) -> HttpResponse:
    form = WebhookEndpointForm(request.POST or None)
    secret = None
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, secret = endpoint_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                )
                form = WebhookEndpointForm()
            except DomainError as problem:
                for name, messages in problem.fields.items():
                    for message in messages:
                        form.add_error(name if name in form.fields else None, message)
                if not problem.fields:
                    form.add_error(None, problem.message)
                status = problem_status(problem)
        else:
            status = 400
    endpoints = (
        WebhookEndpoint.objects.select_related("api_key")
        .annotate(
            pending=Count("deliveries", filter=Q(deliveries__status="pending")),
            failed=Count("deliveries", filter=Q(deliveries__status="failed")),
        )
        .order_by("name", "id")
    )
    return render(
        request,
        "hiring/webhooks/list.html",
        {
            "endpoints": endpoints,
            "form": form,
            "created": created,
            "secret": secret,
            "event_types": OutboxEvent.Type.choices,
        },
        status=status,
    )


@_administrator
@require_http_methods(["GET", "HEAD"])
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(
        WebhookEndpoint.objects.select_related("api_key"), pk=pk
    )
    deliveries = (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .prefetch_related("attempt_log")
        .order_by("-created_at", "-id")[:50]
    )
    return render(
        request,
        "hiring/webhooks/detail.html",
        {"endpoint": endpoint, "deliveries": deliveries},
    )


@_administrator
@require_POST
def webhook_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    secret = endpoint_rotate_secret(endpoint=endpoint, actor=request.user)
    endpoint.refresh_from_db()
    return render(
        request,
        "hiring/webhooks/secret.html",
        {"endpoint": endpoint, "secret": secret, "rotated": True},
    )


@_administrator
@require_POST
def webhook_ping(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    try:
        endpoint_ping(endpoint=endpoint, actor=request.user)
    except DomainError as problem:
        return render(
            request,
            "problem.html",
            {"status": 409, "title": _("Cannot test"), "detail": problem.message},
            status=problem_status(problem),
        )
    return redirect("hiring:webhook_detail", pk=pk)


@_administrator
@require_POST
def webhook_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    endpoint_update(endpoint=endpoint, actor=request.user, enabled=not endpoint.enabled)
    return redirect("hiring:webhook_detail", pk=pk)


@_administrator
@require_POST
def webhook_redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        delivery_redeliver(delivery=delivery, actor=request.user)
    except Forbidden as problem:
        # The endpoint's key may no longer read the event: say which scope.
        status = problem_status(problem)
        return render(
            request,
            "problem.html",
            {
                "status": status,
                "title": problem_title(status),
                "detail": problem.message,
            },
            status=status,
        )
    except DomainError:
        # One still being tried (the page shows it as pending), or one the
        # history's retention deleted meanwhile (the page no longer lists it).
        pass
    return redirect("hiring:webhook_detail", pk=delivery.endpoint_id)

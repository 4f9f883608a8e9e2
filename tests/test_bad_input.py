"""Every form and JSON endpoint answers bad input with a 4xx that names the
problem, never a 500, and keeps nothing of it.

Each endpoint is fed the kinds of bad input that apply to it: malformed bodies,
nested field names and JSON, oversized bodies, too many fields, wrong-typed values,
text that is not UTF-8 and NUL bytes. Forms without fields of their own (submit,
revoke, resend) have no value to get wrong, so they get the kinds that reach every
body. Runs on PostgreSQL in CI, where NUL in a query parameter is an error.
"""

from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Invitation, Response
from assessments.tokens import invitation_token
from hiring.models import (
    Application,
    AuditEvent,
    HireOutcome,
    Stage,
    WebhookEndpoint,
)
from tests.factories import ApplicationFactory
from tests.hiring.support import logged_in

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

TOO_BIG_PAGE = "The request was too large"  # the candidate's own wording
TOO_BIG = "larger than the 256 kB allowed"
TOO_MANY = "more than the 400 fields allowed"
NOT_UTF8 = "not valid UTF-8"
NUL = "NUL character"
REQUIRED = "This field is required."


@dataclass(frozen=True)
class Case:
    endpoint: str
    kind: str
    body: bytes
    says: str
    content_type: str = FORM


def _form(**fields) -> bytes:
    return "&".join(f"{quote(k)}={quote(v)}" for k, v in fields.items()).encode()


SIZE_KINDS = {"oversized", "too many fields"}
OVERSIZED = b"reason=" + b"x" * (300 * 1024)
TOO_MANY_FIELDS = "&".join(f"f{n}=1" for n in range(450)).encode()


def _common(endpoint: str, *, candidate: bool) -> list[Case]:
    """The kinds of bad input that reach every form, with or without fields."""
    return [
        Case(endpoint, "oversized", OVERSIZED, TOO_BIG_PAGE if candidate else TOO_BIG),
        Case(
            endpoint,
            "too many fields",
            TOO_MANY_FIELDS,
            TOO_BIG_PAGE if candidate else TOO_MANY,
        ),
        Case(endpoint, "not utf-8", b"language=\xff\xfe&reason=caf\xe9", NOT_UTF8),
        Case(endpoint, "nul", b"language=en%00&reason=%00", NUL),
    ]


CASES = [
    # Sign-in.
    Case("login", "malformed", b"=&&=%zz&%", REQUIRED),
    Case(
        "login",
        "nested",
        _form(**{"username[0]": "alice", "password[]": "x"}),
        REQUIRED,
    ),
    Case(
        "login",
        "wrong type",
        _form(username="a" * 151, password="x"),
        "at most 150 characters",
    ),
    *_common("login", candidate=False),
    # The candidate's landing page: consent and language.
    Case("landing", "malformed", b"=&&=%zz&%", "Please confirm that you agree"),
    Case(
        "landing",
        "nested",
        _form(**{"consent[]": "on", "language[en]": "en"}),
        "Please confirm that you agree",
    ),
    Case(
        "landing",
        "wrong type",
        _form(consent="on", language="klingon"),
        "Select a valid choice",
    ),
    *_common("landing", candidate=True),
    # A page of items.
    Case("page", "malformed", b"item-=&&item-%zz=3", "not"),
    Case("page", "wrong type", _form(**{"item-dr01": "three"}), "dr01"),
    Case("page", "out of range", _form(**{"item-dr01": "99"}), "dr01"),
    Case("page", "nested", _form(**{"item-dr01[0]": "3"}), "Unknown item dr01[0]"),
    *_common("page", candidate=True),
    # Submit has no field; only what reaches every body.
    *_common("submit", candidate=True),
    # Autosave (JSON).
    Case("autosave", "malformed", b'{"page": 1,', "not valid JSON", JSON),
    Case("autosave", "not an object", b"[1, 2]", "Send a JSON object", JSON),
    Case(
        "autosave",
        "nested",
        b"[" * 100_000 + b"]" * 100_000,
        "nested deeper than 32 levels",
        JSON,
    ),
    Case(
        "autosave",
        "oversized",
        b'{"page": 1, "answers": {"x": "' + b"y" * (300 * 1024) + b'"}}',
        TOO_BIG_PAGE,
        JSON,
    ),
    Case(
        "autosave",
        "wrong type: page",
        b'{"page": "1", "answers": {}}',
        "must be the page number",
        JSON,
    ),
    Case(
        "autosave",
        "wrong type: page is true",
        b'{"page": true, "answers": {}}',
        "must be the page number",
        JSON,
    ),
    Case(
        "autosave",
        "wrong type: answers",
        b'{"page": 1, "answers": [3, 4]}',
        "must map item keys to answers",
        JSON,
    ),
    Case(
        "autosave",
        "wrong type: answer",
        b'{"page": 1, "answers": {"dr01": "strongly"}}',
        "dr01",
        JSON,
    ),
    Case(
        "autosave",
        "not utf-8",
        b'{"page": 1, "answers": {"\xff\xfe": 3}}',
        "not valid JSON",
        JSON,
    ),
    Case(
        "autosave",
        "nul",
        b'{"page": 1, "answers": {"dr01\\u0000": 3}}',
        "dr01",
        JSON,
    ),
    # Recruiter forms.
    Case("invite", "malformed", b"=&&=%zz&%", REQUIRED),
    Case(
        "invite",
        "nested",
        _form(**{"language[]": "en", "expires_in_days[0]": "7"}),
        REQUIRED,
    ),
    Case(
        "invite",
        "wrong type",
        _form(language="en", extra_time_percent="lots", expires_in_days="-3"),
        "Enter a whole number",
    ),
    *_common("invite", candidate=False),
    Case("decide", "malformed", b"=&&=%zz&%", "A decision needs its reason"),
    Case(
        "decide",
        "nested",
        _form(**{"decision[]": "hire", "reason[0]": "x"}),
        "A decision needs its reason",
    ),
    Case(
        "decide",
        "wrong type",
        _form(decision="promote", reason="r" * 4001),
        "Select a valid choice",
    ),
    *_common("decide", candidate=False),
    Case("extend", "malformed", b"=&&=%zz&%", REQUIRED),
    Case("extend", "wrong type", _form(days="forever"), "Enter a whole number"),
    Case("extend", "out of range", _form(days="10000"), "less than or equal to 90"),
    *_common("extend", candidate=False),
    *_common("revoke", candidate=False),
    # The administrators' webhook settings.
    Case("webhook", "malformed", b"=&&=%zz&%", REQUIRED),
    Case("webhook", "nested", _form(**{"name[0]": "ATS", "url[]": "x"}), REQUIRED),
    Case(
        "webhook",
        "wrong type",
        _form(name="ATS", url="not a web address"),
        "Enter a valid URL",
    ),
    Case(
        "webhook",
        "wrong type: events",
        _form(name="ATS", url="https://ats.example/hook", events="everything"),
        "Select a valid choice",
    ),
    *_common("webhook", candidate=False),
    *_common("resend", candidate=False),
    # A hire's outcome, and the file of outcomes.
    Case("outcome", "malformed", b"=&&=%zz&%", REQUIRED),
    Case(
        "outcome",
        "nested",
        _form(**{"start_date[]": "2026-01-05", "manager_name[0]": "Dana"}),
        REQUIRED,
    ),
    Case(
        "outcome",
        "wrong type",
        _form(start_date="soon", manager_name="Dana", performance_rating="9"),
        "Enter a valid date",
    ),
    Case(
        "outcome",
        "wrong type: quarter",
        _form(
            start_date="2026-01-05",
            manager_name="Dana",
            **{
                "quota-TOTAL_FORMS": "1",
                "quota-INITIAL_FORMS": "1",
                "quota-0-year": "2026",
                "quota-0-quarter": "7",
                "quota-0-attainment_percent": "lots",
            },
        ),
        "Enter a number",
    ),
    *_common("outcome", candidate=False),
    Case("outcome import", "malformed", b"=&&=%zz&%", "Choose a CSV file"),
    Case(
        "outcome import",
        "wrong type",
        _form(csv_text="start_date,manager\nsoon,Dana\n", action="import"),
        "Nothing was imported",
    ),
    *_common("outcome import", candidate=False),
]


@pytest.fixture
def scene(job, alice, admin_user, instrument_version, scoring_calls):
    """A started questionnaire, an open invitation and the people who use them."""
    taken = ApplicationFactory(job=job)
    taking = Invitation.objects.get(pk=_invite(taken, alice, instrument_version).pk)
    candidate = Client()
    candidate.post(
        reverse("take:landing", args=[invitation_token(taking)]),
        {"language": "en", "consent": "on"},
    )
    fresh = _invite(ApplicationFactory(job=job), alice, instrument_version)
    # Posting to the landing page marks the link opened, bad input or not: the
    # candidate did open it. Done once here so the tests see only what follows.
    Client().post(reverse("take:landing", args=[invitation_token(fresh)]), {})
    return {
        "candidate": candidate,
        "stranger": Client(),
        "recruiter": logged_in(Client(), alice),
        "admin": logged_in(Client(), admin_user),
        "taking": taking,
        "fresh": fresh,
        "uninvited": ApplicationFactory(job=job),
        "decided": taken,
        "hired": ApplicationFactory(job=job, stage=Stage.HIRED),
        "job": job,
    }


@pytest.fixture
def scoring_calls(monkeypatch):
    """Records each enqueue of scoring instead of reaching for a broker."""
    calls = []
    monkeypatch.setattr(services, "scoring_enqueue", calls.append)
    return calls


def _invite(application, user, version):
    return services.invitation_create(
        application=application, user=user, instrument_version=version
    )


def _target(endpoint: str, scene) -> tuple[Client, str]:
    fresh = scene["fresh"].pk
    return {
        "login": (scene["stranger"], reverse("login")),
        "landing": (
            scene["stranger"],
            reverse("take:landing", args=[invitation_token(scene["fresh"])]),
        ),
        "page": (scene["candidate"], reverse("take:page", kwargs={"number": 1})),
        "submit": (scene["candidate"], reverse("take:submit")),
        "autosave": (scene["candidate"], reverse("take:autosave")),
        "invite": (
            scene["recruiter"],
            reverse("results:application_invite", args=[scene["uninvited"].pk]),
        ),
        "decide": (
            scene["recruiter"],
            reverse("results:application_decide", args=[scene["decided"].pk]),
        ),
        "extend": (
            scene["recruiter"],
            reverse("results:invitation_extend", args=[fresh]),
        ),
        "revoke": (
            scene["recruiter"],
            reverse("results:invitation_revoke", args=[fresh]),
        ),
        "resend": (
            scene["recruiter"],
            reverse("results:invitation_resend", args=[fresh]),
        ),
        "webhook": (scene["admin"], reverse("hiring:webhook_list")),
        "outcome": (
            scene["recruiter"],
            reverse("results:application_outcome", args=[scene["hired"].pk]),
        ),
        "outcome import": (
            scene["recruiter"],
            reverse("hiring:outcome_import", args=[scene["job"].pk]),
        ),
    }[endpoint]


def _state(scene) -> tuple:
    """What bad input must not change."""
    return (
        Response.objects.count(),
        Invitation.objects.count(),
        list(Invitation.objects.order_by("pk").values_list("status", "expires_at")),
        list(Application.objects.order_by("pk").values_list("decision", "stage")),
        AuditEvent.objects.count(),
        WebhookEndpoint.objects.count(),
        HireOutcome.objects.count(),
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.endpoint}: {c.kind}")
def test_it_answers_bad_input_with_a_4xx_naming_the_problem(scene, case):
    client, url = _target(case.endpoint, scene)
    before = _state(scene)
    # The size limits are met when the CSRF check first reads the body, as it does
    # outside the tests; the test client skips that check unless asked.
    if case.kind in SIZE_KINDS:
        client.handler.enforce_csrf_checks = True
        client.cookies[settings.CSRF_COOKIE_NAME] = "k" * 32  # a browser has one

    response = client.post(
        url,
        case.body,
        content_type=case.content_type,
        headers={"x-csrftoken": "k" * 32},
    )

    assert 400 <= response.status_code < 500, response.status_code
    text = response.content.decode()
    assert case.says in text, text[:3000]
    assert _state(scene) == before


def test_every_kind_reaches_every_endpoint_with_fields():
    kinds = {}
    for case in CASES:
        kinds.setdefault(case.endpoint, set()).add(case.kind)

    for endpoint in (
        "login",
        "landing",
        "invite",
        "decide",
        "extend",
        "webhook",
        "outcome",
        "outcome import",
    ):
        assert {"malformed", "oversized", "wrong type", "not utf-8", "nul"} <= kinds[
            endpoint
        ], endpoint
    assert {"malformed", "nested", "oversized", "not utf-8"} <= {
        kind.split(":")[0] for kind in kinds["autosave"]
    }


ADMIN_SEARCHES = [
    ("/admin/hiring/candidate/?q=%00", NUL),
    ("/admin/hiring/candidate/?q=%FF", NOT_UTF8),
    ("/admin/hiring/job/?q=Sales%00&status=open", NUL),
    ("/admin/hiring/application/?stage__exact=%00", NUL),
    ("/admin/hiring/auditevent/?q=%C3%28", NOT_UTF8),
    ("/admin/assessments/invitation/?q=%00", NUL),
]


@pytest.mark.parametrize(("url", "says"), ADMIN_SEARCHES)
def test_it_answers_a_bad_admin_search_with_a_400(scene, url, says):
    response = scene["admin"].get(url)

    assert response.status_code == 400
    assert says in response.content.decode()

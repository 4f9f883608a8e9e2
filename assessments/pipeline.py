"""The pipeline of a job as the recruiter works it: applications by stage with
counts, filtered, searched, sorted and paginated, each with its latest invitation
and current result, and the groups the margin of error allows (SED rule).

A read model: it checks the user's capability on the job and returns plain
dataclasses. The number of queries does not grow with the number of applications.
An invalid result never gets a band, a composite or a group here: it is shown
as invalid, apart from the valid ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

from assessments.labels import band_label, validity_status_label
from assessments.models import AssessmentPlan, Invitation, QuestionnaireResult
from assessments.selectors import application_latest, applications_prefetch_latest
from assessments.statistics.comparison import results_compare
from hiring.errors import Invalid
from hiring.models import Application, Capability, Job, Stage
from hiring.selectors import job_for_user

PAGE_SIZE = 25
# A row names this many of the results it cannot be told apart from, the
# nearest first, and counts the rest: in a job with thousands of close results
# a row would otherwise list hundreds of names.
PEERS_NAMED = 5
BANDS = ("strong_fit", "fit", "borderline", "not_recommended")
VALIDITY = ("valid", "questionable", "invalid", "none")
INVITATION_STATES = ("none", *Invitation.Status.values)
SORTS = ("newest", "oldest", "name", "composite", "stage")
INVALID = "invalid"


@dataclass(frozen=True)
class PipelineFilters:
    stage: str = ""
    band: str = ""
    validity: str = ""
    invitation: str = ""
    q: str = ""
    sort: str = "newest"
    page: int = 1

    @classmethod
    def from_query(cls, data) -> PipelineFilters:
        """Read the query string; an unknown value is a 400 naming the parameter."""
        choices = {
            "stage": Stage.values,
            "band": BANDS,
            "validity": VALIDITY,
            "invitation": INVITATION_STATES,
            "sort": SORTS,
        }
        values = {}
        problems = {}
        for name, allowed in choices.items():
            value = (data.get(name) or "").strip()
            if value and value not in allowed:
                problems[name] = [
                    _("“%(value)s” is not one of: %(allowed)s.")
                    % {"value": value, "allowed": ", ".join(allowed)}
                ]
            values[name] = value
        raw_page = (data.get("page") or "1").strip()
        if not (raw_page.isascii() and raw_page.isdigit()) or int(raw_page) < 1:
            problems["page"] = [_("The page is a whole number from 1.")]
            raw_page = "1"
        if problems:
            raise Invalid(
                _("The filters of the pipeline are not valid: %(names)s.")
                % {"names": ", ".join(problems)},
                code="bad_filter",
                fields=problems,
            )
        return cls(
            stage=values["stage"],
            band=values["band"],
            validity=values["validity"],
            invitation=values["invitation"],
            q=(data.get("q") or "").strip()[:100],
            sort=values["sort"] or "newest",
            page=int(raw_page),
        )

    @property
    def active(self) -> bool:
        return bool(
            self.stage or self.band or self.validity or self.invitation or self.q
        )

    def query(self, **changes) -> str:
        """The query string of these filters with ``changes`` (page back to 1)."""
        values = {
            "stage": self.stage,
            "band": self.band,
            "validity": self.validity,
            "invitation": self.invitation,
            "q": self.q,
            "sort": "" if self.sort == "newest" else self.sort,
            "page": "",
            **changes,
        }
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})


@dataclass(frozen=True)
class StageCount:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class PipelinePage:
    job: Job
    capabilities: frozenset[str]
    filters: PipelineFilters
    stages: list[StageCount]
    total: int
    page: Page
    applications: list[Application]
    plan: AssessmentPlan | None
    # How many results of the job are invalid (kept apart, never grouped).
    invalid_count: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def can_view_results(self) -> bool:
        return Capability.VIEW_RESULTS in self.capabilities

    @property
    def can_invite(self) -> bool:
        return Capability.INVITE in self.capabilities

    @property
    def can_manage(self) -> bool:
        return Capability.MANAGE_JOB in self.capabilities


def _current_result(column: str) -> Subquery:
    """A column of the application's current result (its newest scored
    invitation's), as the application page and the report show it."""
    return Subquery(
        QuestionnaireResult.objects.filter(
            invitation__application=OuterRef("pk"), is_current=True
        )
        .order_by("-invitation__created_at", "-invitation_id")
        .values(column)[:1]
    )


def _annotated(job: Job) -> QuerySet[Application]:
    latest_status = Subquery(
        Invitation.objects.filter(application=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("status")[:1]
    )
    stage_order = Case(
        *(When(stage=value, then=Value(i)) for i, value in enumerate(Stage.values)),
        output_field=IntegerField(),
    )
    return (
        Application.objects.filter(job=job)
        .annotate(
            invitation_state=latest_status,
            result_validity=_current_result("validity_status"),
            raw_band=_current_result("band"),
            raw_composite=_current_result("composite"),
            stage_order=stage_order,
            full_name=Concat(
                "candidate__first_name",
                Value(" "),
                "candidate__last_name",
                output_field=CharField(),
            ),
        )
        .annotate(
            # An invalid result has no band and no composite, anywhere.
            result_band=Case(
                When(result_validity=INVALID, then=Value("")),
                default=F("raw_band"),
                output_field=CharField(),
            ),
            result_composite=Case(
                When(result_validity=INVALID, then=Value(None)),
                default=F("raw_composite"),
                output_field=FloatField(),
            ),
        )
    )


def _filtered(queryset: QuerySet, filters: PipelineFilters) -> QuerySet:
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    if filters.band:
        queryset = queryset.filter(result_band=filters.band)
    if filters.validity == "none":
        queryset = queryset.filter(result_validity__isnull=True)
    elif filters.validity:
        queryset = queryset.filter(result_validity=filters.validity)
    if filters.invitation == "none":
        queryset = queryset.filter(invitation_state__isnull=True)
    elif filters.invitation:
        queryset = queryset.filter(invitation_state=filters.invitation)
    if filters.q:
        for word in filters.q.split():
            queryset = queryset.filter(
                Q(full_name__icontains=word) | Q(candidate__email__icontains=word)
            )
    ordering = {
        "newest": ["-created_at", "-id"],
        "oldest": ["created_at", "id"],
        "name": ["candidate__last_name", "candidate__first_name", "id"],
        "composite": [F("result_composite").desc(nulls_last=True), "-id"],
        "stage": ["stage_order", "-created_at", "-id"],
    }[filters.sort]
    return queryset.order_by(*ordering)


def job_pipeline_page(*, user, job_id: int, filters: PipelineFilters) -> PipelinePage:
    """One page of the job's pipeline for someone allowed to see its applications.

    Every application carries `latest_invitation`, `current_result` (None when the
    result is invalid: see `invalid_result`), `band_label`, `validity_label`,
    `standing`, `peers` (up to ``PEERS_NAMED`` of the valid results its composite
    cannot be told apart from at 95 %, the nearest first) and `peers_more` (how
    many more there are).
    """
    job, capabilities = job_for_user(
        user=user, job_id=job_id, capability=Capability.VIEW_APPLICATIONS
    )
    counts = dict(
        Application.objects.filter(job=job)
        .values_list("stage")
        .annotate(n=Count("id"))
        .order_by()
    )
    stages = [
        StageCount(value=value, label=label, count=counts.get(value, 0))
        for value, label in Stage.choices
    ]
    queryset = applications_prefetch_latest(
        _filtered(_annotated(job).select_related("candidate"), filters)
    )
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(filters.page)
    applications = [application_latest(a) for a in page.object_list]

    may_see_results = Capability.VIEW_RESULTS in capabilities
    on_page = {
        a.current_result.pk for a in applications if a.current_result is not None
    }
    standings = _standings(job, on_page=on_page) if may_see_results else {}
    invalid_count = 0
    for application in applications:
        result = application.current_result
        application.invalid_result = None
        if result is not None and result.validity_status == INVALID:
            application.invalid_result = result
            application.current_result = None
            invalid_count += 1
            result = None
        application.band_label = (
            band_label(result.band) if result and result.band else ""
        )
        application.validity_label = (
            validity_status_label(result.validity_status) if result else ""
        )
        standing = standings.get(result.pk) if result else None
        application.standing = standing[0] if standing else None
        application.peers = standing[1] if standing else []
        application.peers_more = standing[2] if standing else 0

    plan = (
        AssessmentPlan.objects.filter(job=job)
        .select_related("instrument", "instrument_version")
        .first()
    )
    return PipelinePage(
        job=job,
        capabilities=capabilities,
        filters=filters,
        stages=stages,
        total=sum(counts.values()),
        page=page,
        applications=applications,
        plan=plan,
        invalid_count=invalid_count,
    )


def _standings(job: Job, *, on_page: set[int]) -> dict[int, tuple]:
    """``{result id: (standing, [names], more)}`` for the
    results ``on_page``, their groups formed over every current valid or
    questionable result of the job (one query), so the groups do not change with
    the page or the filters. ``names`` are those of the ``PEERS_NAMED`` results
    nearest in composite that it cannot be told apart from, ``more`` counts the
    others. Only the page's rows get names: with thousands of close results,
    naming everyone's peers would take seconds."""
    results = list(
        QuestionnaireResult.objects.filter(
            invitation__application__job=job,
            is_current=True,
            composite__isnull=False,
        )
        .exclude(validity_status=INVALID)
        .select_related("invitation__application__candidate")
        .only(
            "id",
            "composite",
            "scales",
            "explanation",
            "validity_status",
            "invitation__application__candidate__first_name",
            "invitation__application__candidate__last_name",
            # full_name says "Erased candidate #n" for an erased one.
            "invitation__application__candidate__erased_at",
        )
        .order_by("-invitation__created_at", "-invitation_id")
    )
    # One result per application: its newest scored invitation's.
    seen: set[int] = set()
    latest = []
    for result in results:
        application_id = result.invitation.application_id
        if application_id not in seen:
            seen.add(application_id)
            latest.append(result)
    by_pk = {result.pk: result for result in latest}
    standings = {}
    for standing in results_compare(latest):
        if standing.key.pk not in on_page:
            continue
        peers = sorted(
            standing.indistinguishable_from,
            key=lambda other, mine=standing.composite: abs(other.composite - mine),
        )
        standings[standing.key.pk] = (
            standing,
            [
                by_pk[other.pk].invitation.application.candidate.full_name
                for other in peers[:PEERS_NAMED]
            ],
            max(len(peers) - PEERS_NAMED, 0),
        )
    return standings

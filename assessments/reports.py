"""Read models: what a page or an API response shows, built once for every surface.

Each function checks what the user may do on the job (`hiring.selectors`), reads
through the assessment selectors, and returns plain dataclasses. Reading a report
writes its `report.viewed` audit row here, so a page view and an API read are
audited the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import psycopg
from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from psycopg.types.datetime import TimestamptzLoader

from assessments.explanations import band_explanation_text
from assessments.interview_selectors import interview_results_visible
from assessments.labels import (
    band_label,
    validity_index_label,
    validity_rule_sentences,
    validity_sentence,
    validity_status_label,
)
from assessments.models import AssessmentPlan, QuestionnaireResult
from assessments.scoring.comparison import composite_sem
from assessments.scoring.rules import rule_for_version
from assessments.scoring.standard import BOUNDARY_EPS
from assessments.selectors import (
    application_with_invitations,
    application_with_invitations_for_integrations,
    applications_with_latest_results,
    results_on_jobs_of,
)
from assessments.statistics.comparison import results_compare
from hiring.errors import NotFound
from hiring.models import Application, AuditEvent, Capability, Job
from hiring.selectors import (
    audit_events_naming,
    decision_history,
    job_require,
    jobs_visible_to,
)
from hiring.services import audit_record


def _language(language: str | None) -> str:
    return (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]


# --- the questionnaire report --------------------------------------------------------


@dataclass(frozen=True)
class ScaleRow:
    key: str
    name: str
    lower_is_better: bool
    missing: bool
    raw_mean: float | None
    t: float | None
    t_low: float | None
    t_high: float | None
    percentile: float | None
    sten: int | None
    # "normal" (read off the normal curve) or "empirical" (the norm group's own
    # scores); None where the result does not say.
    percentile_method: str | None = None


@dataclass(frozen=True)
class ValidityCheck:
    name: str
    label: str
    value: float | None
    flag: bool
    sentence: str


@dataclass(frozen=True)
class ValidityRuleReport:
    """Which rule judged a result: its scoring version, the rule in words and
    the sentence of the clause that gave the result its status. ``known`` is
    False for a scoring version this release no longer describes."""

    scoring_version: str
    known: bool
    sentences: list[str]
    reason: str


@dataclass(frozen=True)
class Contribution:
    scale: str
    name: str
    weight: float | None
    z: float | None
    contribution: float | None


@dataclass(frozen=True)
class QuestionnaireReport:
    result: QuestionnaireResult
    application: Application
    capabilities: frozenset[str]
    language: str
    rows: list[ScaleRow]
    checks: list[ValidityCheck]
    validity_label: str
    band_label: str
    contributions: list[Contribution]
    band_sentences: list[str]
    nearest_cut: float | None
    nearest_cut_label: str
    distance_to_cut: float | None
    provisional: bool
    validity_rule: ValidityRuleReport

    @property
    def flags(self) -> list[ValidityCheck]:
        return [check for check in self.checks if check.flag]

    @property
    def percentile_methods(self) -> list[str]:
        """How the shown percentiles were found, for the note under the table."""
        return sorted(
            {row.percentile_method for row in self.rows if not row.missing} - {None}
        )

    @property
    def is_invalid(self) -> bool:
        """The answers cannot be trusted: no band, composite or group is shown."""
        return self.result.validity_status == "invalid"

    @property
    def is_questionable(self) -> bool:
        return self.result.validity_status == "questionable"

    # What an integration is told: nothing about a band or composite computed
    # from answers that cannot be trusted, as on the report page.
    @property
    def composite_shown(self) -> float | None:
        return None if self.is_invalid else self.result.composite

    @property
    def band_shown(self) -> str:
        return "" if self.is_invalid else self.result.band

    @property
    def band_label_shown(self) -> str:
        return "" if self.is_invalid else self.band_label

    @property
    def band_sentences_shown(self) -> list[str]:
        return [] if self.is_invalid else self.band_sentences

    @property
    def taken_language(self) -> str:
        return self.result.invitation.language

    @property
    def started_at(self):
        return self.result.invitation.started_at

    @property
    def submitted_at(self):
        return self.result.invitation.submitted_at

    @property
    def duration_minutes(self) -> int | None:
        """Whole minutes from the start to the submit (None if either is unknown)."""
        started, submitted = self.started_at, self.submitted_at
        if started is None or submitted is None:
            return None
        return max(0, round((submitted - started).total_seconds() / 60))

    @property
    def job(self) -> Job:
        return self.application.job

    @property
    def candidate(self):
        return self.application.candidate


def _scale_rows(result: QuestionnaireResult, language: str) -> list[ScaleRow]:
    version = result.invitation.instrument_version
    definitions = {s["key"]: s for s in version.definition.get("scales", [])}
    # The instrument's order first, then anything only the result knows.
    keys = [key for key in definitions if key in result.scales]
    keys += [key for key in result.scales if key not in definitions]
    rows = []
    for key in keys:
        data = result.scales[key] or {}
        rows.append(
            ScaleRow(
                key=key,
                name=version.scale_name(key, language),
                lower_is_better=not definitions.get(key, {}).get(
                    "higher_is_better", True
                ),
                missing=bool(data.get("missing")) or data.get("t") is None,
                raw_mean=data.get("raw_mean"),
                t=data.get("t"),
                t_low=data.get("t_low"),
                t_high=data.get("t_high"),
                percentile=data.get("percentile"),
                sten=data.get("sten"),
                percentile_method=data.get("percentile_method"),
            )
        )
    return rows


def _validity_rule(result: QuestionnaireResult) -> ValidityRuleReport:
    """The rule of the result's own scoring version, and the clause it met."""
    rule = rule_for_version(result.scoring_version)
    if rule is None:
        return ValidityRuleReport(result.scoring_version, False, [], "")
    sentences = validity_rule_sentences(rule)
    flags, figures = {}, {}
    for name, data in (result.validity or {}).items():
        data = data or {}
        value = data.get("value")
        number = value if isinstance(value, int | float) else math.nan
        flags[name] = np.array([bool(data.get("flag"))])
        figures[name] = np.array([float(number)])
    reason = sentences[-1]
    if flags:
        _, _, clause = rule.evaluate(flags, figures)
        if clause[0] >= 0:
            reason = sentences[int(clause[0])]
    return ValidityRuleReport(result.scoring_version, True, sentences, reason)


def _validity_check_sentence(name: str, data: dict) -> str:
    """What a check says of these answers: the problem when it is flagged, else
    that it found nothing, or that it could not be computed."""
    if data.get("flag"):
        return validity_sentence(name, data.get("value"))
    if data.get("value") is None:
        return _("This check could not be computed for these answers.")
    return _("This check found nothing unusual.")


def _contribution_weights(explanation: dict) -> dict[str, float]:
    return {
        item["scale"]: item["weight"]
        for item in explanation.get("contributions") or []
        if item.get("weight") is not None
    }


def questionnaire_report_build(
    result: QuestionnaireResult,
    *,
    capabilities: frozenset[str] = frozenset(),
    language: str | None = None,
) -> QuestionnaireReport:
    """The report of a result already read through `results_on_jobs_of`; no checks,
    no audit: callers use `questionnaire_report`."""
    language = _language(language)
    application = result.invitation.application
    version = result.invitation.instrument_version
    explanation = result.explanation or {}
    checks = [
        ValidityCheck(
            name=name,
            label=validity_index_label(name),
            value=(data or {}).get("value"),
            flag=bool((data or {}).get("flag")),
            sentence=_validity_check_sentence(name, data or {}),
        )
        for name, data in (result.validity or {}).items()
    ]
    contributions = [
        Contribution(
            scale=item.get("scale", ""),
            name=version.scale_name(item.get("scale", ""), language),
            weight=item.get("weight"),
            z=item.get("z"),
            contribution=item.get("contribution"),
        )
        for item in explanation.get("contributions") or []
    ]
    band_sentences = band_explanation_text(
        explanation,
        scale_name=lambda key: version.scale_name(key, language),
        band_name=band_label,
        sem=composite_sem(result.scales or {}, _contribution_weights(explanation)),
    )
    return QuestionnaireReport(
        result=result,
        application=application,
        capabilities=capabilities,
        language=language,
        rows=_scale_rows(result, language),
        checks=checks,
        validity_label=validity_status_label(result.validity_status),
        band_label=band_label(result.band) if result.band else "",
        contributions=contributions,
        band_sentences=band_sentences,
        nearest_cut=explanation.get("nearest_cut"),
        nearest_cut_label=band_label(explanation["nearest_cut_label"])
        if explanation.get("nearest_cut_label")
        else "",
        distance_to_cut=explanation.get("distance_to_cut"),
        provisional=result.norm_set.is_provisional,
        validity_rule=_validity_rule(result),
    )


def questionnaire_report(
    *, user, result_id: int, language: str | None = None, channel: str = "web"
) -> QuestionnaireReport:
    """A questionnaire result as its report, for a user allowed to read results on
    its job; every read is audited (`report.viewed`, with the channel)."""
    result = results_on_jobs_of(user).filter(pk=result_id).first()
    if result is None:
        raise NotFound(_("There is no such page."), code="not_found")
    application = result.invitation.application
    capabilities = job_require(
        user=user, job=application.job, capability=Capability.VIEW_RESULTS
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.REPORT_VIEWED,
        obj=result,
        job=application.job,
        data={
            "application": application.pk,
            "invitation": result.invitation_id,
            "channel": channel,
        },
    )
    return questionnaire_report_build(
        result, capabilities=capabilities, language=language
    )


# --- a job's pipeline ----------------------------------------------------------------


@dataclass(frozen=True)
class JobPipeline:
    job: Job
    capabilities: frozenset[str]
    applications: list[Application]

    @property
    def can_view_results(self) -> bool:
        return Capability.VIEW_RESULTS in self.capabilities


def job_pipeline(*, user, job_id: int) -> JobPipeline:
    """A job's applications, each with its latest invitation, its current result
    (`band_label`, `validity_label`) and, under the SED rule, the candidates its
    composite cannot be told apart from (`standing`, `peers`)."""
    job = jobs_visible_to(user).filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("There is no such page."), code="not_found")
    capabilities = job_require(
        user=user, job=job, capability=Capability.VIEW_APPLICATIONS
    )
    applications = applications_with_latest_results(job=job)
    for application in applications:
        result = application.current_result
        invalid = result is not None and result.validity_status == "invalid"
        # An invalid result has no band and is never grouped with valid ones.
        application.band_label = (
            band_label(result.band) if result and result.band and not invalid else ""
        )
        application.validity_label = (
            validity_status_label(result.validity_status) if result else ""
        )
        application.standing = None
        application.peers = []
    # The SED rule: composites closer than 1.96 SED are shown as one group, not
    # ranked apart.
    by_result = {
        a.current_result.pk: a
        for a in applications
        if a.current_result and a.current_result.validity_status != "invalid"
    }
    for standing in results_compare(a.current_result for a in by_result.values()):
        application = by_result[standing.key.pk]
        application.standing = standing
        application.peers = [
            by_result[other.pk].candidate.full_name
            for other in standing.indistinguishable_from
        ]
    return JobPipeline(job=job, capabilities=capabilities, applications=applications)


# --- an application ------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationOverview:
    application: Application
    capabilities: frozenset[str]
    history: list = field(default_factory=list)

    @property
    def can_view_results(self) -> bool:
        return Capability.VIEW_RESULTS in self.capabilities

    @property
    def can_invite(self) -> bool:
        return Capability.INVITE in self.capabilities

    @property
    def can_decide(self) -> bool:
        return Capability.DECIDE in self.capabilities

    @property
    def closed_to_new_steps(self) -> str:
        """Why no invitation or interview can be added (the rule of
        ``invitation_create`` and ``interview_schedule``), in words; "" if they
        can."""
        if not self.application.is_open:
            return _("This application is closed.")
        if self.application.job.status != Job.Status.OPEN:
            return _("The job is not open.")
        return ""


def application_overview(
    *, user, application_id: int, capability: str = Capability.VIEW_APPLICATIONS
) -> ApplicationOverview:
    """An application with its invitations (newest first, each with its current
    result and whether it may be revoked) and its decision history, for a user
    whose role on the job grants ``capability``."""
    application = application_with_invitations(application_id=application_id, user=user)
    if application is None:
        raise NotFound(_("There is no such page."), code="not_found")
    capabilities = job_require(user=user, job=application.job, capability=capability)
    may_invite = Capability.INVITE in capabilities
    for invitation in application.invitations_newest_first:
        invitation.can_manage = may_invite and invitation.is_open
        invitation.can_revoke = invitation.can_manage
    decisions = dict(Application.Decision.choices)
    history = list(decision_history(application=application))
    for event in history:
        decision = event.data.get("decision", "")
        event.decision_label = decisions.get(decision, decision)
    return ApplicationOverview(
        application=application, capabilities=capabilities, history=history
    )


# --- the application report: questionnaire and interview combined --------------------

# The interview score (1..5) is put on the composite's z metric with the scale's
# midpoint, the "meets the bar" anchor, at 0 and one anchor level as one unit, until
# local interview norms exist. The composite of the questionnaire is already a
# weighted sum of z scores, so the plan's cut scores apply to the combination.
INTERVIEW_MIDPOINT = 3.0
INTERVIEW_POINTS_PER_UNIT = 1.0


def interview_z(score: float) -> float:
    return (score - INTERVIEW_MIDPOINT) / INTERVIEW_POINTS_PER_UNIT


# --- applicant tracking systems ------------------------------------------------------


def questionnaire_report_reads_record(*, results, api_key) -> None:
    """Audit an applicant tracking system's read of these results like a page view
    (`report.viewed`, channel `api`): one row for the whole read, naming every
    result it showed. `results` are results with their invitations and
    applications."""
    questionnaire_report_stub_reads_record(
        stubs=[
            {"id": result.pk, "job_id": result.invitation.application.job_id}
            for result in results
        ],
        api_key=api_key,
    )


def questionnaire_report_stub_reads_record(*, stubs, api_key) -> None:
    """The same audit for result stubs (dicts holding the result's `id` and
    `job_id`, as `result_stubs_for_integrations` reads them).

    The row names the results in `data["results"]` (their ids as strings, which
    PostgreSQL's `?|` matches through a GIN index; see
    `hiring.selectors.audit_events_naming`), the job when they all belong to one,
    and the result itself in `object_id` when there is only one. One row per read
    rather than one per result: a page of 100 results costs one insert, not a
    hundred (each with its index entries and its check of the job's key)."""
    if stubs:
        _api_read_event(stubs, api_key).save(force_insert=True)


def questionnaire_result_stubs_read(
    *, page, order_by: tuple[str, ...], shown: int, api_key
) -> list[dict]:
    """Read a page of result stubs and audit the read of the first ``shown`` of
    them (the rest only tell the paginator that more follow), in one statement.

    ``page`` is a `result_stubs_for_integrations` queryset, filtered, ordered by
    ``order_by`` and sliced. The audit row is that of
    `questionnaire_report_stub_reads_record`, inserted by the statement that reads
    the page (a data-modifying WITH): one round trip, and no page is read without
    its audit.
    """
    if connection.vendor != "postgresql":
        stubs = list(page)
        questionnaire_report_stub_reads_record(stubs=stubs[:shown], api_key=api_key)
        return stubs
    query = page.query
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    page_sql, page_params = query.get_compiler(page.db).as_sql()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in names)
    order = ", ".join(quote(name) for name in order_by)
    shown_order = ", ".join(f"shown.{quote(name)}" for name in order_by)
    with _prepared_cursor() as cursor:
        cursor.execute(
            f"""
            WITH page ({columns}) AS MATERIALIZED ({page_sql}),
            shown AS (SELECT * FROM page ORDER BY {order} LIMIT %s),
            audit AS (
                INSERT INTO {AuditEvent._meta.db_table}
                    (at, actor_id, action, job_id, object_type, object_id, data)
                SELECT %s, NULL, %s,
                    CASE WHEN count(DISTINCT shown.job_id) = 1
                        THEN min(shown.job_id) END,
                    %s,
                    CASE WHEN count(*) = 1 THEN min(shown.id)::text ELSE '' END,
                    jsonb_build_object(
                        'results', jsonb_agg(shown.id::text ORDER BY {shown_order}),
                        'channel', 'api',
                        'api_key', %s::text
                    )
                FROM shown
                HAVING count(*) > 0
            )
            SELECT {columns} FROM page ORDER BY {order}
            """,  # noqa: S608 (names are the query's own, quoted)
            [
                *page_params,
                shown,
                timezone.now(),
                AuditEvent.Action.REPORT_VIEWED.value,
                QuestionnaireResult._meta.label_lower,
                api_key.prefix,
            ],
        )
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def result_reads_by_integrations(result_ids) -> QuerySet[AuditEvent]:
    """The audit rows of reads that showed any of these results: an
    integration's row naming them all (`questionnaire_report_stub_reads_record`)
    and any row about one of them alone (a page view, an older API read)."""
    return audit_events_naming(
        result_ids, object_type=QuestionnaireResult._meta.label_lower
    ).filter(action=AuditEvent.Action.REPORT_VIEWED)


class _PreparingCursor(psycopg.Cursor):
    """Binds parameters on the server and prepares every statement (the first
    run of a statement on a connection plans it; later runs reuse the plan)."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


def _prepared_cursor():
    """A cursor on Django's connection (queries counted and logged as any other)
    whose statements PostgreSQL plans once per connection. The ORM's cursors bind
    on the client and never prepare; planning the five joins of a results page
    cost PostgreSQL more than running them."""
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = _PreparingCursor(connection.connection)
    # psycopg's own loader (compiled in psycopg-binary) on a connection in UTC, as
    # Django keeps it, gives what Django's Python subclass gives, at C speed.
    cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


def _api_read_event(stubs, api_key) -> AuditEvent:
    """The audit row of an integration's read of these result stubs (the same
    row the page statement above inserts in SQL)."""
    ids = [stub["id"] for stub in stubs]
    jobs = {stub["job_id"] for stub in stubs}
    return AuditEvent(
        at=timezone.now(),
        action=AuditEvent.Action.REPORT_VIEWED,
        job_id=next(iter(jobs)) if len(jobs) == 1 else None,
        object_type=QuestionnaireResult._meta.label_lower,
        object_id=str(ids[0]) if len(ids) == 1 else "",
        data={
            "results": [str(pk) for pk in ids],
            "channel": "api",
            "api_key": api_key.prefix,
        },
    )


def questionnaire_reports_for_integration(
    *, results, api_key, language: str | None = None
) -> list[QuestionnaireReport]:
    """The reports of results an applicant tracking system reads (its key reaches
    every job; its scope was checked at the edge), audited."""
    results = list(results)
    questionnaire_report_reads_record(results=results, api_key=api_key)
    return [questionnaire_report_build(result, language=language) for result in results]


@dataclass(frozen=True)
class ApplicationReport:
    """The combined picture of an application for the people who read results."""

    application: Application
    questionnaire_weight: float
    interview_weight: float
    questionnaire: QuestionnaireResult | None
    questionnaire_band_label: str
    interview_results: list
    interview_score: float | None
    interview_z: float | None
    overall: float | None
    band: str
    band_label: str
    sentences: list[str]
    missing: list[str]
    hidden_interviews: int


def _plan_of(application: Application):
    return AssessmentPlan.objects.filter(job_id=application.job_id).first()


def _band_of(value: float, bands) -> str:
    for bound, label in bands or []:
        if bound is None or value + BOUNDARY_EPS >= float(bound):
            return label
    return ""


def _figure(value: float, places: int = 2, *, sign: bool = False) -> str:
    """A figure in the reader's number format (0,74 in Spanish), with a true minus
    sign, and a plus sign on positive figures when ``sign``: the same as the
    ``signed`` and ``number`` filters print beside these sentences."""
    rounded = round(value, places)
    text = formats.number_format(abs(rounded), places)
    if rounded < 0:
        return "\u2212" + text
    return "+" + text if sign and rounded > 0 else text


def application_report_build(
    application: Application, *, user, capabilities: frozenset[str]
) -> ApplicationReport:
    """Combine the current questionnaire composite and the interviews' scores by
    the plan's weights (no checks, no audit: callers use ``application_report``).
    An invalid questionnaire result counts as missing: its composite means
    nothing about the candidate.

    The overall figure needs both parts when both carry weight; a part that is
    missing is named instead of silently dropped, like a missing scale in the
    composite.
    """
    plan = _plan_of(application)
    weight_q = plan.questionnaire_weight if plan else 0.5
    weight_i = plan.interview_weight if plan else 0.5
    # An invalid result has no composite anywhere: it never enters the overall.
    scored_results = QuestionnaireResult.objects.filter(
        invitation__application=application, is_current=True
    ).exclude(composite=None)
    questionnaire = (
        scored_results.exclude(validity_status="invalid")
        .order_by("-created_at", "-id")
        .first()
    )
    only_invalid = questionnaire is None and scored_results.exists()
    visible = interview_results_visible(
        user=user, application_id=application.pk, capabilities=capabilities
    )
    scored = [r for r in visible.results if r.score is not None]
    interview_score = sum(r.score for r in scored) / len(scored) if scored else None
    missing: list[str] = []
    if weight_q > 0 and only_invalid:
        missing.append(
            _(
                "the questionnaire's answers are invalid, so its composite is not "
                "used: invite the candidate again or rely on the interview"
            )
        )
    elif weight_q > 0 and questionnaire is None:
        missing.append(_("the questionnaire has no scored result yet"))
    if weight_i > 0:
        if interview_score is None:
            missing.append(_("no interview has a submitted scorecard yet"))
        elif any(r.state != "complete" for r in scored):
            missing.append(_("some interviewers have not submitted their scorecards"))
    if visible.hidden:
        missing.append(
            _("interviews you sit on are hidden until you submit your scorecard")
        )
    z_i = interview_z(interview_score) if interview_score is not None else None
    overall = None
    parts_ready = (weight_q == 0 or questionnaire is not None) and (
        weight_i == 0 or z_i is not None
    )
    if parts_ready and weight_q + weight_i > 0:
        overall = (
            weight_q * (questionnaire.composite if questionnaire else 0.0)
            + weight_i * (z_i if z_i is not None else 0.0)
        ) / (weight_q + weight_i)
    bands = (plan.bands if plan and plan.bands else None) or (
        questionnaire.invitation.instrument_version.definition.get(
            "plan_defaults", {}
        ).get("bands")
        if questionnaire
        else None
    )
    band = _band_of(overall, bands) if overall is not None else ""
    share_q = weight_q / (weight_q + weight_i) if weight_q + weight_i else 0
    sentences = []
    if questionnaire is not None:
        sentences.append(
            _("Questionnaire composite %(c)s (weight %(w)s %%).")
            % {
                "c": _figure(questionnaire.composite, sign=True),
                "w": round(100 * share_q),
            }
        )
    if interview_score is not None:
        sentences.append(
            _(
                "Interview score %(s)s of 5, which is %(z)s in the same units "
                "(3 = meets the bar = 0; one anchor level = 1) (weight %(w)s %%)."
            )
            % {
                "s": _figure(interview_score),
                "z": _figure(z_i, sign=True),
                "w": round(100 * (1 - share_q)),
            }
        )
    if overall is not None:
        sentences.append(
            _(
                "Overall %(o)s, in the band “%(b)s”. A person decides; the band only "
                "recommends."
            )
            % {
                "o": _figure(overall, sign=True),
                "b": band_label(band) if band else "—",
            }
        )
    return ApplicationReport(
        application=application,
        questionnaire_weight=weight_q,
        interview_weight=weight_i,
        questionnaire=questionnaire,
        questionnaire_band_label=band_label(questionnaire.band)
        if questionnaire and questionnaire.band
        else "",
        interview_results=visible.results,
        interview_score=interview_score,
        interview_z=z_i,
        overall=overall,
        band=band,
        band_label=band_label(band) if band else "",
        sentences=sentences,
        missing=missing,
        hidden_interviews=visible.hidden,
    )


def application_report(*, user, application_id: int) -> ApplicationReport:
    """The combined report of an application for a user who reads results on its
    job; audited like every report read."""
    application = (
        Application.objects.select_related("candidate", "job")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound(_("There is no such page."), code="not_found")
    capabilities = job_require(
        user=user, job=application.job, capability=Capability.VIEW_RESULTS
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.REPORT_VIEWED,
        obj=application,
        job=application.job,
        data={"application": application.pk, "report": "application"},
    )
    return application_report_build(application, user=user, capabilities=capabilities)


@dataclass(frozen=True)
class IntegrationApplicationReport:
    """An application with its invitations (newest first, each with
    `current_result`) and the report of its newest scored result, if any."""

    application: Application
    report: QuestionnaireReport | None


def application_report_for_integration(
    *, application_id: int, api_key, language: str | None = None
) -> IntegrationApplicationReport:
    application = application_with_invitations_for_integrations(
        application_id=application_id
    )
    if application is None:
        raise NotFound(_("There is no such application."), code="not_found")
    result = application.current_result
    reports = (
        questionnaire_reports_for_integration(
            results=[result], api_key=api_key, language=language
        )
        if result is not None
        else [None]
    )
    return IntegrationApplicationReport(application=application, report=reports[0])

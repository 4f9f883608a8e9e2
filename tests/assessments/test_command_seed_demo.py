"""manage.py seed_demo builds a believable demo and adds nothing on a second run."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments.management.commands.seed_demo import (
    INTERVIEW_MINUTES,
    INTERVIEWS,
    interview_slot,
)
from assessments.management.demo_cohort import COHORT_JOB
from assessments.models import (
    AssessmentPlan,
    Interview,
    InterviewResult,
    Invitation,
    Response,
    ScorecardVersion,
)
from assessments.rubric_definitions import rubrics_load
from hiring.models import Application, Candidate, Job, JobMember


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # Argon2 is slow on purpose; these demo users need no protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            get_user_model(),
            Job,
            JobMember,
            AssessmentPlan,
            Candidate,
            Application,
            Invitation,
            Response,
        )
    }


@pytest.mark.django_db
def test_it_refuses_to_run_before_the_instrument_is_loaded():
    with pytest.raises(CommandError, match="run load_instruments first"):
        _seed()


@pytest.mark.django_db
def test_it_refuses_to_run_with_debug_off_unless_forced(instrument_version):
    with pytest.raises(CommandError, match="DJANGO_DEBUG=true"):
        call_command("seed_demo", stdout=StringIO())


def test_it_adds_nothing_when_run_twice(instrument_version):
    _seed()
    first = _counts()

    output = _seed()

    assert _counts() == first
    assert "nothing added" in output


def test_it_creates_the_demo_users_with_their_published_passwords(
    instrument_version,
):
    _seed()

    users = get_user_model().objects
    for username in ("admin", "rita", "hugo", "ivan", "nora"):
        assert users.get(username=username).check_password(f"criba-demo-{username}")
    assert users.get(username="admin").is_superuser
    assert not users.get(username="rita").is_superuser


def test_it_puts_the_hiring_team_on_both_jobs_and_nora_on_none(instrument_version):
    _seed()

    for title in ("Account Executive", "Sales Development Representative"):
        roles = dict(
            JobMember.objects.filter(job__title=title).values_list(
                "user__username", "role"
            )
        )
        assert roles == {
            "rita": "recruiter",
            "hugo": "hiring_manager",
            "ivan": "interviewer",
            "olga": "interviewer",
        }
    assert not JobMember.objects.filter(user__username="nora").exists()


def test_it_gives_each_job_a_plan_from_the_instrument_defaults(instrument_version):
    _seed()

    defaults = instrument_version.definition["plan_defaults"]
    for plan in AssessmentPlan.objects.all():
        assert plan.instrument == instrument_version.instrument
        assert plan.scale_weights == defaults["weights"]
        assert plan.bands == [list(band) for band in defaults["bands"]]
    # Account Executive, Sales Development Representative and last year's intake.
    assert AssessmentPlan.objects.count() == 3


def test_it_leaves_questionnaires_in_several_states(instrument_version):
    _seed()

    statuses = set(Invitation.objects.values_list("status", flat=True))
    # The submitted questionnaires are scored while seeding.
    assert {"scored", "in_progress", "sent"} <= statuses
    assert "submitted" not in statuses
    stages = set(Application.objects.values_list("stage", flat=True))
    assert len(stages) >= 4
    assert Candidate.objects.count() >= 8


def test_the_halfway_candidate_has_over_an_hour_left(instrument_version):
    from django.utils import timezone

    _seed()

    (halfway,) = Invitation.objects.filter(status=Invitation.Status.IN_PROGRESS)
    left = halfway.started_at + halfway.time_allowed() - timezone.now()
    assert halfway.extra_time_percent == 200
    assert left.total_seconds() > 60 * 60


def test_it_answers_the_attention_checks_of_careful_candidates(instrument_version):
    _seed()

    instructed = {
        item["key"]: item["expected"]
        for item in instrument_version.definition["instructed"]
    }
    submitted = Invitation.objects.filter(status="scored")
    careless = submitted.filter(
        application__candidate__email__in=[
            "tom.becker@example.com",
            "liam.byrne@example.com",
        ]
    )
    for invitation in submitted.exclude(pk__in=careless):
        answers = dict(invitation.responses.values_list("item_key", "value"))
        assert {key: answers[key] for key in instructed} == instructed
    assert careless.count() == 2
    for invitation in careless:
        straight = set(invitation.responses.values_list("value", flat=True))
        assert len(straight) == 1


def test_it_shows_the_workspace_a_draft_job_and_a_recruiter_who_opens_jobs(
    instrument_version,
):
    _seed()

    draft = Job.objects.get(title="Customer Success Manager")
    assert draft.status == Job.Status.DRAFT
    assert not hasattr(draft, "assessment_plan")
    assert draft.applications.count() == 2
    rita = get_user_model().objects.get(username="rita")
    assert rita.has_perm("hiring.add_job")
    assert Application.objects.filter(job__title="Account Executive").count() >= 10


def test_it_answers_every_item_of_a_submitted_questionnaire(instrument_version):
    _seed()

    from assessments.definitions import all_item_keys

    keys = set(all_item_keys(instrument_version.definition))
    for invitation in Invitation.objects.filter(status="scored"):
        assert set(invitation.responses.values_list("item_key", flat=True)) == keys


def test_it_answers_the_same_way_on_every_fresh_database(instrument_version):
    _seed()
    email = "lucia.fernandez@example.com"
    first = dict(
        Response.objects.filter(
            invitation__application__candidate__email=email
        ).values_list("item_key", "value")
    )
    Response.objects.all().delete()
    Invitation.objects.all().delete()

    _seed()

    again = dict(
        Response.objects.filter(
            invitation__application__candidate__email=email
        ).values_list("item_key", "value")
    )
    assert again == first


@pytest.fixture
def rubric_loaded(instrument_version):
    rubrics_load(settings.CRIBA_RUBRICS_DIR)
    return instrument_version


def test_it_schedules_interviews_with_the_demo_interviewer_on_every_panel(
    rubric_loaded,
):
    _seed()

    interviews = Interview.objects.exclude(application__job__title=COHORT_JOB)
    assert interviews.count() == 4
    for interview in interviews:
        assert interview.panelists.filter(interviewer__username="ivan").exists()
    lucia = InterviewResult.objects.get(
        interview__application__candidate__first_name="Lucia"
    )
    assert lucia.state == "complete"
    assert lucia.aggregate["flagged"] == ["coachability"]
    daniel = Interview.objects.get(application__candidate__first_name="Daniel")
    assert daniel.scorecards.filter(submitted_at__isnull=False).count() == 1
    assert AssessmentPlan.objects.filter(rubric__slug="sales-interview").count() == 3


def test_it_adds_no_interview_when_run_twice(rubric_loaded):
    _seed()
    counts = (Interview.objects.count(), ScorecardVersion.objects.count())

    _seed()

    assert (Interview.objects.count(), ScorecardVersion.objects.count()) == counts


@pytest.mark.parametrize(
    "local_now",
    [
        "2026-12-07 02:00",  # a Monday night
        "2026-12-07 12:00",  # a Monday noon, before the 15:00 interview ends
        "2026-12-08 18:30",  # a Tuesday evening
        "2026-12-12 23:00",  # a Saturday night
        "2026-12-13 10:00",  # a Sunday morning
    ],
)
def test_its_interview_slots_are_in_office_hours_on_weekdays(settings, local_now):
    settings.TIME_ZONE = "Europe/Madrid"
    now = timezone.make_aware(datetime.fromisoformat(local_now))

    for spec in INTERVIEWS:
        start = interview_slot(now=now, days=spec.days, hour=spec.hour)
        local = timezone.localtime(start)
        assert local.weekday() < 5, (local_now, spec)
        assert local.hour >= 9
        assert local.hour + INTERVIEW_MINUTES / 60 <= 18
        if spec.days > 0:
            assert start > now
        else:
            assert start + timedelta(minutes=INTERVIEW_MINUTES) <= now


def test_its_current_interviews_come_after_their_application_and_questionnaire(
    rubric_loaded, settings
):
    settings.TIME_ZONE = "Europe/Madrid"
    _seed()

    interviews = Interview.objects.exclude(
        application__job__title=COHORT_JOB
    ).select_related("application__candidate")
    assert interviews.count() == 4
    for interview in interviews:
        application = interview.application
        local = timezone.localtime(interview.scheduled_at)
        assert local.weekday() < 5
        assert 9 <= local.hour < 17
        assert application.created_at < interview.scheduled_at
        assert application.candidate.created_at < interview.scheduled_at
        for invitation in application.invitations.all():
            assert invitation.created_at < interview.scheduled_at
            assert invitation.submitted_at < interview.scheduled_at
            assert invitation.scored_at < interview.scheduled_at
            result = invitation.results.get()
            assert result.created_at < interview.scheduled_at
        assert interview.created_at <= interview.scheduled_at
        assert all(
            seat.created_at <= interview.scheduled_at
            for seat in interview.panelists.all()
        )
        submitted = interview.scorecards.filter(submitted_at__isnull=False)
        assert all(card.submitted_at > interview.scheduled_at for card in submitted)

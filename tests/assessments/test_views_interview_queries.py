"""Query counts of the debrief and "My interviews" stay flat as panels grow."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.interview_services import interview_aggregate
from tests.assessments.interview_support import submit
from tests.factories import (
    ApplicationFactory,
    JobMemberFactory,
    PanelInterviewFactory,
    UserFactory,
)
from tests.hiring.support import logged_in


def _panelists(job, n, start=0):
    users = []
    for i in range(start, start + n):
        user = UserFactory(username=f"rater{i}")
        JobMemberFactory(job=job, user=user, role="interviewer")
        users.append(user)
    return users


def _debrief_queries(client, bob, interview) -> int:
    logged_in(client, bob)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/interviews/{interview.pk}/debrief/").status_code == 200
    return len(queries)


def test_it_reads_the_debrief_in_the_same_number_of_queries_for_any_panel(
    client, job, bob
):
    small_panel = _panelists(job, 2)
    small = PanelInterviewFactory(application__job=job, panel=small_panel)
    for user in small_panel:
        submit(user, small, [3, 4, 3, 4, 3, 4])
    large_panel = _panelists(job, 6, start=10)
    large = PanelInterviewFactory(application__job=job, panel=large_panel)
    for user in large_panel:
        submit(user, large, [3, 4, 3, 4, 3, 4])
    interview_aggregate(interview_id=small.pk)
    interview_aggregate(interview_id=large.pk)

    assert _debrief_queries(client, bob, small) == _debrief_queries(client, bob, large)


def test_it_lists_my_interviews_in_a_fixed_number_of_queries(
    client, job, dana, django_assert_num_queries
):
    def add(n):
        for _ in range(n):
            others = _panelists(job, 3, start=UserFactory._meta.model.objects.count())
            interview = PanelInterviewFactory(
                application=ApplicationFactory(job=job), panel=[dana, *others]
            )
            submit(others[0], interview, [3] * 6)

    add(1)
    logged_in(client, dana)
    with CaptureQueriesContext(connection) as one:
        client.get("/interviews/")
    add(5)

    with django_assert_num_queries(len(one)):
        page = client.get("/interviews/")

    assert page.content.decode().count("data-interview=") == 6


def test_it_counts_the_whole_panel_on_my_interviews(client, job, dana, bob):
    interview = PanelInterviewFactory(application__job=job, panel=[dana, bob])
    submit(bob, interview, [3] * 6)

    page = logged_in(client, dana).get("/interviews/").content.decode()

    assert "1 of 2 in" in page
    assert "Open the kit" in page


def test_my_interviews_lists_what_awaits_my_scorecard_first(client, job, dana):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()

    def interview(days, rated):
        made = PanelInterviewFactory(
            application=ApplicationFactory(job=job),
            panel=[dana],
            scheduled_at=now + timedelta(days=days),
        )
        if rated:
            submit(dana, made, [3] * 6)
        return made.pk

    old_rated = interview(-300, rated=True)
    recent_rated = interview(-10, rated=True)
    overdue = interview(-2, rated=False)
    tomorrow = interview(1, rated=False)

    page = logged_in(client, dana).get("/interviews/").content.decode()

    order = sorted(
        (old_rated, recent_rated, overdue, tomorrow),
        key=lambda pk: page.index(f'data-interview="{pk}"'),
    )
    assert order == [overdue, tomorrow, recent_rated, old_rated]


def test_my_interviews_shows_a_long_history_a_page_at_a_time(client, job, dana):
    from datetime import timedelta

    from django.utils import timezone

    from assessments.interview_selectors import MY_INTERVIEWS_PAGE_SIZE
    from assessments.models import Interview, Panelist, Scorecard

    application = ApplicationFactory(job=job)
    waiting = PanelInterviewFactory(application=application, panel=[dana])
    past = Interview.objects.bulk_create(
        Interview(
            application=application,
            title="Structured interview",
            scheduled_at=timezone.now() - timedelta(days=day),
            status=Interview.Status.COMPLETE,
        )
        for day in range(10, 10 + MY_INTERVIEWS_PAGE_SIZE + 5)
    )
    Panelist.objects.bulk_create(
        Panelist(interview=interview, interviewer=dana) for interview in past
    )
    Scorecard.objects.bulk_create(
        Scorecard(
            interview=interview,
            interviewer=dana,
            submitted_at=interview.scheduled_at,
            current_version=1,
        )
        for interview in past
    )
    logged_in(client, dana)

    first = client.get("/interviews/").content.decode()
    second = client.get("/interviews/?page=2").content.decode()

    assert first.count("data-interview=") == MY_INTERVIEWS_PAGE_SIZE
    assert second.count("data-interview=") == 6
    # What awaits the scorecard is on the first page, whatever the history.
    assert f'data-interview="{waiting.pk}"' in first
    assert "Page 1 of 2" in first
    assert 'href="?page=2" rel="next"' in first

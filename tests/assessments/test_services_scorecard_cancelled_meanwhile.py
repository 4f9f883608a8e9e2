"""A scorecard sent while the recruiter cancels the interview: the panelist's
page was read before the cancellation, the scorecard arrives after it, and is
refused; the interview's row lock orders the two."""

import pytest

from assessments import interview_services as services
from assessments.interview_selectors import interview_access
from assessments.models import ScorecardVersion
from hiring.errors import Conflict
from tests.assessments.interview_support import scorecard_input, submit
from tests.factories import PanelInterviewFactory


@pytest.fixture
def interview(application, dana, bob):
    return PanelInterviewFactory(application=application, panel=[dana, bob])


def _access(user, interview):
    return interview_access(user=user, interview_id=interview.pk)


def test_it_refuses_a_submission_read_before_the_cancellation(interview, dana, alice):
    read_before = _access(dana, interview)
    services.interview_cancel(access=_access(alice, interview), reason="Withdrew.")

    with pytest.raises(Conflict):
        services.scorecard_submit(
            access=read_before, scorecard=scorecard_input([3] * 6)
        )

    assert not ScorecardVersion.objects.exists()


def test_it_refuses_an_amendment_read_before_the_cancellation(interview, dana, alice):
    submit(dana, interview, [3] * 6)
    read_before = _access(dana, interview)
    services.interview_cancel(access=_access(alice, interview), reason="Withdrew.")

    with pytest.raises(Conflict):
        services.scorecard_amend(
            access=read_before,
            scorecard=scorecard_input([4] * 6),
            reason="Changed my mind.",
        )

    assert ScorecardVersion.objects.count() == 1

"""Saving a page costs the same few queries however many answers it holds."""

import pytest

from assessments import services
from assessments.models import Response
from tests.processes import careful_answers


@pytest.fixture
def started(application, alice, instrument_version):
    invitation = services.invitation_create(
        application=application, user=alice, instrument_version=instrument_version
    )
    services.taking_start(invitation=invitation, language="en", consent=True)
    invitation.refresh_from_db()
    return invitation


@pytest.mark.parametrize("share", [1, None])
def test_it_saves_a_page_in_a_constant_number_of_queries(
    started, instrument_version, django_assert_num_queries, share
):
    keys = services.taking_pages(started)[0][:share]
    answers = careful_answers(instrument_version.definition)
    services.page_shown(invitation=started, page=0)

    # Inside one savepoint: lock the invitation, read its version (the page's
    # items), upsert the answers, read and update the page timing. The same on a
    # second save, when every answer is an update.
    for _ in range(2):
        with django_assert_num_queries(7):
            saved = services.answers_save(
                invitation=started, page=0, answers={k: answers[k] for k in keys}
            )
        assert saved == len(keys)

    assert Response.objects.filter(invitation=started).count() == len(keys)

"""The builders of submitted questionnaires (``tests.factories.submissions``)
make what they say."""

from assessments.definitions import all_item_keys, instrument_spec
from assessments.models import Invitation, Response
from assessments.scoring import instrument_reliability
from tests.factories import latent_answers, submissions_create


def test_it_creates_submissions_with_every_answer(instrument_version):
    ids = submissions_create(instrument_version, 5)

    assert Invitation.objects.filter(pk__in=ids, status="submitted").count() == 5
    items = len(all_item_keys(instrument_version.definition))
    assert Response.objects.filter(invitation_id__in=ids).count() == 5 * items


def test_it_generates_answers_with_a_realistic_alpha(instrument_version):
    definition = instrument_version.definition
    answers = latent_answers(definition, 400, seed=3)

    stats = instrument_reliability(answers, instrument_spec(definition))

    for figures in stats.values():
        assert 0.7 < figures.alpha < 0.95

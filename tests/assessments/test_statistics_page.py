"""The statistics page of an instrument version: superusers only."""

from django.urls import reverse

from assessments.results.store import results_compute_and_store
from tests.factories import submissions_create
from tests.hiring.support import logged_in


def _url(version_id):
    return reverse("instrument_statistics", args=[version_id])


def test_it_shows_the_figures_to_a_superuser(client, admin_user, instrument_version):
    results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 40, seed=2)
    )

    response = logged_in(client, admin_user).get(_url(instrument_version.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-scale="coachability"' in page
    assert 'data-item="co01"' in page
    assert "Alpha if dropped" in page
    alpha = page.split('data-figure="alpha">')[1].split("</dd>")[0]
    assert "not yet estimable" not in alpha


def test_it_names_each_language_and_the_norm_set_it_is_scored_against(
    client, admin_user, instrument_version
):
    page = (
        logged_in(client, admin_user).get(_url(instrument_version.pk)).content.decode()
    )

    norms = page.split('id="norms-heading"')[1].split("</table>")[0]
    assert '<th scope="row" lang="en">English</th>' in norms
    assert '<th scope="row" lang="es">Español</th>' in norms
    assert norms.count("<td>all languages</td>") == 2  # both on the pooled set


def test_it_says_when_alpha_is_not_yet_estimable(
    client, admin_user, instrument_version
):
    response = logged_in(client, admin_user).get(_url(instrument_version.pk))

    assert response.status_code == 200
    alpha = response.content.decode().split('data-figure="alpha">')[1]
    assert alpha.split("</dd>")[0] == "not yet estimable"


def test_it_refuses_everyone_else(client, alice, charlie, instrument_version):
    for user in (alice, charlie):
        assert (
            logged_in(client, user).get(_url(instrument_version.pk)).status_code == 403
        )


def test_it_sends_anonymous_visitors_to_login(client, instrument_version):
    response = client.get(_url(instrument_version.pk))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_answers_404_for_an_unknown_version(client, admin_user, db):
    assert logged_in(client, admin_user).get(_url(999999)).status_code == 404


def test_it_says_why_alpha_is_missing_when_a_scale_does_not_vary(
    client, admin_user, instrument_version
):
    # 40 respondents who all answer the coachability items alike: every item
    # variance and the total variance are 0, so alpha = k/(k-1) (1 - 0/0) is
    # undefined although N is above 30. The page must say so, not print an empty
    # interval.
    import numpy as np

    from assessments.definitions import all_item_keys
    from tests.factories.submissions import latent_answers

    definition = instrument_version.definition
    answers = latent_answers(definition, 40, seed=2)
    keys = all_item_keys(definition)
    columns = [i for i, key in enumerate(keys) if key.startswith("co")]
    answers[:, columns] = np.array([4, 4, 3, 4, 5, 4, 4, 3])[: len(columns)]
    results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 40, answers=answers)
    )

    page = (
        logged_in(client, admin_user).get(_url(instrument_version.pk)).content.decode()
    )

    scale = page.split('data-scale="coachability"')[1]
    alpha = scale.split('data-figure="alpha">')[1].split("</dd>")[0]
    n = scale.split('data-figure="n">')[1].split("</dd>")[0]
    assert int(n) >= 30
    assert alpha == "not estimable: the scale's total is the same for every respondent"


def test_it_says_alpha_is_not_estimable_when_everyone_answers_a_scale_alike(
    client, admin_user, instrument_version
):
    # Each respondent gives all coachability items one answer of their own
    # (reflected on the reverse-keyed items): alpha comes out as exactly 1.
    # Stored, it would give later scores an SEM of 0 and bands of zero width;
    # it is not estimable, and scores keep the published figure.
    import numpy as np

    from assessments.definitions import all_item_keys, instrument_spec
    from assessments.models import ScaleReliability
    from assessments.statistics.reliability import reliabilities_recompute
    from tests.factories.submissions import latent_answers

    definition = instrument_version.definition
    spec = instrument_spec(definition)
    answers = latent_answers(definition, 40, seed=2)
    keys = all_item_keys(definition)
    columns = [i for i, key in enumerate(keys) if key.startswith("co")]
    keyed = np.array([spec.items[spec.item_index(keys[i])].keyed for i in columns])
    own = np.rint(np.where(keyed > 0, answers[:, columns], 6 - answers[:, columns]))
    own = np.clip(np.rint(own.mean(axis=1, keepdims=True)), 1, 5)
    answers[:, columns] = np.where(keyed > 0, own, 6 - own)
    results_compute_and_store(
        invitation_ids=submissions_create(instrument_version, 40, answers=answers)
    )
    reliabilities_recompute(version=instrument_version)

    stored = ScaleReliability.objects.get(
        version=instrument_version, scale_key="coachability"
    )
    assert stored.n >= 30
    assert stored.alpha is None
    page = (
        logged_in(client, admin_user).get(_url(instrument_version.pk)).content.decode()
    )
    scale = page.split('data-scale="coachability"')[1]
    alpha = scale.split('data-figure="alpha">')[1].split("</dd>")[0]
    assert alpha.startswith(
        "not estimable: every respondent answered all of the scale's items alike"
    )
    used = scale.split('data-figure="reliability-used">')[1].split("</dd>")[0]
    assert used == "0.800 (published figure)"

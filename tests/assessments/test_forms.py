"""The candidate forms: starting needs consent and an offered language; a page's
answers are passed on whole, so the service can name what is wrong."""

from django.http import QueryDict

from assessments.forms import StartForm, answers_from_post


def test_it_starts_with_consent_and_an_offered_language():
    form = StartForm({"language": "es", "consent": "on"}, languages=["en", "es"])
    assert form.is_valid(), form.errors
    # No notice version posted: the start records the current one.
    assert form.cleaned_data == {"language": "es", "consent": True, "notice": None}


def test_it_carries_the_privacy_notice_version_shown():
    form = StartForm(
        {"language": "en", "consent": "on", "notice": "3"}, languages=["en", "es"]
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["notice"] == 3


def test_it_needs_consent_to_start():
    form = StartForm({"language": "en"}, languages=["en", "es"])
    assert not form.is_valid()
    assert form.errors["consent"] == ["Please confirm that you agree before starting."]


def test_it_offers_only_the_questionnaire_languages_by_their_own_names():
    form = StartForm(languages=["en", "es"])
    assert form.fields["language"].choices == [("en", "English"), ("es", "Español")]
    assert not StartForm(
        {"language": "es", "consent": "on"}, languages=["en"]
    ).is_valid()


def test_it_reads_the_item_fields_of_a_page_and_nothing_else():
    data = QueryDict(
        "item-sd01=4&item-ad02=&csrfmiddlewaretoken=x&action=next&item-zz99=2"
    )
    assert answers_from_post(data) == {"sd01": "4", "ad02": "", "zz99": "2"}


def test_it_passes_two_answers_to_one_item_on_as_a_list():
    data = QueryDict("item-sd01=4&item-sd01=5")
    assert answers_from_post(data) == {"sd01": ["4", "5"]}

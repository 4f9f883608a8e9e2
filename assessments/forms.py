"""Forms of the candidate pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# Language names in their own language: a candidate looks for the one they read.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}

# Answer fields are named "item-<key>" so they cannot clash with the CSRF field or
# the buttons of the form.
ITEM_FIELD_PREFIX = "item-"


class StartForm(forms.Form):
    # Chosen once, with the language links of the landing page, which show the
    # whole page in that language; the form carries the choice along.
    language = forms.ChoiceField(
        label=_("Language of the questionnaire"), widget=forms.HiddenInput
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my answers are stored and used to assess my application "
            "for this job."
        ),
        error_messages={
            "required": _("Please confirm that you agree before starting."),
        },
    )

    def __init__(self, *args, languages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, LANGUAGE_NAMES.get(code, code)) for code in languages
        ]


def answers_from_post(data) -> dict[str, object]:
    """The ``{item_key: raw value}`` of a page's form post; the service validates.

    Every ``item-*`` field is passed on, including keys that are not on the page,
    so the service can name them instead of the view silently dropping them.
    """
    answers: dict[str, object] = {}
    for name in data:
        if name.startswith(ITEM_FIELD_PREFIX):
            values = data.getlist(name)
            # A radio group sends one value; several are passed on as a list, which
            # the service refuses as "not a whole number".
            key = name.removeprefix(ITEM_FIELD_PREFIX)
            answers[key] = values[0] if len(values) == 1 else values
    return answers

"""Forms of the candidate pages."""

from __future__ import annotations

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hiring.models import SelfIdentification

# Language names in their own language: a candidate looks for the one they read.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
# The same languages named inside a sentence of the page's language ("will be in
# Spanish", "estará en español"): the names above are what each language calls
# itself, for pickers.
LANGUAGE_NAMES_IN_TEXT = {
    "en": pgettext_lazy("language named in a sentence", "English"),
    "es": pgettext_lazy("language named in a sentence", "Spanish"),
}

# Answer fields are named "item-<key>" so they cannot clash with the CSRF field or
# the buttons of the form.
ITEM_FIELD_PREFIX = "item-"


def _language() -> str:
    return (translation.get_language() or "en")[:2]


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

    # The privacy notice version the page showed: the consent is to that text.
    notice = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args, languages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, LANGUAGE_NAMES.get(code, code)) for code in languages
        ]


class SelfIdentificationForm(forms.Form):
    """The optional questions after the questionnaire; every one may be left
    unanswered, and each offers "I prefer not to say"."""

    gender = forms.ChoiceField(
        label=_("What is your gender?"),
        required=False,
        choices=SelfIdentification.Gender.choices,
        widget=forms.RadioSelect,
    )
    age_band = forms.ChoiceField(
        label=_("What is your age?"),
        required=False,
        choices=SelfIdentification.AgeBand.choices,
        widget=forms.RadioSelect,
    )
    ethnicity = forms.ChoiceField(
        label=_("What is your ethnicity?"),
        required=False,
        choices=SelfIdentification.Ethnicity.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, questions: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in questions:
                del self.fields[name]


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


# --- the recruiter's assessment plan -------------------------------------------------

WEIGHT_PREFIX = "weight_"
CUT_PREFIX = "cut_"


class PlanForm(forms.Form):
    """A job's plan; one weight field per scale of the chosen version."""

    version = forms.ModelChoiceField(
        label=_("Questionnaire version"),
        queryset=None,
        empty_label=None,
        help_text=_(
            "Candidates take this version. A newer version appears here when it is "
            "loaded; results already scored keep the version they were taken in."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitations"),
        required=False,
        help_text=_(
            "Norms are per language, so a job whose candidates should all be "
            "compared in one language can fix it here. You can still change it "
            "for one invitation."
        ),
    )
    invitation_days = forms.IntegerField(
        label=_("A link works for (days)"),
        min_value=1,
        max_value=365,
        help_text=_(
            "Counted from the invitation; once started, the questionnaire's own "
            "time limit applies."
        ),
    )

    rubric = forms.ModelChoiceField(
        label=_("Interview guide"),
        queryset=None,
        required=False,
        empty_label=_("No structured interview"),
        help_text=_(
            "Interviews of this job use the newest version of this guide: its "
            "competencies, questions and rating anchors."
        ),
    )
    questionnaire_weight = forms.DecimalField(
        label=_("Weight of the questionnaire"),
        min_value=0,
        max_value=1,
        max_digits=3,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}),
    )
    interview_weight = forms.DecimalField(
        label=_("Weight of the interview"),
        min_value=0,
        max_value=1,
        max_digits=3,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}),
        help_text=_(
            "Only the ratio of the two weights matters: 0.5 and 0.5 count the "
            "interview and the questionnaire equally."
        ),
    )

    def __init__(self, *args, versions, rubrics, scales, cut_labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = rubrics
        self.fields["rubric"].label_from_instance = lambda rubric: rubric.display_name(
            _language()
        )
        self.fields["version"].queryset = versions
        self.fields["version"].label_from_instance = lambda v: (
            _("%(name)s, version %(number)s")
            % {"name": v.display_name(_language()), "number": v.version}
        )
        self.fields["language"].choices = [
            ("", _("Each candidate's preferred language")),
            *LANGUAGE_NAMES.items(),
        ]
        self.scale_fields = []
        for scale in scales:
            name = WEIGHT_PREFIX + scale.key
            self.fields[name] = forms.DecimalField(
                label=scale.name,
                min_value=0,
                max_value=1,
                max_digits=3,
                decimal_places=2,
                required=False,
                widget=forms.NumberInput(
                    attrs={"step": "0.05", "inputmode": "decimal"}
                ),
                help_text=_("Lower is better; its weight counts against the composite.")
                if not scale.higher_is_better
                else "",
            )
            self.scale_fields.append((scale, name))
        self.cut_fields = []
        for key, label in cut_labels:
            name = CUT_PREFIX + key
            self.fields[name] = forms.DecimalField(
                label=_("“%(band)s” begins at a composite of") % {"band": label},
                min_value=-3,
                max_value=3,
                max_digits=3,
                decimal_places=2,
                widget=forms.NumberInput(
                    attrs={"step": "0.05", "inputmode": "decimal"}
                ),
            )
            self.cut_fields.append((key, name))

    def weights(self) -> dict[str, float]:
        return {
            scale.key: float(self.cleaned_data.get(name) or 0)
            for scale, name in self.scale_fields
        }

    def cuts(self) -> dict[str, float]:
        return {key: float(self.cleaned_data[name]) for key, name in self.cut_fields}


# --- development plans -------------------------------------------------------------


class DevelopmentGenerateForm(forms.Form):
    replace = forms.BooleanField(
        label=_(
            "Replace the current plan (its goals and check-in notes are deleted and "
            "the hire's link stops working)"
        ),
        required=False,
    )


class CheckInForm(forms.Form):
    """A check-in's notes and the day it was held."""

    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    held_on = forms.DateField(
        label=_("Held on"),
        required=False,
        help_text=_("Leave empty while the check-in has not happened."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, day: int, **kwargs):
        # Several check-ins on one page: each form's fields get their own ids.
        kwargs.setdefault("auto_id", f"check-in-{day}-%s")
        super().__init__(*args, **kwargs)


class PlanShareForm(forms.Form):
    share = forms.TypedChoiceField(
        choices=[("yes", "yes"), ("no", "no")], coerce=lambda value: value == "yes"
    )

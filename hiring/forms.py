"""Forms of the recruiter pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from hiring.models import Application, Candidate, OutboxEvent


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("Choose a decision")), *Application.Decision.choices],
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Why: the evidence this decision rests on. It is kept on record."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("A decision needs its reason.")},
    )


class InvitationForm(forms.Form):
    """Invite a candidate to the questionnaire of the job's plan."""

    language = forms.ChoiceField(label=_("Language"), choices=Candidate.Language)
    extra_time_percent = forms.IntegerField(
        label=_("Extra time (%)"),
        help_text=_("An accommodation on the time limit, 0 to 200 %."),
        min_value=0,
        max_value=200,
        initial=0,
    )
    expires_in_days = forms.IntegerField(
        label=_("Link valid for (days)"), min_value=1, max_value=365
    )


class ExtendForm(forms.Form):
    """Give a candidate more days to start the questionnaire."""

    days = forms.IntegerField(
        label=_("Extend by (days)"), min_value=1, max_value=90, initial=7
    )


class WebhookEndpointForm(forms.Form):
    """Register a receiver of events."""

    name = forms.CharField(label=_("Name"), max_length=120)
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An HTTPS address on the public internet that accepts POST."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to receive every event."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = OutboxEvent.Type.choices


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username longer than any account's.

    Django sets the length on the widget only; the server must check it too, or a
    long name reaches authentication and the failed-attempt log (which would
    refuse it with a database error).
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))

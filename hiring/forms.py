"""Forms of the recruiter pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from hiring.csv_files import MAX_BYTES
from hiring.models import Application, Candidate, JobRole, OutboxEvent


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
    # The stage the page showed, sent back by a hidden input (see
    # `application_decide`'s ``seen_stage``).
    stage = forms.CharField(required=False, max_length=20)


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


# --- the recruiter workspace ---------------------------------------------------------


class JobForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    department = forms.CharField(label=_("Department"), max_length=120, required=False)
    location = forms.CharField(label=_("Location"), max_length=120, required=False)
    external_id = forms.CharField(
        label=_("External id"),
        max_length=120,
        required=False,
        help_text=_("The job's id in your applicant tracking system, if it has one."),
    )


class JobMemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        empty_label=_("Choose a person"),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=JobRole.choices,
        help_text=_(
            "Recruiters set up the job, invite, read results and decide; hiring "
            "managers read results and decide; interviewers see only the "
            "interviews they sit on."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.get_username()})"
            if user.get_full_name()
            else user.get_username()
        )


class CandidateForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=Candidate.Language,
        help_text=_("The questionnaire and its emails are offered in this language."),
    )
    external_id = forms.CharField(
        label=_("External id"),
        max_length=120,
        required=False,
        help_text=_("Optional: the candidate's id in your applicant tracking system."),
    )
    retention_until = forms.DateField(
        label=_("Keep personal data until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, retention_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retention_until"].help_text = _(
            "After this date the candidate's name, email and phone are erased; their "
            "anonymous scores are kept for statistics. The default is %(days)s days "
            "from today, the organisation's retention period; change it only if you "
            "have a reason, such as a longer hiring process."
        ) % {"days": retention_days}


class CsvImportForm(forms.Form):
    """A CSV file, uploaded or pasted; ``cleaned_data["data"]`` holds it. Each
    import says in ``csv_file``'s help text which columns it reads."""

    csv_file = forms.FileField(label=_("CSV file"), required=False)
    csv_text = forms.CharField(
        label=_("Or paste the rows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("csv_file")
        if upload is not None:
            # One byte past the limit is enough for the import to refuse the
            # file by its size; a large upload is not read into memory whole.
            cleaned["data"] = upload.read(MAX_BYTES + 1)
        elif cleaned.get("csv_text", "").strip():
            cleaned["data"] = cleaned["csv_text"]
        else:
            raise forms.ValidationError(_("Choose a CSV file or paste its rows."))
        return cleaned


class CandidateImportForm(CsvImportForm):
    csv_file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_(
            "UTF-8, first line naming the columns: first name, last name, email, "
            "and optionally phone, language (en or es) and external id."
        ),
    )

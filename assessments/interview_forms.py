"""Forms of the interview pages whose fields are fixed; the scorecard's fields
depend on the rubric and are read by ``interview_services.scorecard_input_parse``."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.interview_services import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES
from assessments.models import RubricVersion
from hiring.models import Application


class _LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class InterviewTimeForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=_LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        min_value=MIN_DURATION_MINUTES,
        max_value=MAX_DURATION_MINUTES,
        initial=60,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, in the language of the request, not once at import.
        self.fields["scheduled_at"].help_text = _("In the time zone %(zone)s.") % {
            "zone": timezone.get_current_timezone_name()
        }


class InterviewScheduleForm(InterviewTimeForm):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    location = forms.CharField(
        label=_("Place or video link"), max_length=300, required=False
    )
    interviewers = forms.TypedMultipleChoiceField(
        label=_("Panel"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone on the panel rates on their own, before the debrief."),
    )
    rubric_version = forms.ModelChoiceField(
        label=_("Rubric"), queryset=RubricVersion.objects.none(), required=False
    )

    def __init__(self, *args, application: Application, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].choices = [
            (member.user_id, member.user.get_full_name() or member.user.get_username())
            for member in team
        ]
        self.fields["rubric_version"].queryset = RubricVersion.objects.select_related(
            "rubric"
        ).order_by("rubric__slug", "-version")
        self.fields["rubric_version"].empty_label = _("The plan's rubric")


class InterviewCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The panel is told the interview is cancelled."),
    )


class InterviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("", _("Choose a decision")),
            (Application.Decision.ADVANCE, _("Advance")),
            (Application.Decision.REJECT, _("Reject")),
            (Application.Decision.HOLD, _("Hold")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why: the evidence this decision rests on. It is kept on record."),
        error_messages={"required": _("A decision needs its reason.")},
    )
    # The stage the page showed, sent back by a hidden input (see
    # `application_decide`'s ``seen_stage``).
    stage = forms.CharField(required=False, max_length=20)

"""The hire's outcome as a form on the application page: the outcome's fields, and
quota attainment as a few rows of (year, quarter, percent)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from hiring.forms import CsvImportForm
from hiring.models import (
    HireOutcome,
    Job,
    JobMember,
    JobRole,
    LeavingReason,
    PerformanceRating,
)
from hiring.outcome_services import QuotaInput

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Blank quarter rows offered under the recorded ones.
BLANK_QUOTA_ROWS = 2


class HireOutcomeForm(forms.Form):
    start_date = forms.DateField(
        label=_("Start date"),
        widget=DATE_WIDGET,
        help_text=_("The hire's first day at work (YYYY-MM-DD)."),
    )
    manager_name = forms.CharField(
        label=_("Manager"),
        max_length=200,
        help_text=_("The hire's line manager, as people know them."),
    )
    team = forms.CharField(label=_("Team"), max_length=200, required=False)
    manager = forms.ModelChoiceField(
        label=_("Manager's Criba account"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_(
            "When the manager signs in to Criba; they then see the hire's "
            "development plan if the hire agrees."
        ),
    )
    leaving_date = forms.DateField(
        label=_("Leaving date"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Empty while the hire is still employed."),
    )
    leaving_reason = forms.ChoiceField(
        label=_("Leaving reason"),
        choices=[("", _("Not left")), *LeavingReason.choices],
        required=False,
        help_text=_("Required with a leaving date, and only then."),
    )
    performance_rating = forms.TypedChoiceField(
        label=_("Performance rating"),
        choices=[("", _("Not rated yet")), *PerformanceRating.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    rated_on = forms.DateField(
        label=_("Rated on"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("The day of the review the rating comes from."),
    )

    def __init__(self, *args, job: Job, outcome: HireOutcome | None = None, **kwargs):
        if outcome is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(outcome, name)
                for name in (
                    "start_date",
                    "manager_name",
                    "team",
                    "leaving_date",
                    "leaving_reason",
                    "performance_rating",
                    "rated_on",
                )
            } | {"manager": outcome.manager_id}
        super().__init__(*args, **kwargs)
        if self.initial.get("performance_rating") is None:
            self.initial["performance_rating"] = ""  # "Not rated yet" is checked
        # The job's recruiters and hiring managers, and whoever is linked now.
        member_ids = JobMember.objects.filter(
            job=job, role__in=[JobRole.RECRUITER, JobRole.HIRING_MANAGER]
        ).values("user_id")
        accounts = get_user_model().objects.filter(pk__in=member_ids, is_active=True)
        if outcome is not None and outcome.manager_id:
            accounts = accounts | get_user_model().objects.filter(pk=outcome.manager_id)
        self.fields["manager"].queryset = accounts.order_by("username")
        self.fields["manager"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )


class QuotaForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, required=False
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[("", "—"), *((q, f"Q{q}") for q in range(1, 5))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    attainment_percent = forms.DecimalField(
        label=_("Attainment (%)"),
        min_value=0,
        max_value=1000,
        decimal_places=1,
        max_digits=6,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        year, quarter = cleaned.get("year"), cleaned.get("quarter")
        percent = cleaned.get("attainment_percent")
        given = [v is not None for v in (year, quarter, percent)]
        if any(given) and not (year is not None and quarter is not None):
            raise forms.ValidationError(_("Give the year and the quarter."))
        return cleaned


QuotaFormSet = forms.formset_factory(QuotaForm, extra=0, max_num=40)


def quota_formset(*, outcome: HireOutcome | None, data=None):
    """The recorded quarters, then a few blank rows."""
    initial = []
    if outcome is not None:
        initial = [
            {
                "year": q.year,
                "quarter": q.quarter,
                "attainment_percent": q.attainment_percent,
            }
            for q in outcome.quotas.all()
        ]
    if data is None:
        initial.extend({} for _row in range(BLANK_QUOTA_ROWS))
    return QuotaFormSet(data, initial=initial, prefix="quota")


def quotas_from(formset, *, outcome: HireOutcome | None) -> list[QuotaInput]:
    """The quarters the rows give; the page shows every recorded quarter, so one
    left out of the rows, or whose attainment was cleared, is removed."""
    rows: list[QuotaInput] = []
    for form in formset.forms:
        data = form.cleaned_data
        if data.get("year") is None or data.get("quarter") is None:
            continue
        rows.append(
            QuotaInput(data["year"], data["quarter"], data.get("attainment_percent"))
        )
    given = {(row.year, row.quarter) for row in rows}
    if outcome is not None:
        rows.extend(
            QuotaInput(quota.year, quota.quarter, None)
            for quota in outcome.quotas.all()
            if (quota.year, quota.quarter) not in given
        )
    return rows


class OutcomeImportForm(CsvImportForm):
    csv_file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_(
            "UTF-8, first line naming the columns; download the template below "
            "to start from the hires already listed."
        ),
    )

"""Forms of the recruiter privacy pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.privacy.erasure import REASON_MAX_LENGTH


class RetentionForm(forms.Form):
    until = forms.DateField(
        label=_("Keep personal data until"),
        help_text=_(
            "After this date the personal data is erased automatically, unless an "
            "application is still open. Activity moves it forward."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ErasureForm(forms.Form):
    answers = forms.BooleanField(
        label=_("Also erase the answers and results"),
        help_text=_(
            "Only when the candidate asks for it. Otherwise they stay, with nothing "
            "that identifies the candidate, for norms and statistics."
        ),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for erasing while an application is open"),
        help_text=_(
            "Administrators only. Kept in the audit log after the erasure, so do not "
            "name the candidate."
        ),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the erasure cannot be undone."),
        error_messages={"required": _("Confirm that the erasure cannot be undone.")},
    )

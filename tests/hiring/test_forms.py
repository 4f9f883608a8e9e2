"""The recruiter forms refuse what the services would refuse, with a message."""

import pytest

from hiring.forms import DecisionForm, InvitationForm


def test_it_accepts_a_decision_with_its_reason():
    form = DecisionForm({"decision": "advance", "reason": "Strong role play."})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "decision": "advance",
        "reason": "Strong role play.",
        "stage": "",  # no stage shown: the decision is not checked against one
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision": "advance", "reason": ""}, "reason"),
        ({"decision": "advance", "reason": "   "}, "reason"),
        ({"decision": "promote", "reason": "Why not"}, "decision"),
        ({"decision": "", "reason": "Why not"}, "decision"),
    ],
)
def test_it_refuses_a_decision_without_reason_or_with_an_unknown_choice(data, field):
    form = DecisionForm(data)
    assert not form.is_valid()
    assert field in form.errors


def test_it_says_a_decision_needs_its_reason():
    form = DecisionForm({"decision": "reject", "reason": ""})
    form.is_valid()
    assert form.errors["reason"] == ["A decision needs its reason."]


def test_it_accepts_an_invitation_with_an_accommodation():
    form = InvitationForm(
        {"language": "es", "extra_time_percent": "50", "expires_in_days": "7"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["extra_time_percent"] == 50


VALID_INVITATION = {"language": "en", "extra_time_percent": "0", "expires_in_days": "7"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("language", "fr"),
        ("extra_time_percent", "-5"),
        ("extra_time_percent", "250"),
        ("extra_time_percent", "ten"),
        ("expires_in_days", "0"),
        ("expires_in_days", "400"),
    ],
)
def test_it_refuses_an_invitation_out_of_bounds(field, value):
    form = InvitationForm({**VALID_INVITATION, field: value})
    assert not form.is_valid()
    assert list(form.errors) == [field]

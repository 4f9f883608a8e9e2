"""Helpers of the candidate-page tests: page URLs and whole pages of answers."""

from django.urls import reverse

from assessments import services


def page_url(number: int) -> str:
    return reverse("take:page", kwargs={"number": number})


def page_answers(invitation, number: int, value: int = 3) -> dict[str, str]:
    """The form fields answering every item of page `number` with `value`."""
    keys = services.taking_pages(invitation)[number - 1]
    return {f"item-{key}": str(value) for key in keys}

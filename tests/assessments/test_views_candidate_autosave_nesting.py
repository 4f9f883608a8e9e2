"""An autosave body nested deeper than the limit is refused with a 400 that says so,
even when it is well under the size cap (it used to raise RecursionError)."""

from django.urls import reverse

from assessments.models import Response


def test_it_refuses_100000_nested_brackets_with_400(client, taking, settings):
    body = b"[" * 100_000 + b"]" * 100_000
    assert len(body) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = client.post(
        reverse("take:autosave"), body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "malformed"
    assert problem["detail"] == "The JSON is nested deeper than 32 levels."
    assert not Response.objects.filter(invitation=taking).exists()


def test_it_refuses_deep_objects_inside_a_valid_looking_payload(client, taking):
    answers = '{"a":' * 40 + "1" + "}" * 40
    body = f'{{"page": 1, "answers": {answers}}}'

    response = client.post(
        reverse("take:autosave"), body, content_type="application/json"
    )

    assert response.status_code == 400
    assert "nested deeper" in response.json()["detail"]

"""Half of a UTF-16 surrogate pair, which a JSON ``\\u`` escape can name but is no
text (UTF-8 cannot encode it), is a 400 problem saying so, wherever it stands.
Before, a choice field echoed it in its error and the answer itself could not
be encoded: a 500 HTML page from an API that promises problem JSON."""

import pytest

from hiring.models import Candidate, Job
from tests.api.test_api_errors import assert_problem

pytestmark = pytest.mark.django_db


def _post(client, path: str, body: str):
    return client.post(path, body.encode("ascii"), content_type="application/json")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/jobs/", '{"title": "Chef", "status": "\\ud800"}'),
        ("/api/v1/jobs/", '{"title": "Chef\\udfff"}'),
        ("/api/v1/jobs/", '{"title": "Chef", "x\\ud800": 1}'),
        (
            "/api/v1/candidates/",
            '{"email": "a@example.org", "preferred_language": "\\udc00"}',
        ),
        (
            "/api/v1/webhooks/",
            '{"name": "x", "url": "https://127.0.0.1/", "events": ["\\ud800"]}',
        ),
    ],
    ids=["choice", "text", "key", "language", "list"],
)
def test_it_refuses_half_a_surrogate_pair_with_a_problem(api_client, path, body):
    client = api_client("jobs:write", "applications:write", "webhooks:manage")

    response = _post(client, path, body)

    problem = assert_problem(response, 400, "parse_error")
    assert "surrogate" in problem["detail"]
    assert not Job.objects.exists()
    assert not Candidate.objects.exists()


def test_a_whole_pair_is_one_character(api_client):
    client = api_client("jobs:write")

    response = _post(client, "/api/v1/jobs/", '{"title": "Chef \\ud83c\\udf73"}')

    assert response.status_code == 201, response.content
    assert Job.objects.get().title == "Chef \U0001f373"

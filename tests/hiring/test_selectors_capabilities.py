"""One capability check answers what a user may do on a job."""

import pytest

from hiring.errors import Forbidden, NotFound
from hiring.models import Capability
from hiring.selectors import job_capabilities, job_require


def test_it_grants_a_recruiter_every_capability_of_the_role(job, alice):
    assert job_capabilities(user=alice, job=job) == {
        Capability.VIEW_APPLICATIONS,
        Capability.VIEW_RESULTS,
        Capability.INVITE,
        Capability.DECIDE,
        Capability.MANAGE_JOB,
        Capability.PERSONAL_DATA,
        Capability.OUTCOMES,
        Capability.DEVELOPMENT,
    }


def test_it_grants_an_administrator_everything_without_a_role(job, admin_user):
    assert job_capabilities(user=admin_user, job=job) == set(Capability.values)


def test_it_grants_nothing_without_a_role(job, charlie):
    assert job_capabilities(user=charlie, job=job) == frozenset()


def test_it_hides_the_job_from_someone_without_a_role(job, charlie):
    with pytest.raises(NotFound):
        job_require(user=charlie, job=job, capability=Capability.VIEW_APPLICATIONS)


def test_it_forbids_a_role_that_lacks_the_capability(job, bob, dana):
    with pytest.raises(Forbidden):
        job_require(user=bob, job=job, capability=Capability.INVITE)
    with pytest.raises(Forbidden):
        job_require(user=dana, job=job, capability=Capability.VIEW_RESULTS)


def test_it_returns_the_capabilities_when_allowed(job, bob, django_assert_num_queries):
    with django_assert_num_queries(1):
        capabilities = job_require(
            user=bob, job=job, capability=Capability.VIEW_RESULTS
        )
    assert Capability.DECIDE in capabilities

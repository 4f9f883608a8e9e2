"""Helpers shared by the tests of the recruiter pages."""


def logged_in(client, user):
    client.force_login(user)
    return client

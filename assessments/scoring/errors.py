"""The one error type of the scoring engine."""


class ScoringInputError(ValueError):
    """Input the engine cannot score; the message names the offending value.

    Subclasses ``ValueError`` so callers that only know the standard library can
    still catch it; the Django side turns it into one problem+json response.
    """

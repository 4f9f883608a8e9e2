"""factory_boy factories and builders shared by the whole suite.

``hiring``: users, jobs, teams, candidates, applications; ``assessments``:
instruments, norm sets, invitations, results, interviews; ``results``: stored
results built from the scoring engine's own output; ``submissions``: finished
questionnaires with answers drawn from a latent-trait model.
"""

from tests.factories.assessments import (
    ANSWERS,
    DEFINITION,
    HURRIED_PAGE_SECONDS,
    InstrumentFactory,
    InstrumentVersionFactory,
    InterviewFactory,
    InvitationFactory,
    NormSetFactory,
    PanelInterviewFactory,
    QuestionnaireResultFactory,
    RubricFactory,
    RubricVersionFactory,
    plan_from_defaults,
)
from tests.factories.hiring import (
    ApplicationFactory,
    CandidateFactory,
    HireOutcomeFactory,
    JobFactory,
    JobMemberFactory,
    QuotaAttainmentFactory,
    UserFactory,
)
from tests.factories.results import answers_of, result_fields
from tests.factories.submissions import latent_answers, submissions_create

__all__ = [
    "ANSWERS",
    "DEFINITION",
    "HURRIED_PAGE_SECONDS",
    "ApplicationFactory",
    "CandidateFactory",
    "HireOutcomeFactory",
    "InstrumentFactory",
    "InstrumentVersionFactory",
    "InterviewFactory",
    "InvitationFactory",
    "JobFactory",
    "JobMemberFactory",
    "NormSetFactory",
    "PanelInterviewFactory",
    "QuestionnaireResultFactory",
    "QuotaAttainmentFactory",
    "RubricFactory",
    "RubricVersionFactory",
    "UserFactory",
    "answers_of",
    "latent_answers",
    "plan_from_defaults",
    "result_fields",
    "submissions_create",
]

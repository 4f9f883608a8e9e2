"""The words a recruiter reads for the engine's keys: band names, validity statuses,
validity checks, the sentence that says what a raised flag means, and the validity
rule (which flags, alone or together, make a result questionable or invalid).

The keys are the engine's own (`assessments.scoring`); everything here is
translated at the moment it is called.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from assessments.scoring.rules import (
    Clause,
    FigureAtLeast,
    FlagRaised,
    FlagsRaised,
    ValidityRule,
)

# Lazy, so each is translated when it is read, in the language of that moment;
# a lookup translates one label, not the whole table (a page of results reads
# thousands).
_BAND_LABELS = {
    "strong_fit": gettext_lazy("Strong fit"),
    "fit": gettext_lazy("Fit"),
    "borderline": gettext_lazy("Borderline"),
    "not_recommended": gettext_lazy("Not recommended"),
}
_VALIDITY_STATUS_LABELS = {
    "valid": gettext_lazy("Valid"),
    "questionable": gettext_lazy("Questionable"),
    "invalid": gettext_lazy("Invalid"),
}
_VALIDITY_INDEX_LABELS = {
    "longstring": gettext_lazy("Same answer in a row"),
    "irv": gettext_lazy("Variability of the answers"),
    "even_odd": gettext_lazy("Even-odd consistency"),
    "mahalanobis": gettext_lazy("Unusual answer pattern"),
    "speed": gettext_lazy("Answering speed"),
    "instructed": gettext_lazy("Instruction items"),
    "infrequency": gettext_lazy("Implausible statements"),
    "impression": gettext_lazy("Favourable self-description"),
    "consistency": gettext_lazy("Pairs of statements with the same meaning"),
}


def _label(labels: dict, key: str) -> str:
    label = labels.get(key)
    return str(label) if label is not None else key.replace("_", " ").capitalize()


def band_label(key: str) -> str:
    return _label(_BAND_LABELS, key)


def validity_status_label(key: str) -> str:
    return _label(_VALIDITY_STATUS_LABELS, key)


def validity_index_label(name: str) -> str:
    return _label(_VALIDITY_INDEX_LABELS, name)


def _count(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(value)


def validity_sentence(name: str, value) -> str:
    """One plain sentence that says what a raised validity flag means."""
    n = _count(value)
    if name == "longstring" and n is not None:
        return ngettext(
            "Gave the same answer to %(n)s statement in a row.",
            "Gave the same answer to %(n)s statements in a row.",
            n,
        ) % {"n": n}
    if name == "instructed" and n is not None:
        return ngettext(
            "Missed %(n)s instruction such as “choose Agree for this statement”.",
            "Missed %(n)s instructions such as “choose Agree for this statement”.",
            n,
        ) % {"n": n}
    if name == "infrequency" and n is not None:
        return ngettext(
            "Agreed with %(n)s statement that almost nobody can truthfully agree with.",
            "Agreed with %(n)s statements that almost nobody can truthfully agree "
            "with.",
            n,
        ) % {"n": n}
    if name == "impression" and n is not None:
        return ngettext(
            "Gave %(n)s extremely favourable answer to statements that detect an "
            "overly positive self-description.",
            "Gave %(n)s extremely favourable answers to statements that detect an "
            "overly positive self-description.",
            n,
        ) % {"n": n}
    sentences = {
        "longstring": _("Gave the same answer to many statements in a row."),
        "irv": _(
            "Answers varied very little across the questionnaire, as if given "
            "without reading the statements."
        ),
        "even_odd": _(
            "Answered statements of the same scale differently in the two halves "
            "of the questionnaire."
        ),
        "mahalanobis": _(
            "Gave a pattern of answers that is very unusual compared with the norm "
            "group."
        ),
        "speed": _(
            "Answered at least one page faster than 2 seconds per statement, too "
            "fast to read them."
        ),
        "instructed": _(
            "Missed instructions such as “choose Agree for this statement”."
        ),
        "infrequency": _(
            "Agreed with statements that almost nobody can truthfully agree with."
        ),
        "impression": _(
            "Gave many extremely favourable answers to statements that detect an "
            "overly positive self-description."
        ),
        "consistency": _(
            "Gave contradictory answers to pairs of statements that mean the same "
            "thing."
        ),
    }
    return sentences.get(name) or _("The “%(name)s” check was flagged.") % {
        "name": name
    }


# --- the validity rule in words -----------------------------------------------------


def _condition_words(condition) -> str:
    if isinstance(condition, FigureAtLeast):
        n = condition.at_least
        if condition.index == "instructed":
            return ngettext(
                "%(n)s instruction such as “choose Agree for this statement” was "
                "missed",
                "%(n)s or more instructions such as “choose Agree for this "
                "statement” were missed",
                n,
            ) % {"n": n}
        if condition.index == "infrequency":
            return ngettext(
                "%(n)s statement that almost nobody can truthfully agree with was "
                "agreed with",
                "%(n)s or more statements that almost nobody can truthfully agree "
                "with were agreed with",
                n,
            ) % {"n": n}
        return _("the figure of “%(check)s” is %(n)s or more") % {
            "check": validity_index_label(condition.index),
            "n": n,
        }
    if isinstance(condition, FlagRaised):
        return _("“%(check)s” is flagged") % {
            "check": validity_index_label(condition.index)
        }
    if isinstance(condition, FlagsRaised):
        n = condition.at_least
        if condition.besides:
            return ngettext(
                "at least %(n)s other check is flagged",
                "at least %(n)s other checks are flagged",
                n,
            ) % {"n": n}
        return ngettext(
            "at least %(n)s check of any kind is flagged",
            "at least %(n)s checks of any kind are flagged",
            n,
        ) % {"n": n}
    return str(condition)


def validity_clause_sentence(clause: Clause) -> str:
    """One clause as a sentence: "Invalid when ... and ...."."""
    conditions = _(" and ").join(_condition_words(c) for c in clause.all_of)
    if clause.status == "invalid":
        return _("Invalid when %(conditions)s.") % {"conditions": conditions}
    return _("Questionable when %(conditions)s.") % {"conditions": conditions}


def validity_rule_sentences(rule: ValidityRule) -> list[str]:
    """The whole validity rule in words (``assessments.scoring.rules``), one
    sentence per clause in order of precedence, ending with "valid"."""
    sentences = [validity_clause_sentence(clause) for clause in rule.clauses]
    sentences.append(_("Valid when no check is flagged."))
    return sentences


def recommendation_label(key: str) -> str:
    labels = {
        "definitely_not": _("Definitely not"),
        "no": _("No"),
        "yes": _("Yes"),
        "strong_yes": _("Strong yes"),
        "no_decision": _("No decision"),
    }
    return labels.get(key) or key.replace("_", " ").capitalize()


def interview_flag_label(key: str) -> str:
    labels = {
        "low_agreement": _("Interviewers disagree (r_wg below .70)"),
        "wide_range": _("Ratings two or more points apart"),
    }
    return labels.get(key) or key.replace("_", " ").capitalize()


def interview_state_label(key: str) -> str:
    labels = {
        "awaiting": _("No scorecard yet"),
        "partial": _("Some scorecards missing"),
        "complete": _("All scorecards in"),
    }
    return labels.get(key) or key.replace("_", " ").capitalize()

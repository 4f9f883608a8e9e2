"""Writes of hire outcomes: what became of a hire, recorded from the hire's page, a
CSV file or the API, always through `hire_outcomes_record` (`hire_outcome_record`
is its one-hire case).

One outcome per hired application; recording again updates it (an upsert), and
quota attainment is merged quarter by quarter. Whether the hire was still employed
at 90 and 180 days is derived from the dates (`HireOutcome.employed_at`), never
typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiring.errors import Conflict, DomainError, Invalid, NotFound
from hiring.events import event_build, events_record_many
from hiring.models import (
    RETENTION_CHECKPOINTS,
    Application,
    AuditEvent,
    HireOutcome,
    LeavingReason,
    OutboxEvent,
    PerformanceRating,
    QuotaAttainment,
    Stage,
)
from hiring.services import (
    BULK_BATCH,
    audit_build,
    audits_record_many,
    candidates_retention_extend,
)
from hiring.signals import outcome_manager_changed

# No hire in this deployment started before this day; a date before it is a typo.
EARLIEST_DATE = date(2000, 1, 1)
# A start or a leaving date may be agreed ahead (an offer accepted, a notice
# given), but not further ahead than this.
MAX_DAYS_AHEAD = 366
MAX_ATTAINMENT = Decimal(1000)
ONE_DECIMAL = Decimal("0.1")
MANAGER_NAME_MAX = 200
TEAM_MAX = 200


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


# The default of ``manager``: leave the manager's account as it is. Pages, files and
# the API that do not speak of the account must not unlink it.
KEEP = _Keep()


@dataclass(frozen=True)
class QuotaInput:
    """Attainment for one calendar quarter; ``attainment_percent`` None removes
    the quarter's row."""

    year: int
    quarter: int
    attainment_percent: Decimal | None


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


# --- checks ---------------------------------------------------------------------------


def _as_date(value, name: str, problems: dict) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.setdefault(name, []).append(_("Enter a date as YYYY-MM-DD."))
    return None


def _within(day: date | None, name: str, problems: dict, *, latest: date) -> None:
    if day is None:
        return
    if day < EARLIEST_DATE or day > latest:
        problems.setdefault(name, []).append(
            _("Enter a date from %(earliest)s to %(latest)s.")
            % {"earliest": EARLIEST_DATE.isoformat(), "latest": latest.isoformat()}
        )


def _as_rating(value, problems: dict) -> int | None:
    if value is None or value == "":
        return None
    rating = None
    if isinstance(value, int) and not isinstance(value, bool):
        rating = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        rating = int(value.strip())
    if rating not in PerformanceRating.values:
        problems.setdefault("performance_rating", []).append(
            _("Choose a rating from 1 to 5.")
        )
        return None
    return rating


def percent_parse(value) -> Decimal | None:
    """The attainment as a Decimal with one decimal place, or None to remove it.
    Raises ValueError when it is not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        number = Decimal(str(value).strip().rstrip("%").strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _as_quotas(quotas: Iterable, problems: dict) -> list[QuotaInput]:
    """Each quota as a `QuotaInput`, from a QuotaInput, a mapping with ``year``,
    ``quarter`` and ``attainment_percent``, or a ``(year, quarter, percent)``
    triple."""
    rows: list[QuotaInput] = []
    messages: list[str] = []
    for quota in quotas or ():
        if isinstance(quota, QuotaInput):
            year, quarter, percent = quota.year, quota.quarter, quota.attainment_percent
        elif isinstance(quota, Mapping):
            year = quota.get("year")
            quarter = quota.get("quarter")
            percent = quota.get("attainment_percent")
        else:
            try:
                year, quarter, percent = quota
            except (TypeError, ValueError):
                messages.append(_("Give each quarter as year, quarter and percent."))
                continue
        if not all(
            isinstance(n, int) and not isinstance(n, bool) for n in (year, quarter)
        ):
            messages.append(_("A quarter needs a year and a quarter number."))
            continue
        label = quarter_label(year, quarter)
        if not 1 <= quarter <= 4:
            messages.append(
                _("%(quarter)s: the quarter must be 1, 2, 3 or 4.") % {"quarter": label}
            )
            continue
        try:
            percent = percent_parse(percent)
        except ValueError:
            messages.append(
                _("%(quarter)s: the attainment must be a number of percent.")
                % {"quarter": label}
            )
            continue
        if percent is not None and not 0 <= percent <= MAX_ATTAINMENT:
            messages.append(
                _("%(quarter)s: the attainment must be from 0 to 1000 %%.")
                % {"quarter": label}
            )
            continue
        rows.append(QuotaInput(year, quarter, percent))
    seen: set[tuple[int, int]] = set()
    for row in rows:
        key = (row.year, row.quarter)
        if key in seen:
            messages.append(
                _("%(quarter)s is given twice.")
                % {"quarter": quarter_label(row.year, row.quarter)}
            )
        seen.add(key)
    if messages:
        problems.setdefault("quotas", []).extend(messages)
    return rows


@dataclass(frozen=True)
class _Clean:
    start_date: date
    manager_name: str
    team: str
    leaving_date: date | None
    leaving_reason: str
    performance_rating: int | None
    rated_on: date | None
    quotas: list[QuotaInput]


def outcome_clean(
    *,
    start_date,
    manager_name,
    team="",
    leaving_date=None,
    leaving_reason="",
    performance_rating=None,
    rated_on=None,
    quotas=(),
    today: date,
) -> _Clean:
    """The outcome's values checked against every rule of their own; raises Invalid
    naming each field that is wrong. Writes and reads nothing (the CSV preview
    calls it row by row)."""
    problems: dict[str, list[str]] = {}
    latest = today + timedelta(days=MAX_DAYS_AHEAD)

    start = _as_date(start_date, "start_date", problems)
    if start is None and "start_date" not in problems:
        problems["start_date"] = [_("This field is required.")]
    _within(start, "start_date", problems, latest=latest)

    manager_name = str(manager_name or "").strip()
    if not manager_name:
        problems["manager_name"] = [_("This field is required.")]
    elif len(manager_name) > MANAGER_NAME_MAX:
        problems["manager_name"] = [
            _("At most %(limit)s characters.") % {"limit": MANAGER_NAME_MAX}
        ]
    team = str(team or "").strip()
    if len(team) > TEAM_MAX:
        problems["team"] = [_("At most %(limit)s characters.") % {"limit": TEAM_MAX}]

    leaving = _as_date(leaving_date, "leaving_date", problems)
    _within(leaving, "leaving_date", problems, latest=latest)
    if leaving and start and leaving < start:
        problems.setdefault("leaving_date", []).append(
            _("The leaving date cannot be before the start date.")
        )
    leaving_reason = str(leaving_reason or "").strip()
    if leaving_reason and leaving_reason not in LeavingReason.values:
        problems["leaving_reason"] = [
            _("Choose one of: %(choices)s.")
            % {"choices": ", ".join(LeavingReason.values)}
        ]
    elif leaving and not leaving_reason:
        problems["leaving_reason"] = [_("Say why the hire left.")]
    elif leaving_reason and leaving is None and "leaving_date" not in problems:
        problems["leaving_reason"] = [
            _("A leaving reason needs a leaving date; clear it if the hire stayed.")
        ]

    rating = _as_rating(performance_rating, problems)
    rated = _as_date(rated_on, "rated_on", problems)
    if rated is not None:
        if rating is None and "performance_rating" not in problems:
            problems.setdefault("rated_on", []).append(
                _("A rating date needs a rating.")
            )
        if rated > today:
            problems.setdefault("rated_on", []).append(
                _("A rating cannot be dated in the future.")
            )
        elif start and rated < start:
            problems.setdefault("rated_on", []).append(
                _("A rating cannot be dated before the start date.")
            )
        elif rated < EARLIEST_DATE:
            _within(rated, "rated_on", problems, latest=today)

    rows = _as_quotas(quotas, problems)
    if start is not None:
        first = quarter_of(start)
        last = min(quarter_of(today), quarter_of(leaving) if leaving else (9999, 4))
        for row in rows:
            if row.attainment_percent is None:
                continue  # removing a quarter is always possible
            key, label = (row.year, row.quarter), quarter_label(row.year, row.quarter)
            if key < first:
                problems.setdefault("quotas", []).append(
                    _("%(quarter)s is before the hire started.") % {"quarter": label}
                )
            elif key > last:
                problems.setdefault("quotas", []).append(
                    _("%(quarter)s has not begun while the hire was employed.")
                    % {"quarter": label}
                    if leaving and key > quarter_of(leaving)
                    else _("%(quarter)s has not begun yet.") % {"quarter": label}
                )

    if problems:
        raise Invalid(_("Some fields of the outcome are not valid."), fields=problems)
    return _Clean(
        start_date=start,
        manager_name=manager_name,
        team=team,
        leaving_date=leaving,
        leaving_reason=leaving_reason,
        performance_rating=rating,
        rated_on=rated,
        quotas=rows,
    )


def outcome_require_hired(application: Application) -> None:
    """Conflict unless the application is hired: only hires have outcomes."""
    if application.stage != Stage.HIRED:
        raise Conflict(
            _(
                "Only a hired application has an outcome; this one is at the "
                "stage “%(stage)s”. Record the hiring decision first."
            )
            % {"stage": application.get_stage_display()},
            code="not_hired",
        )


# --- the write ------------------------------------------------------------------------

# The outcome's own fields, as `outcome_clean` returns them.
_OUTCOME_FIELDS = (
    "start_date",
    "manager_name",
    "team",
    "leaving_date",
    "leaving_reason",
    "performance_rating",
    "rated_on",
)


def _event_data(
    outcome: HireOutcome,
    application: Application,
    today: date,
    quotas: list[QuotaAttainment],
) -> dict:
    """The payload of ``hire_outcome.recorded``; ``quotas`` are the outcome's
    quarters as written, in order."""
    return {
        "outcome_id": outcome.pk,
        "application_id": application.pk,
        "application_external_id": application.external_id or None,
        "candidate_external_id": application.candidate.external_id or None,
        "job_id": application.job_id,
        "job_external_id": application.job.external_id or None,
        "start_date": outcome.start_date.isoformat(),
        "leaving_date": (
            outcome.leaving_date.isoformat() if outcome.leaving_date else None
        ),
        "leaving_reason": outcome.leaving_reason or None,
        **{
            f"employed_{days}": outcome.employed_at(days, today)
            for days in RETENTION_CHECKPOINTS
        },
        "performance_rating": outcome.performance_rating,
        "rated_on": outcome.rated_on.isoformat() if outcome.rated_on else None,
        "quotas": [
            {
                "year": quota.year,
                "quarter": quota.quarter,
                "attainment_percent": float(quota.attainment_percent),
            }
            for quota in quotas
        ],
    }


@dataclass
class _Recording:
    """What recording one entry writes, worked out in memory."""

    application: Application
    outcome: HireOutcome
    created: bool
    changed_fields: list[str]
    quarters_changed: list[str]
    manager_changed: bool
    quotas_to_delete: list[int]
    quotas_to_update: list[QuotaAttainment]
    quotas_to_create: list[QuotaAttainment]
    # The outcome's quarters once written, in (year, quarter) order.
    quotas: list[QuotaAttainment]

    @property
    def changed(self) -> bool:
        return bool(self.changed_fields or self.quarters_changed)


def _outcome_recording(
    *,
    application: Application,
    outcome: HireOutcome | None,
    quotas: list[QuotaAttainment],
    fields: Mapping,
    today: date,
) -> _Recording:
    """Every rule of recording one outcome, applied to the locked ``application``,
    its current ``outcome`` (None if none yet) with its ``quotas``: raises the
    refusal, or returns what to write. Reads and writes nothing, so many entries
    are checked without a query each."""
    fields = dict(fields)
    manager = fields.pop("manager", KEEP)
    outcome_require_hired(application)
    clean = outcome_clean(**fields, today=today)
    if manager is not KEEP and manager is not None and not getattr(manager, "pk", None):
        raise Invalid(
            _("The manager's account is not known."),
            fields={"manager": [_("No such account.")]},
        )

    created = outcome is None
    if created:
        outcome = HireOutcome(application=application)
    values = {name: getattr(clean, name) for name in _OUTCOME_FIELDS}
    if manager is not KEEP:
        values["manager_id"] = manager.pk if manager is not None else None
    previous_manager_id = None if created else outcome.manager_id
    changed_fields = sorted(
        name.removesuffix("_id")
        for name, value in values.items()
        if created or getattr(outcome, name) != value
    )
    for name, value in values.items():
        setattr(outcome, name, value)

    existing = {(q.year, q.quarter): q for q in quotas}
    after = dict(existing)
    quarters_changed: list[str] = []
    to_delete, to_create, to_update = [], [], []
    for row in clean.quotas:
        key = (row.year, row.quarter)
        current = existing.get(key)
        if row.attainment_percent is None:
            if current is not None:
                to_delete.append(current.pk)
                del after[key]
                quarters_changed.append(quarter_label(*key))
        elif current is None:
            after[key] = QuotaAttainment(
                outcome=outcome,
                year=row.year,
                quarter=row.quarter,
                attainment_percent=row.attainment_percent,
            )
            to_create.append(after[key])
            quarters_changed.append(quarter_label(*key))
        elif current.attainment_percent != row.attainment_percent:
            current.attainment_percent = row.attainment_percent
            to_update.append(current)
            quarters_changed.append(quarter_label(*key))
    return _Recording(
        application=application,
        outcome=outcome,
        created=created,
        changed_fields=changed_fields,
        quarters_changed=quarters_changed,
        manager_changed=outcome.manager_id != previous_manager_id,
        quotas_to_delete=to_delete,
        quotas_to_update=to_update,
        quotas_to_create=to_create,
        quotas=[after[key] for key in sorted(after)],
    )


def _recordings_write(
    recordings: list[_Recording], *, by, today: date, now: datetime | None
) -> None:
    """Write recordings that change something: one statement per table and
    kind of write, whatever their number, and their audit rows and events in
    the order one recording at a time writes them."""
    if getattr(by, "is_authenticated", False):
        for recording in recordings:
            recording.outcome.recorded_by = by
    if now is not None:  # a moment of the past (the demo's history)
        for recording in recordings:
            if recording.created:
                recording.outcome.created_at = now
    # Saved also when only quotas changed: its updated_at is what integrations poll.
    HireOutcome.objects.bulk_create(
        [r.outcome for r in recordings if r.created], batch_size=BULK_BATCH
    )
    updated = [r.outcome for r in recordings if not r.created]
    written_at = timezone.now()
    for outcome in updated:
        outcome.updated_at = written_at  # bulk_update does not apply auto_now
    HireOutcome.objects.bulk_update(
        updated,
        [*_OUTCOME_FIELDS, "manager", "recorded_by", "updated_at"],
        batch_size=BULK_BATCH,
    )
    to_delete = [pk for r in recordings for pk in r.quotas_to_delete]
    if to_delete:
        QuotaAttainment.objects.filter(pk__in=to_delete).delete()
    QuotaAttainment.objects.bulk_update(
        [q for r in recordings for q in r.quotas_to_update],
        ["attainment_percent"],
        batch_size=BULK_BATCH,
    )
    QuotaAttainment.objects.bulk_create(
        [q for r in recordings for q in r.quotas_to_create], batch_size=BULK_BATCH
    )
    candidates_retention_extend(
        candidate_ids=[r.application.candidate_id for r in recordings]
    )
    audits, events = [], []
    for recording in recordings:
        outcome, application = recording.outcome, recording.application
        if recording.manager_changed:
            # The receivers audit what they end: their rows go in before this
            # outcome's, as when each outcome is recorded on its own.
            audits_record_many(audits)
            audits = []
            outcome_manager_changed.send(
                sender=HireOutcome, application=application, by=by
            )
        audits.append(
            audit_build(
                actor=by,
                action=AuditEvent.Action.OUTCOME_RECORDED,
                obj=outcome,
                job=application.job,
                data={
                    "application_id": application.pk,
                    "created": recording.created,
                    "fields": recording.changed_fields,
                    "quarters": sorted(recording.quarters_changed),
                },
                at=now,
            )
        )
        events.append(
            event_build(
                type=OutboxEvent.Type.HIRE_OUTCOME_RECORDED,
                data=_event_data(outcome, application, today, recording.quotas),
                now=now,
            )
        )
    audits_record_many(audits)
    events_record_many(events)


@transaction.atomic
def hire_outcomes_record(
    *,
    entries: Sequence[tuple[Application, Mapping]],
    by,
    today: date | None = None,
    now: datetime | None = None,
) -> list[HireOutcome]:
    """Record what became of many hires at once; `hire_outcome_record` is this
    with one entry.

    Each entry is ``(application, fields)``, ``fields`` being the keyword
    arguments of `hire_outcome_record` (``start_date``, ``manager_name``,
    ``team``, ``manager``, ``leaving_date``, ``leaving_reason``,
    ``performance_rating``, ``rated_on``, ``quotas``) and meaning what they mean
    there. The applications are locked (in the order of their ids, so two
    writers never wait on each other) and each entry is checked by the same
    rules as one; the first entry refused raises its error, with ``entry`` set
    to its position, and nothing is written. An application may appear once.

    The outcomes, quarters, audit entries (``outcome.recorded``), events
    (``hire_outcome.recorded``), retention dates and manager changes are those
    one call per entry writes, in the same order, in the same number of
    queries whatever the number of entries (a manager's account that changes
    costs its receivers' queries). Returns the outcomes in the order of
    ``entries``, each carrying ``created`` and ``changed``. ``now`` is when they
    are recorded (by default the present), their audit entries and events
    included; ``today`` defaults to its day.
    """
    today = today or timezone.localdate(now)
    ids = [application.pk for application, _fields in entries]
    locked = {
        application.pk: application
        for application in Application.objects.select_for_update(of=("self",))
        .select_related("job", "candidate")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    current = {
        outcome.application_id: outcome
        for outcome in HireOutcome.objects.filter(application_id__in=list(locked))
        .order_by()
        .prefetch_related("quotas")
    }
    recordings: list[_Recording] = []
    seen: set[int] = set()
    for index, (given, fields) in enumerate(entries):
        try:
            application = locked.get(given.pk)
            if application is None:
                raise NotFound(_("There is no such application."), code="not_found")
            if application.pk in seen:
                raise Invalid(
                    _("This application is given twice; record its outcome once."),
                    code="given_twice",
                )
            seen.add(application.pk)
            outcome = current.get(application.pk)
            if outcome is not None:
                outcome.application = application
            recordings.append(
                _outcome_recording(
                    application=application,
                    outcome=outcome,
                    quotas=list(outcome.quotas.all()) if outcome is not None else [],
                    fields=fields,
                    today=today,
                )
            )
        except DomainError as refusal:
            refusal.entry = index
            raise
    changed = [recording for recording in recordings if recording.changed]
    if changed:
        _recordings_write(changed, by=by, today=today, now=now)
    for recording in recordings:
        recording.outcome.created = recording.created
        recording.outcome.changed = recording.changed
    return [recording.outcome for recording in recordings]


def hire_outcome_record(
    *,
    application: Application,
    by,
    start_date,
    manager_name: str,
    team: str = "",
    manager=KEEP,
    leaving_date=None,
    leaving_reason: str = "",
    performance_rating: int | None = None,
    rated_on=None,
    quotas: Iterable = (),
    today: date | None = None,
    now: datetime | None = None,
) -> HireOutcome:
    """Record what became of a hire: create or update the one outcome of a hired
    application. `hire_outcomes_record` with one entry.

    The fields describe the whole outcome (an empty leaving date means the hire is
    still there); ``quotas`` are merged per (year, quarter): a given quarter
    replaces that quarter's row, a quarter given with attainment None removes it,
    quarters not given stay. ``manager`` (the manager's Criba account) stays as it
    is unless given; None unlinks it.

    Raises Conflict (``not_hired``) unless the application is hired, Invalid naming
    each bad field otherwise. When something changed, writes the audit entry
    ``outcome.recorded`` and the event ``hire_outcome.recorded`` in the same
    transaction; recording the same values again writes nothing. The returned
    outcome carries ``created`` and ``changed``. ``now`` is when it is recorded
    (by default the present; the demo seed gives a moment of its history), the
    audit entry and the event included; ``today`` defaults to its day.
    """
    fields = {
        "start_date": start_date,
        "manager_name": manager_name,
        "team": team,
        "manager": manager,
        "leaving_date": leaving_date,
        "leaving_reason": leaving_reason,
        "performance_rating": performance_rating,
        "rated_on": rated_on,
        "quotas": quotas,
    }
    return hire_outcomes_record(
        entries=[(application, fields)], by=by, today=today, now=now
    )[0]

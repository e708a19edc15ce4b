"""Writes to the hours log: the supervisee logs, the supervisor confirms or returns.

Every refusal happens before anything is written, with a message: hours in the future, a
day past 24 hours or the same hours twice, one person writing in another's log, a
supervisor confirming their own hours, negative or absurd values, a supervisor who does
not supervise the supervisee. Each change is one transaction with its audit event; the
supervisee's row is locked while their day is checked, so two logs at once cannot both
fill the same day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from artchart.core import audit
from artchart.core.access import Conflict
from artchart.core.changes import UNSET, apply_changes, save_changes
from artchart.core.messages import UserMessage
from artchart.core.models import User
from artchart.supervision import rules
from artchart.supervision.audit_actions import SupervisionAction
from artchart.supervision.models import DAY_HOURS, HoursEntry, HoursStatus
from artchart.supervision.selectors import may_keep_log, proposals_from_sessions, supervisors_of

NOT_YOUR_LOG = UserMessage("hours_not_your_log", "Only the supervisee writes in their own hours log.")
NOT_A_LOG_KEEPER = UserMessage("hours_not_a_log_keeper", "Only interns and therapists keep an hours log.")
NOT_YOUR_SUPERVISOR = UserMessage(
    "hours_not_your_supervisor", "Choose one of your supervisors (a supervision link names them)."
)
DAY_FULL = UserMessage(
    "hours_day_full",
    "{day} already holds {logged} hours; with these {adding} it would pass 24 hours. Correct the entry already logged.",
)
DUPLICATE = UserMessage("hours_duplicate", "These hours are already in the log for {day}.")
SESSION_COUNTED = UserMessage("hours_session_counted", "A session of {day} is already counted in the log.")
OWN_HOURS = UserMessage("hours_own", "You cannot confirm or return your own hours.")
NOT_THE_SUPERVISOR = UserMessage(
    "hours_not_the_supervisor", "Only the supervisor named on these hours confirms or returns them."
)
NOT_WAITING = UserMessage("hours_not_waiting", "These hours are not waiting for confirmation.")
CONFIRMED_IS_FINAL = UserMessage("hours_confirmed_final", "Confirmed hours are final.")
REASON_NEEDED = UserMessage("hours_return_reason", "Say why the hours go back, so the supervisee can correct them.")
NOTHING_TO_LOG = UserMessage("hours_week_empty", "Give the hours of at least one day.")
NO_SESSIONS = UserMessage("hours_no_sessions", "No documented session of that week is left to count.")
ON_DAY = UserMessage("hours_on_day", "{day}: {message}")


def _require_own_log(by: User, supervisee: User) -> None:
    if by.pk != supervisee.pk:
        raise PermissionDenied(NOT_YOUR_LOG)
    if not may_keep_log(by):
        raise PermissionDenied(NOT_A_LOG_KEEPER)


def _check_supervisor(supervisee: User, supervisor: User | None, day: dt.date | None) -> None:
    if supervisor is None or day is None:
        return  # full_clean names the missing field
    if not supervisors_of(supervisee, day).filter(pk=supervisor.pk).exists():
        raise ValidationError({"supervisor": NOT_YOUR_SUPERVISOR})


def _check_day(entry: HoursEntry) -> None:
    """The day's other waiting and confirmed entries: the same hours twice, or past 24 hours, are refused."""
    others = list(
        HoursEntry.objects.filter(supervisee_id=entry.supervisee_id, date=entry.date)
        .exclude(status=HoursStatus.RETURNED)
        .exclude(pk=entry.pk)
    )
    day = f"{entry.date:%A %-d %B %Y}"
    for other in others:
        if (
            other.supervisor_id == entry.supervisor_id
            and other.direct_hours == entry.direct_hours
            and other.individual_hours == entry.individual_hours
            and other.group_hours == entry.group_hours
        ):
            raise ValidationError(DUPLICATE.format(day=day))
    logged = sum((other.total for other in others), Decimal(0))
    if logged + entry.total > DAY_HOURS:
        raise ValidationError(DAY_FULL.format(day=day, logged=logged, adding=entry.total))
    sessions = set(entry.from_sessions)
    if sessions:
        counted = HoursEntry.objects.filter(supervisee_id=entry.supervisee_id).exclude(status=HoursStatus.RETURNED)
        for ids in counted.exclude(pk=entry.pk).values_list("from_sessions", flat=True):
            if sessions & set(ids):
                raise ValidationError(SESSION_COUNTED.format(day=day))


def _lock_log(supervisee: User) -> None:
    User.objects.select_for_update().filter(pk=supervisee.pk).first()


def _stamp_standards(entry: HoursEntry) -> None:
    """The entry keeps the code of the standards in force on its date (full_clean then names a missing date)."""
    if isinstance(entry.date, dt.date):
        entry.standards = rules.standards_on(entry.date).code


def _write(by: User, entry: HoursEntry) -> HoursEntry:
    _stamp_standards(entry)
    entry.full_clean()
    _check_supervisor(entry.supervisee, entry.supervisor, entry.date)
    _check_day(entry)
    entry.save()
    audit.record(
        actor=by,
        action=SupervisionAction.HOURS_LOG,
        obj=entry,
        detail={"supervisee": entry.supervisee_id, "supervisor": entry.supervisor_id, "standards": entry.standards},
    )
    return entry


@transaction.atomic
def hours_log(
    *,
    by: User,
    supervisee: User,
    date: dt.date = UNSET,
    direct_hours: Decimal = UNSET,
    individual_hours: Decimal = UNSET,
    group_hours: Decimal = UNSET,
    supervisor: User = UNSET,
    supervisor_credential: str = UNSET,
    setting: str = UNSET,
    notes: str = UNSET,
) -> HoursEntry:
    """The supervisee logs one day's hours with one supervisor; they wait for that supervisor to confirm."""
    _require_own_log(by, supervisee)
    _lock_log(supervisee)
    entry = HoursEntry(supervisee=supervisee)
    apply_changes(
        entry,
        {
            "date": date,
            "direct_hours": direct_hours,
            "individual_hours": individual_hours,
            "group_hours": group_hours,
            "supervisor": supervisor,
            "supervisor_credential": supervisor_credential,
            "setting": setting,
            "notes": notes,
        },
    )
    return _write(by, entry)


@dataclass(frozen=True)
class DayHours:
    date: dt.date
    direct_hours: Decimal = Decimal(0)
    individual_hours: Decimal = Decimal(0)
    group_hours: Decimal = Decimal(0)

    @property
    def empty(self) -> bool:
        return not (self.direct_hours or self.individual_hours or self.group_hours)


@transaction.atomic
def week_log(
    *,
    by: User,
    supervisee: User,
    days: Sequence[DayHours],
    supervisor: User,
    supervisor_credential: str,
    setting: str = "",
) -> list[HoursEntry]:
    """A week's hours at once, one entry per day given: all of them or, if one day is refused, none."""
    _require_own_log(by, supervisee)
    _lock_log(supervisee)
    given = [day for day in days if not day.empty]
    if not given:
        raise ValidationError(NOTHING_TO_LOG)
    entries = []
    for day in given:
        entry = HoursEntry(
            supervisee=supervisee,
            date=day.date,
            direct_hours=day.direct_hours,
            individual_hours=day.individual_hours,
            group_hours=day.group_hours,
            supervisor=supervisor,
            supervisor_credential=supervisor_credential,
            setting=setting,
        )
        try:
            entries.append(_write(by, entry))
        except ValidationError as exc:
            raise ValidationError(
                [ON_DAY.format(day=f"{day.date:%A %-d %B}", message=message) for message in exc.messages]
            ) from exc
    return entries


@transaction.atomic
def hours_from_sessions(
    *, by: User, supervisee: User, week: dt.date, supervisor: User, supervisor_credential: str
) -> list[HoursEntry]:
    """Log the week's documented sessions as direct client-contact hours (minutes → hours), one entry a day,
    each waiting for the supervisor to confirm."""
    _require_own_log(by, supervisee)
    _lock_log(supervisee)
    proposed = proposals_from_sessions(supervisee, week)
    if not proposed:
        raise ValidationError(NO_SESSIONS)
    entries = []
    for day in proposed:
        entry = HoursEntry(
            supervisee=supervisee,
            date=day.date,
            direct_hours=day.hours,
            supervisor=supervisor,
            supervisor_credential=supervisor_credential,
            setting=day.setting,
            notes=f"From {len(day.session_ids)} documented session(s), {day.minutes} minutes.",
            from_sessions=list(day.session_ids),
        )
        entries.append(_write(by, entry))
    return entries


@transaction.atomic
def hours_update(
    *,
    by: User,
    entry: HoursEntry,
    date: dt.date = UNSET,
    direct_hours: Decimal = UNSET,
    individual_hours: Decimal = UNSET,
    group_hours: Decimal = UNSET,
    supervisor: User = UNSET,
    supervisor_credential: str = UNSET,
    setting: str = UNSET,
    notes: str = UNSET,
) -> HoursEntry:
    """The supervisee corrects hours still waiting or returned; a returned entry waits for confirmation again."""
    _require_own_log(by, entry.supervisee)
    _lock_log(entry.supervisee)
    entry = HoursEntry.objects.select_for_update(of=("self",)).select_related("supervisee").get(pk=entry.pk)
    if entry.status == HoursStatus.CONFIRMED:
        raise Conflict(CONFIRMED_IS_FINAL)
    changed = apply_changes(
        entry,
        {
            "date": date,
            "direct_hours": direct_hours,
            "individual_hours": individual_hours,
            "group_hours": group_hours,
            "supervisor": supervisor,
            "supervisor_credential": supervisor_credential,
            "setting": setting,
            "notes": notes,
        },
    )
    if not changed and entry.status == HoursStatus.ENTERED:
        return entry
    _stamp_standards(entry)
    entry.full_clean()
    _check_supervisor(entry.supervisee, entry.supervisor, entry.date)
    _check_day(entry)
    if entry.status == HoursStatus.RETURNED:
        entry.status, entry.return_reason, entry.decided_at = HoursStatus.ENTERED, "", None
        changed += ["status", "return_reason", "decided_at"]
    save_changes(entry, [*changed, "standards"])
    audit.record(actor=by, action=SupervisionAction.HOURS_UPDATE, obj=entry, detail={"fields": changed})
    return entry


def _decide(by: User, entry: HoursEntry) -> HoursEntry:
    if by.pk == entry.supervisee_id:
        raise PermissionDenied(OWN_HOURS)
    entry = HoursEntry.objects.select_for_update(of=("self",)).select_related("supervisee").get(pk=entry.pk)
    if by.pk != entry.supervisor_id or not supervisors_of(entry.supervisee, entry.date).filter(pk=by.pk).exists():
        raise PermissionDenied(NOT_THE_SUPERVISOR)
    if entry.status != HoursStatus.ENTERED:
        raise Conflict(NOT_WAITING)
    return entry


@transaction.atomic
def hours_confirm(*, by: User, entry: HoursEntry) -> HoursEntry:
    """The named supervisor confirms the hours: they count toward the credential from now on."""
    entry = _decide(by, entry)
    entry.status, entry.decided_at = HoursStatus.CONFIRMED, timezone.now()
    entry.updated_at = entry.decided_at
    entry.save(update_fields=["status", "decided_at", "updated_at"])
    audit.record(
        actor=by, action=SupervisionAction.HOURS_CONFIRM, obj=entry, detail={"supervisee": entry.supervisee_id}
    )
    return entry


@transaction.atomic
def hours_return(*, by: User, entry: HoursEntry, reason: str) -> HoursEntry:
    """The named supervisor sends the hours back with a reason; the supervisee corrects them."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": REASON_NEEDED})
    entry = _decide(by, entry)
    entry.status, entry.return_reason, entry.decided_at = HoursStatus.RETURNED, reason[:500], timezone.now()
    entry.updated_at = entry.decided_at
    entry.save(update_fields=["status", "return_reason", "decided_at", "updated_at"])
    audit.record(actor=by, action=SupervisionAction.HOURS_RETURN, obj=entry, detail={"supervisee": entry.supervisee_id})
    return entry

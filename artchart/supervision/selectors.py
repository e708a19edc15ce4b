"""Reads of the hours log: a person's own log, and their supervisors'.

Who sees a log: the supervisee, and whoever supervises them through a supervision link
(open, or ended: a former supervisor still sees the hours they confirmed). Anyone else gets
404, as for a chart. The log names no client, so reading it is not a read of a record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from artchart.core.models import Role, SupervisionLink, User
from artchart.supervision import rules
from artchart.supervision.models import HoursEntry, HoursStatus
from artchart.therapy.models import Note, NoteStatus, SessionStatus

# Who keeps a log: the roles a supervision link may name as supervisee.
LOG_KEEPERS = (Role.INTERN, Role.THERAPIST)
# Who may hold supervisees: the roles a supervision link may name as supervisor.
SUPERVISOR_ROLES = (Role.SUPERVISOR, Role.THERAPIST)


def may_keep_log(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in LOG_KEEPERS)


def may_supervise(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in SUPERVISOR_ROLES)


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def supervisors_of(supervisee: User, day: dt.date) -> QuerySet[User]:
    """Who may confirm the supervisee's hours of ``day``: a supervisor whose link is open or ended on or after it."""
    links = SupervisionLink.objects.filter(supervisee=supervisee).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )
    return User.objects.filter(pk__in=links.values("supervisor_id"), is_active=True)


def supervises(user: User, supervisee_id: int) -> bool:
    return SupervisionLink.objects.filter(supervisor_id=user.pk, supervisee_id=supervisee_id).exists()


def log_owner_get(user: User, supervisee_id: int) -> User:
    """The owner of a log the user may read (their own, or a supervisee's); 404 for anyone else."""
    if user.pk != supervisee_id and not supervises(user, supervisee_id):
        raise Http404
    try:
        # An account outside every organization has organization_id None (IS NULL: nobody's log).
        return User.objects.get(pk=supervisee_id, organization_id=user.organization_id)  # type: ignore[misc]
    except User.DoesNotExist:
        raise Http404 from None


def entries_of(supervisee: User) -> QuerySet[HoursEntry]:
    return HoursEntry.objects.filter(supervisee=supervisee).select_related("supervisor")


def entries_between(supervisee: User, first: dt.date, last: dt.date) -> list[HoursEntry]:
    return list(entries_of(supervisee).filter(date__range=(first, last)).order_by("date", "pk"))


def entry_get(user: User, entry_id: int) -> HoursEntry:
    """An entry of a log the user may read; 404 otherwise."""
    readable = Q(supervisee_id=user.pk) | Q(
        supervisee_id__in=SupervisionLink.objects.filter(supervisor_id=user.pk).values("supervisee_id")
    )
    try:
        return HoursEntry.objects.select_related("supervisee", "supervisor").get(readable, pk=entry_id)
    except HoursEntry.DoesNotExist:
        raise Http404 from None


def waiting_for(supervisor: User) -> QuerySet[HoursEntry]:
    """Entries naming this supervisor that wait for them to confirm or return."""
    return (
        HoursEntry.objects.filter(supervisor=supervisor, status=HoursStatus.ENTERED)
        .select_related("supervisee", "supervisor")
        .order_by("date", "pk")
    )


@dataclass(frozen=True)
class SuperviseeRow:
    supervisee: User
    direct: Decimal
    supervision: Decimal
    board_certified: Decimal
    waiting: int


def supervisees_of(supervisor: User) -> list[SuperviseeRow]:
    """The current supervisees with their confirmed hours and what waits for this supervisor (one query)."""
    confirmed = Q(hours_entries__status=HoursStatus.CONFIRMED)
    board = confirmed & Q(hours_entries__supervisor_credential__in=sorted(rules.BOARD_CERTIFIED))
    people = (
        User.objects.filter(supervisor_links__supervisor=supervisor, supervisor_links__ended_on__isnull=True)
        .annotate(
            direct=Sum("hours_entries__direct_hours", filter=confirmed),
            individual=Sum("hours_entries__individual_hours", filter=confirmed),
            group=Sum("hours_entries__group_hours", filter=confirmed),
            board_individual=Sum("hours_entries__individual_hours", filter=board),
            board_group=Sum("hours_entries__group_hours", filter=board),
            waiting=Count(
                "hours_entries",
                filter=Q(hours_entries__status=HoursStatus.ENTERED, hours_entries__supervisor=supervisor),
            ),
        )
        .order_by("last_name", "first_name", "pk")
    )
    zero = Decimal(0)
    return [
        SuperviseeRow(
            supervisee=person,
            direct=person.direct or zero,
            supervision=(person.individual or zero) + (person.group or zero),
            board_certified=(person.board_individual or zero) + (person.board_group or zero),
            waiting=person.waiting,
        )
        for person in people
    ]


def _as_hours(entry: HoursEntry) -> rules.Hours:
    return rules.Hours(
        day=entry.date,
        direct=entry.direct_hours,
        individual=entry.individual_hours,
        group=entry.group_hours,
        supervisor_credential=entry.supervisor_credential,
    )


def progress_of(
    supervisee: User, *, degree: rules.Degree = rules.Degree.ART_THERAPY, as_of: dt.date | None = None
) -> dict[str, Any]:
    """Progress toward each credential from the confirmed entries, and the hours still waiting (one query)."""
    as_of = as_of or timezone.localdate()
    entries = list(entries_of(supervisee).exclude(status=HoursStatus.RETURNED))
    confirmed = [_as_hours(e) for e in entries if e.status == HoursStatus.CONFIRMED]
    waiting = [e for e in entries if e.status == HoursStatus.ENTERED]
    return {
        "degree": degree,
        "as_of": as_of,
        "credentials": [
            rules.progress(confirmed, credential=credential, degree=degree, as_of=as_of)
            for credential in rules.Credential
        ],
        "waiting_hours": sum((e.total for e in waiting), Decimal(0)),
        "waiting_count": len(waiting),
    }


@dataclass(frozen=True)
class ProposedDay:
    """Direct client-contact hours one day's documented sessions add up to."""

    date: dt.date
    minutes: int
    session_ids: tuple[int, ...]
    setting: str

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))


def proposals_from_sessions(supervisee: User, week: dt.date) -> list[ProposedDay]:
    """The week's completed sessions the supervisee documented (a note submitted or signed), by day,
    leaving out sessions an entry (waiting or confirmed) already counts. Dates and minutes only:
    no client is shown."""
    first = week_start(week)
    last = first + dt.timedelta(days=6)
    counted = {
        session_id
        for ids in HoursEntry.objects.filter(supervisee=supervisee)
        .exclude(status=HoursStatus.RETURNED)
        .filter(date__range=(first, last))
        .values_list("from_sessions", flat=True)
        for session_id in ids
    }
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = start + dt.timedelta(days=7)
    notes = (
        Note.objects.filter(
            author=supervisee,
            status__in=(NoteStatus.SUBMITTED, NoteStatus.SIGNED),
            session__status=SessionStatus.COMPLETED,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
        .values_list("session_id", "session__starts_at", "session__duration_minutes", "session__site__name")
        .order_by("session__starts_at")
    )
    by_day: dict[dt.date, dict[str, Any]] = {}
    seen: set[int] = set()
    for session_id, starts_at, minutes, site_name in notes:
        if session_id in seen or session_id in counted:
            continue
        seen.add(session_id)
        day = timezone.localdate(starts_at)
        row = by_day.setdefault(day, {"minutes": 0, "ids": [], "setting": site_name})
        row["minutes"] += minutes
        row["ids"].append(session_id)
    return [
        ProposedDay(date=day, minutes=row["minutes"], session_ids=tuple(row["ids"]), setting=row["setting"])
        for day, row in sorted(by_day.items())
        if day <= timezone.localdate()
    ]


def returned_to(supervisee: User) -> QuerySet[HoursEntry]:
    """The supervisee's entries their supervisor sent back, for them to correct."""
    return entries_of(supervisee).filter(status=HoursStatus.RETURNED).order_by("date", "pk")

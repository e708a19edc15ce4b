"""A client's course of treatment on the chart: the next sessions, then past
sessions and notes newest first, in a fixed number of queries however long
the treatment has run. Shown to those who may read the client's notes (the
access table's NOTES row), as the session pages are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from artchart.clients.selectors import ClientAccess
from artchart.therapy.models import Attendance, AttendanceStatus, GroupMembership, Note, Session, SessionStatus
from artchart.therapy.selectors.sessions import sessions_of_client

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

TIMELINE_ROWS = 15
UPCOMING_ROWS = 3


class _Marked(TypedDict):
    mark: str | None  # the client's attendance status at the session, annotated by timeline_of


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    session: Session | None = None
    attendance: str = ""  # the client's mark at a group session ("absent", …), if any

    @property
    def attendance_label(self) -> str:
        return AttendanceStatus(self.attendance).label if self.attendance else ""

    notes: tuple[Note, ...] = ()  # the client's notes of this session, or one note without a session

    @property
    def note(self) -> Note | None:
        return self.notes[0] if self.notes else None


@dataclass(frozen=True)
class Timeline:
    upcoming: list[Session]
    entries: list[TimelineEntry]


def upcoming_group_sessions_of_client(client_id: int, *, now: dt.datetime) -> QuerySet[Session]:
    """Scheduled sessions of the groups the client belongs to now (no attendance is marked before a session)."""
    groups = GroupMembership.objects.filter(client_id=client_id, left_on__isnull=True).values("group_id")
    return Session.objects.filter(group_id__in=groups, starts_at__gte=now, status=SessionStatus.SCHEDULED)


def timeline_of(access: ClientAccess, *, rows: int = TIMELINE_ROWS) -> Timeline:
    client_id = access.client.pk
    now = timezone.now()
    mark = Attendance.objects.filter(session=OuterRef("pk"), client_id=client_id).values("status")[:1]
    related = ("site", "room", "therapist", "group")
    booked = sessions_of_client(access)
    upcoming = list(
        Session.objects.filter(
            Q(pk__in=booked.values("pk")) | Q(pk__in=upcoming_group_sessions_of_client(client_id, now=now).values("pk"))
        )
        .filter(starts_at__gte=now, status=SessionStatus.SCHEDULED)
        .select_related(*related)
        .order_by("starts_at")[:UPCOMING_ROWS]
    )
    past = list(
        booked.filter(starts_at__lt=now)
        .annotate(mark=Subquery(mark))
        .select_related(*related)
        .order_by("-starts_at")[:rows]
    )
    # Only the notes that can sit beside those sessions (or, without a session, fall among them).
    oldest = past[-1].starts_at if len(past) == rows else None
    recent_notes = Note.objects.filter(client_id=client_id).select_related("author")
    if oldest is not None:
        recent_notes = recent_notes.filter(
            Q(session__starts_at__gte=oldest) | Q(session__isnull=True, created_at__gte=oldest)
        )
    notes = list(recent_notes.order_by("-created_at")[: rows * 2])
    return Timeline(upcoming=upcoming, entries=_merge(past, notes, rows))


def _merge(past: Sequence[WithAnnotations[Session, _Marked]], notes: list[Note], rows: int) -> list[TimelineEntry]:
    by_session: dict[int, list[Note]] = {}
    for note in notes:
        if note.session_id:
            by_session.setdefault(note.session_id, []).append(note)
    entries = [
        TimelineEntry(at=s.starts_at, session=s, attendance=s.mark or "", notes=tuple(by_session.get(s.pk, ())))
        for s in past
    ]
    entries += [TimelineEntry(at=n.created_at, notes=(n,)) for n in notes if not n.session_id]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:rows]

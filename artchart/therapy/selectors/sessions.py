"""Reads of sessions, the schedule, conflicts, rooms and calendar feeds, scoped to the user.

A session of a client is read by whoever may read the client's notes (NOTES
READ: the clinicians of the care team and their supervisors); someone outside
the chart gets 404, a viewer on the team 403. A group session is read by whoever
may see its group (``groups_visible_to``: facilitators, the members' care teams,
their supervisors, admins) and by its own therapist, and changed by the group's
facilitators; anyone else gets 404. The schedule shows every booking of the
organization, but names a client only to someone who may open that client's
chart, and a group only to someone who may see it; for anyone else the slot
says "Booked".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from artchart.clients.models import Client, ClientStatus
from artchart.clients.selectors import ClientAccess
from artchart.core import audit
from artchart.core.access import require_client_access, require_role
from artchart.core.messages import UserMessage
from artchart.core.models import Organization, Role, Site, User
from artchart.core.permissions import (
    Action,
    Area,
    allows,
    client_ids_allowing,
    client_ids_with_chart_access,
)
from artchart.core.secrets import secret_hash
from artchart.therapy import billing_rules
from artchart.therapy.models import (
    PRESENT_STATUSES,
    Attendance,
    CalendarFeed,
    FeedNames,
    Group,
    GroupMembership,
    Room,
    ServiceLine,
    Session,
    SessionStatus,
)
from artchart.therapy.selectors.groups import groups_visible_to
from artchart.therapy.services.sessions import CLINICIAN_ROLES, is_facilitator

BOOKED = "Booked"
LONGEST_MINUTES = 600  # the longest session; bounds the search for overlaps
ACTIVE_STATUSES = (SessionStatus.SCHEDULED, SessionStatus.COMPLETED)
SESSION_RELATED = ("client", "group", "therapist", "site", "room", "room__site", "directive", "series", "created_by")
NOT_A_FACILITATOR = UserMessage("not_a_facilitator", "Only the group's facilitators may change its sessions.")

# An account outside every organization has organization_id None, which Django reads as IS NULL
# (nothing matches); django-stubs refuses None in a lookup, hence the ignores on those filters.


@dataclass(frozen=True)
class SessionAccess:
    session: Session
    may_write: bool


def session_get_for_user(user: User, session_id: int, *, action: Action = Action.READ) -> SessionAccess:
    """The session if ``user`` may see it (404 otherwise), 403 if they may see it but not do ``action``."""
    session = (
        Session.objects.select_related(*SESSION_RELATED)
        .filter(pk=session_id, organization_id=getattr(user, "organization_id", None))  # type: ignore[misc]
        .first()
    )
    if session is None:
        raise Http404
    if session.client_id:
        relations = require_client_access(user, session.client_id, Area.NOTES, action)
        may_write = allows(relations, Area.NOTES, Action.WRITE)
        audit.note_shown([session.client_id])
        return SessionAccess(session, may_write)
    facilitator = is_facilitator(user, cast(Group, session.group))  # a session without a client is a group's
    visible = groups_visible_to(user).filter(pk=cast(int, session.group_id)).exists()
    if not (facilitator or visible or session.therapist_id == user.pk):
        raise Http404
    if action != Action.READ and not facilitator:
        raise PermissionDenied(NOT_A_FACILITATOR)
    return SessionAccess(session, facilitator)


@dataclass(frozen=True)
class ServiceLineView:
    """A service line as the session page and the API show it: the code with what it is, units, modifiers."""

    pk: int
    code: str
    description: str
    units: int
    modifiers: list[str]


def service_lines_of(access: SessionAccess) -> list[ServiceLineView]:
    """The session's service lines, in the order they were added (one query)."""
    return [
        ServiceLineView(row.pk, row.code, billing_rules.CODES.get(row.code, ""), row.units, row.modifier_list)
        for row in access.session.service_lines.all()
    ]


def service_line_get(access: SessionAccess, line_id: int) -> ServiceLine:
    """One service line of the session the user opened (404 for another session's)."""
    line = ServiceLine.objects.filter(pk=line_id, session=access.session).first()
    if line is None:
        raise Http404
    line.session = access.session
    return line


@dataclass(frozen=True)
class LedgerRow:
    """One billed service for the practice's biller: a service line, for one client."""

    day: dt.date
    session_id: int
    client_id: int
    provider: str
    npi: str
    licence: str
    code: str
    units: int
    modifiers: str
    place_of_service: str


def ledger_rows(user: User, date_from: dt.date, date_to: dt.date) -> list[LedgerRow]:
    """The service lines of the completed sessions the user may open, from ``date_from`` to ``date_to``
    (the practice's days), oldest first. A group session's line is one row per member who was there and
    whose chart the user may open. Three queries, however many rows."""
    present = Attendance.objects.filter(
        status__in=PRESENT_STATUSES, client_id__in=client_ids_allowing(user, Area.NOTES, Action.READ)
    )
    lines = (
        ServiceLine.objects.filter(
            session__in=sessions_visible_to(user).values("pk"),
            session__status=SessionStatus.COMPLETED,
            session__starts_at__gte=_day_start(date_from),
            session__starts_at__lt=_day_start(date_to + dt.timedelta(days=1)),
        )
        .select_related("session", "session__therapist")
        .prefetch_related(Prefetch("session__attendance", queryset=present, to_attr="billed"))
        .order_by("session__starts_at", "session_id", "pk")
    )
    rows: list[LedgerRow] = []
    for line in lines:
        session, therapist = line.session, line.session.therapist
        # A group session bills each member who was there (and whose chart the user may open).
        marks = getattr(session, "billed", [])  # the prefetch above
        billed = [session.client_id] if session.client_id else [mark.client_id for mark in marks]
        for client_id in sorted(billed):
            rows.append(
                LedgerRow(
                    day=timezone.localtime(session.starts_at).date(),
                    session_id=session.pk,
                    client_id=client_id,
                    provider=therapist.display_name,
                    npi=therapist.npi,
                    licence=therapist.licence,
                    code=line.code,
                    units=line.units,
                    modifiers=line.modifiers,
                    place_of_service=session.place_of_service,
                )
            )
    audit.note_shown({row.client_id for row in rows})
    return rows


def place_of_service_label(code: str) -> str:
    return f"{code} {billing_rules.PLACES_OF_SERVICE[code]}" if code in billing_rules.PLACES_OF_SERVICE else code


def sessions_visible_to(user: User) -> QuerySet[Session]:
    """Sessions ``user`` may open: of clients whose notes they read, of groups they may see, and their own."""
    if not (user.is_authenticated and user.is_active):
        return Session.objects.none()
    mine = Q(client_id__in=client_ids_allowing(user, Area.NOTES, Action.READ))
    mine |= Q(group_id__in=groups_visible_to(user).values("pk")) | Q(group__isnull=False, therapist=user)
    return (
        Session.objects.filter(mine, organization_id=user.organization_id)  # type: ignore[misc]
        .select_related(*SESSION_RELATED)
        .distinct()
    )


def sessions_today_for(user: User) -> QuerySet[Session]:
    """The user's own sessions today (leading or co-facilitating), cancelled ones included so the day reads true."""
    today = timezone.localdate()
    return (
        sessions_visible_to(user)
        .filter(Q(therapist=user) | Q(co_facilitators=user))
        .filter(starts_at__gte=_day_start(today), starts_at__lt=_day_start(today + dt.timedelta(days=1)))
        .order_by("starts_at", "pk")
    )


def session_search(
    user: User,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    therapist_id: int | None = None,
    client_id: int | None = None,
    site_id: int | None = None,
    room_id: int | None = None,
    status: str = "",
) -> QuerySet[Session]:
    sessions = sessions_visible_to(user)
    if date_from:
        sessions = sessions.filter(starts_at__gte=_day_start(date_from))
    if date_to:
        sessions = sessions.filter(starts_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    filters = {
        "therapist_id": therapist_id,
        "client_id": client_id,
        "site_id": site_id,
        "room_id": room_id,
        "status": status,
    }
    return (
        sessions.filter(**{k: v for k, v in filters.items() if v})
        .prefetch_related("service_lines")
        .order_by("starts_at", "pk")
    )


def sessions_booking(client_id: int) -> QuerySet[Session]:
    """A client's own sessions and the group sessions they were marked at (present or not).

    Not scoped to a user: services check a session named for a client with it;
    pages use :func:`sessions_of_client`. Subqueries, not a join, so each session comes once."""
    marked = Attendance.objects.filter(client_id=client_id).values("session_id")
    return Session.objects.filter(Q(client_id=client_id) | Q(pk__in=marked))


def sessions_of_client(access: ClientAccess) -> QuerySet[Session]:
    """The sessions of the client of ``access`` (from ``client_get_for_user`` with NOTES READ), newest first."""
    return sessions_booking(access.client.pk).select_related(*SESSION_RELATED).order_by("-starts_at", "-pk")


def group_get_for_scheduling(user: User, group_id: int) -> Group:
    """A group whose sessions ``user`` schedules (a facilitator); 404 if they may not see it, 403 otherwise."""
    group = groups_visible_to(user).select_related("site").filter(pk=group_id).first()
    if group is None:
        raise Http404
    if not is_facilitator(user, group):
        raise PermissionDenied(NOT_A_FACILITATOR)
    return group


def clients_to_book(user: User) -> QuerySet[Client]:
    """Clients ``user`` may book a session for from the schedule: whose notes they write, not discharged."""
    return (
        Client.objects.filter(
            organization_id=user.organization_id,  # type: ignore[misc]
            pk__in=client_ids_allowing(user, Area.NOTES, Action.WRITE),
        )
        .exclude(status=ClientStatus.DISCHARGED)
        .select_related("site")
        .order_by("legal_last_name", "legal_first_name", "pk")
    )


def therapists_for(user: User) -> QuerySet[User]:
    return User.objects.filter(
        organization_id=user.organization_id,  # type: ignore[misc]
        is_active=True,
        role__in=CLINICIAN_ROLES,
    ).order_by("last_name", "first_name")


def sites_for(user: User) -> QuerySet[Site]:
    return Site.objects.filter(organization_id=user.organization_id).order_by("name")  # type: ignore[misc]


def rooms_for(user: User, *, site_id: int | None = None, active_only: bool = True) -> QuerySet[Room]:
    rooms = Room.objects.filter(site__organization_id=user.organization_id).select_related("site")  # type: ignore[misc]
    if site_id:
        rooms = rooms.filter(site_id=site_id)
    if active_only:
        rooms = rooms.filter(is_active=True)
    return rooms.order_by("site__name", "name")


def room_get_for_admin(user: User, room_id: int) -> Room:
    require_role(user, Role.ADMIN, Role.PROGRAM_ADMIN)
    room = (
        Room.objects.select_related("site")
        .filter(pk=room_id, site__organization_id=user.organization_id)  # type: ignore[misc]
        .first()
    )
    if room is None:
        raise Http404
    return room


# --- conflicts ------------------------------------------------------------------------------------


def _when(start: dt.datetime, minutes: int) -> str:
    local = timezone.localtime(start)
    end = timezone.localtime(start + dt.timedelta(minutes=minutes))
    return f"{local:%a %-d %b} {local:%H:%M}–{end:%H:%M}"


def conflicts_for(
    *,
    organization: Organization | int,
    therapist: User | None,
    room: Room | None,
    client_ids: Iterable[int | str] | None,
    starts_at: dt.datetime,
    duration_minutes: int,
    exclude_session_id: int | None = None,
) -> list[str]:
    """Readable double bookings of the therapist, the room or a client at this time (scheduled or held
    sessions only). A conflicting session's client is never named: only the booking's own people are."""
    if not starts_at or not duration_minutes or duration_minutes <= 0:
        return []
    ends_at = starts_at + dt.timedelta(minutes=duration_minutes)
    client_ids = [int(i) for i in client_ids or () if i]
    who = Q(therapist=therapist) if therapist else Q(pk__in=[])
    if room:
        who |= Q(room=room)
    if client_ids:
        who |= Q(client_id__in=client_ids) | Q(group__memberships__client_id__in=client_ids)
    candidates = (
        Session.objects.filter(
            who,
            organization_id=organization.pk if isinstance(organization, Organization) else organization,
            status__in=ACTIVE_STATUSES,
            starts_at__lt=ends_at,
            starts_at__gt=starts_at - dt.timedelta(minutes=LONGEST_MINUTES),
        )
        .exclude(pk=exclude_session_id)  # type: ignore[misc]  # None excludes nothing
        .select_related("therapist", "room", "group")
        .distinct()
    )
    overlapping = [s for s in candidates if s.ends_at > starts_at]
    if not overlapping:
        return []
    names: dict[int | None, str] = {c.pk: c.display_name for c in Client.objects.filter(pk__in=client_ids)}
    members: dict[int | None, list[GroupMembership]] = {}
    group_ids = {s.group_id for s in overlapping if s.group_id}
    for m in GroupMembership.objects.filter(group_id__in=group_ids, client_id__in=client_ids):
        members.setdefault(m.group_id, []).append(m)
    found: list[str] = []
    for s in overlapping:
        when = _when(s.starts_at, s.duration_minutes)
        day = timezone.localtime(s.starts_at).date()
        if therapist and s.therapist_id == therapist.pk:
            found.append(f"{s.therapist.display_name} is already booked {when}.")
        if room and s.room_id == room.pk:
            found.append(f"The room {cast(Room, s.room).name} is already booked {when}.")
        if s.client_id in client_ids:
            found.append(f"{names.get(s.client_id, 'This client')} already has a session {when}.")
        group = cast(Group, s.group)  # members are only found for a group's session
        for m in members.get(s.group_id, ()):
            if m.is_member_on(day):
                found.append(f"{names.get(m.client_id, 'A client')} is in the group {group.name}, which meets {when}.")
    return list(dict.fromkeys(found))


# --- the schedule ---------------------------------------------------------------------------------


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class Slot:
    session: Session
    label: str
    link: bool


@dataclass
class Day:
    date: dt.date
    slots: list[Slot] = field(default_factory=list)


def schedule_for(
    user: User,
    *,
    first_day: dt.date,
    days: int,
    therapist_id: int | None = None,
    site_id: int | None = None,
    room_id: int | None = None,
) -> list[Day]:
    """The organization's bookings on ``days`` days from ``first_day`` for one therapist, site or room.

    At most three queries however many sessions: the sessions (with their people and places),
    the ids of the clients whose chart the user may open, and of the groups the user may see.
    """
    sessions = (
        Session.objects.filter(
            organization_id=user.organization_id,  # type: ignore[misc]
            starts_at__gte=_day_start(first_day),
            starts_at__lt=_day_start(first_day + dt.timedelta(days=days)),
        )
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("client", "group", "therapist", "room", "site")
        .order_by("starts_at", "pk")
    )
    if therapist_id:
        sessions = sessions.filter(therapist_id=therapist_id)
    elif room_id:
        sessions = sessions.filter(room_id=room_id)
    elif site_id:
        sessions = sessions.filter(site_id=site_id)
    else:
        sessions = sessions.none()
    booked = list(sessions)
    charts = (
        set(Client.objects.filter(pk__in=client_ids_with_chart_access(user)).values_list("pk", flat=True))
        if any(s.client_id for s in booked)
        else set()
    )
    group_ids = {s.group_id for s in booked if s.group_id}
    groups_named = (
        set(groups_visible_to(user).filter(pk__in=group_ids).values_list("pk", flat=True)) if group_ids else set()
    )
    by_day = {first_day + dt.timedelta(days=i): Day(first_day + dt.timedelta(days=i)) for i in range(days)}
    shown = []
    for s in booked:
        if s.client_id and s.client_id in charts:
            slot = Slot(s, cast(Client, s.client).display_name, True)
            shown.append(s.client_id)
        elif s.group_id in groups_named:
            slot = Slot(s, cast(Group, s.group).name, True)
        else:
            slot = Slot(s, BOOKED, False)
        by_day[timezone.localtime(s.starts_at).date()].slots.append(slot)
    audit.note_shown(shown)
    return list(by_day.values())


GRID_HOURS = (8, 18)  # the working day the week grid always shows; it grows to take in earlier or later bookings


@dataclass
class GridCell:
    """One hour of one day: the bookings that start in it, or ``busy`` when one that began earlier runs into it."""

    hour: int
    slots: list[Slot] = field(default_factory=list)
    busy: bool = False

    @property
    def free(self) -> bool:
        return not self.slots and not self.busy


@dataclass
class GridDay:
    date: dt.date
    column: int
    cells: list[GridCell]
    booked: bool


@dataclass
class WeekGrid:
    hours: list[int]
    days: list[GridDay]


def week_grid(days: list[Day]) -> WeekGrid:
    """The bookings of :func:`schedule_for` laid out by day (columns) and hour (rows), in the practice's time."""
    first, last = GRID_HOURS
    for day in days:
        for slot in day.slots:
            start = timezone.localtime(slot.session.starts_at)
            end = timezone.localtime(slot.session.ends_at)
            first = min(first, start.hour)
            last = max(last, 24 if end.date() > start.date() else end.hour + (1 if end.minute else 0))
    hours = list(range(first, last))
    grid = []
    for column, day in enumerate(days, start=1):
        cells = {hour: GridCell(hour) for hour in hours}
        for slot in day.slots:
            start = timezone.localtime(slot.session.starts_at)
            end = timezone.localtime(slot.session.ends_at)
            cells[start.hour].slots.append(slot)
            last_hour = 23 if end.date() > start.date() else (end - dt.timedelta(minutes=1)).hour
            for hour in range(start.hour + 1, last_hour + 1):
                cells[hour].busy = True
        grid.append(GridDay(day.date, column, list(cells.values()), bool(day.slots)))
    return WeekGrid(hours, grid)


# --- calendar feed --------------------------------------------------------------------------------


def feed_of(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_for_token(token: str) -> CalendarFeed:
    """The feed at this secret address (404 for an unknown, reset or inactive one)."""
    feed = (
        CalendarFeed.objects.select_related("user").filter(token_hash=secret_hash(token or "")).first()
        if 20 <= len(token or "") <= 100
        else None
    )
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed


def feed_events(
    feed: CalendarFeed, *, days_back: int = 30, weeks_ahead: int = 26
) -> tuple[list[dict[str, Any]], list[int]]:
    """The feed owner's sessions as plain events, and the ids of the clients whose names they carry."""
    user = feed.user
    today = timezone.localdate()
    sessions = (
        Session.objects.filter(
            Q(therapist=user) | Q(co_facilitators=user),
            organization_id=user.organization_id,  # type: ignore[misc]
            starts_at__gte=_day_start(today - dt.timedelta(days=days_back)),
            starts_at__lt=_day_start(today + dt.timedelta(weeks=weeks_ahead)),
        )
        .exclude(status=SessionStatus.NO_SHOW)
        .select_related("client", "group", "site", "room")
        .distinct()
        .order_by("starts_at", "pk")
    )
    held = list(sessions)
    charts: set[int] = set()
    if feed.names != FeedNames.NOTHING and any(s.client_id for s in held):
        charts = set(Client.objects.filter(pk__in=client_ids_with_chart_access(user)).values_list("pk", flat=True))
    events: list[dict[str, Any]] = []
    named: list[int] = []
    for s in held:
        summary = f"{s.get_kind_display()} session"
        if s.client_id in charts:
            client = cast(Client, s.client)  # client_id is among the charts
            who = client.initials if feed.names == FeedNames.INITIALS else client.display_name
            summary = f"{summary}: {who}"
            named.append(client.pk)
        events.append(
            {
                "uid": f"session-{s.pk}@artchart",
                "start": s.starts_at,
                "end": s.ends_at,
                "summary": summary,
                "location": ", ".join(p for p in (cast(Room, s.room).name if s.room_id else "", s.site.name) if p),
                "status": "CANCELLED" if s.status == SessionStatus.CANCELLED else "CONFIRMED",
                "updated": s.updated_at,
                "telehealth": s.modality == "telehealth",
            }
        )
    return events, sorted(set(named))

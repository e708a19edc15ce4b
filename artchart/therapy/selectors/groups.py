"""Reads of groups, their members and attendance, scoped to the acting user.

A group is scoped like a client: its page, sessions, attendance and batch notes
are for its facilitators, the care teams of its members (past or present, the
clients whose chart they may open), the supervisors of either, and the
organization's admins. Everyone else gets 404 for it, exactly as for a group
that does not exist, in pages and API alike: every group read goes through
``groups_visible_to``. Its members are clients of several therapists, so a page
names a member only to someone who may open that member's chart; anyone else
sees how many other members there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypedDict, TypeGuard, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from artchart.clients.models import Client
from artchart.clients.selectors import ClientAccess
from artchart.core import audit
from artchart.core.access import NOT_ALLOWED
from artchart.core.messages import UserMessage
from artchart.core.models import Role, User
from artchart.core.permissions import Action, Area, client_ids_allowing, client_ids_with_chart_access
from artchart.therapy import census
from artchart.therapy.models import PRESENT_STATUSES, Attendance, Group, GroupMembership, Session, SessionKind

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# Who may be named a facilitator, and so open group pages: the roles that treat clients.
CLINICAL_ROLES = (Role.THERAPIST, Role.SUPERVISOR, Role.INTERN)
# Who may change any group of the organization (beside its own facilitators).
MANAGER_ROLES = (Role.THERAPIST, Role.SUPERVISOR)

MAY_NOT_START = UserMessage("may_not_start_group", "Only therapists and supervisors may start a group.")
NOT_A_MANAGER = UserMessage(
    "not_a_group_manager",
    "Only the group's facilitators and the organization's therapists and supervisors may change this group.",
)

SESSIONS_SHOWN = 20


def is_clinician(user: User | AnonymousUser | None) -> TypeGuard[User]:
    return bool(user and user.is_authenticated and user.is_active and user.role in CLINICAL_ROLES)


def groups_visible_to(user: User | AnonymousUser) -> QuerySet[Group]:
    """The one scope of every group read: the groups ``user`` may see at all (see the module's docstring)."""
    if not (user.is_authenticated and user.is_active and user.organization_id):
        return Group.objects.none()
    groups = Group.objects.filter(organization_id=user.organization_id)
    if user.role == Role.ADMIN:
        return groups
    facilitated = Group.objects.filter(
        Q(facilitators=user)
        | Q(facilitators__supervisor_links__supervisor=user, facilitators__supervisor_links__ended_on__isnull=True)
    ).values("pk")
    # The care team of a member and its supervisors: whoever may open a member's chart.
    of_members = GroupMembership.objects.filter(client_id__in=client_ids_with_chart_access(user)).values("group_id")
    return groups.filter(Q(pk__in=facilitated) | Q(pk__in=of_members))


def may_manage(user: User | AnonymousUser, group: Group) -> bool:
    """Facilitators, and the therapists and supervisors who may see the group, manage it."""
    if not (is_clinician(user) and user.organization_id == group.organization_id):
        return False
    if group.facilitators.filter(pk=user.pk).exists():
        return True
    return user.role in MANAGER_ROLES and groups_visible_to(user).filter(pk=group.pk).exists()


@dataclass
class GroupAccess:
    """A group and what the user may do with it and see of it."""

    group: Group
    user: User
    may_manage: bool

    @cached_property
    def readable_ids(self) -> set[int]:
        """Members (past and present) whose chart the user may open: their names may be shown."""
        members = self.group.memberships.values("client_id")
        return set(
            Client.objects.filter(pk__in=members)
            .filter(pk__in=client_ids_with_chart_access(self.user))
            .values_list("pk", flat=True)
        )

    @cached_property
    def writable_ids(self) -> set[int]:
        """Members whose notes the user may write: the user may mark their attendance and end their membership."""
        members = self.group.memberships.values("client_id")
        return set(
            Client.objects.filter(pk__in=members)
            .filter(pk__in=client_ids_allowing(self.user, Area.NOTES, Action.WRITE))
            .values_list("pk", flat=True)
        )


def require_may_start(user: User | AnonymousUser) -> None:
    if not (is_clinician(user) and user.role in MANAGER_ROLES):
        raise PermissionDenied(MAY_NOT_START)


def group_get_for_user(user: User | AnonymousUser, group_id: int, *, manage: bool = False) -> GroupAccess:
    """The group if ``user`` may see it (404 otherwise, as for a missing one); with ``manage``, 403 for
    someone who sees it but does not manage it."""
    group = groups_visible_to(user).select_related("site", "program", "organization").filter(pk=group_id).first()
    if group is None:
        raise Http404
    access = GroupAccess(group=group, user=cast(User, user), may_manage=may_manage(user, group))
    if manage and not access.may_manage:
        raise PermissionDenied(NOT_A_MANAGER)
    return access


def groups_for(user: User, *, everything: bool = False) -> QuerySet[Group]:
    """The user's groups: those they facilitate, and those at a site where they have clients.

    ``everything``: every group they may see (to find one to add a client to); an admin's list is always that.
    """
    groups = groups_visible_to(user)
    if not everything and user.role != Role.ADMIN:
        sites = Client.objects.filter(pk__in=client_ids_with_chart_access(user)).values("site_id")
        groups = groups.filter(Q(facilitators=user) | Q(site_id__in=sites)).distinct()
    today = timezone.localdate()
    current = Q(memberships__joined_on__lte=today) & (
        Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gte=today)
    )
    return (
        groups.select_related("site", "program")
        .prefetch_related("facilitators")
        .annotate(member_count=Count("memberships", filter=current, distinct=True))
        .order_by("-is_active", "name", "pk")
    )


def facilitator_choices(organization_id: int) -> QuerySet[User]:
    return User.objects.filter(organization_id=organization_id, is_active=True, role__in=CLINICAL_ROLES)


# --- members -------------------------------------------------------------------------------


@dataclass
class Roster:
    """Members the user may see by name, and how many others there are."""

    current: list[GroupMembership] = field(default_factory=list)
    current_hidden: int = 0
    past: list[GroupMembership] = field(default_factory=list)
    past_hidden: int = 0


def roster_of(access: GroupAccess, *, on: dt.date | None = None) -> Roster:
    """Current members (on ``on``, today by default) and past ones; names only of charts the user may open."""
    day = on or timezone.localdate()
    roster = Roster()
    memberships = access.group.memberships.select_related("client").order_by(
        "client__legal_last_name", "client__legal_first_name", "joined_on", "pk"
    )
    for membership in memberships:
        is_past = membership.left_on is not None and membership.left_on < day
        if membership.client_id in access.readable_ids:
            (roster.past if is_past else roster.current).append(membership)
        elif is_past:
            roster.past_hidden += 1
        else:
            roster.current_hidden += 1
    audit.note_shown(m.client_id for m in roster.current + roster.past)
    return roster


def membership_get(access: GroupAccess, membership_id: int, *, write: bool = False) -> GroupMembership:
    """One membership of the group, if the user may open its client's chart (else 404); with ``write``,
    if the user may write the client's notes (else 403)."""
    membership = access.group.memberships.select_related("client", "group").filter(pk=membership_id).first()
    if membership is None or membership.client_id not in access.readable_ids:
        raise Http404
    if write and membership.client_id not in access.writable_ids:
        raise PermissionDenied(NOT_ALLOWED)
    audit.note_shown([membership.client_id])
    return membership


def members_on(group: Group, day: dt.date) -> QuerySet[GroupMembership]:
    return (
        group.memberships.filter(Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gte=day)))
        .select_related("client")
        .order_by("client__legal_last_name", "client__legal_first_name", "pk")
    )


# --- sessions and attendance ----------------------------------------------------------------


class _Counts(TypedDict):
    present_count: int
    marked_count: int


def sessions_of(
    access: GroupAccess,
) -> tuple[list[WithAnnotations[Session, _Counts]], list[WithAnnotations[Session, _Counts]]]:
    """(upcoming, past) sessions of the group, each with ``present_count`` and ``marked_count``."""
    now = timezone.now()
    sessions = access.group.sessions.select_related("therapist", "room").annotate(
        present_count=Count("attendance", filter=Q(attendance__status__in=PRESENT_STATUSES)),
        marked_count=Count("attendance"),
    )
    upcoming = list(sessions.filter(starts_at__gte=now).order_by("starts_at", "pk")[:SESSIONS_SHOWN])
    past = list(sessions.filter(starts_at__lt=now).order_by("-starts_at", "-pk")[:SESSIONS_SHOWN])
    return upcoming, past


def group_session_get(
    user: User | AnonymousUser, session_id: int, *, manage: bool = False
) -> tuple[GroupAccess, Session]:
    """A group session and its group's access (404 for other organizations or sessions that are not a group's)."""
    session = (
        Session.objects.select_related("group", "therapist")
        .filter(
            pk=session_id,
            kind=SessionKind.GROUP,
            group__isnull=False,
            organization_id=getattr(user, "organization_id", None),  # type: ignore[misc]  # None: 404
        )
        .first()
    )
    if session is None:
        raise Http404
    access = group_get_for_user(user, cast(int, session.group_id))  # a group's session: group__isnull=False
    if manage and not (access.may_manage or session.therapist_id == user.pk):
        raise PermissionDenied(NOT_A_MANAGER)
    return access, session


@dataclass
class AttendanceRow:
    membership: GroupMembership
    mark: str  # the status recorded, "" if none yet
    may_mark: bool
    selected: str = ""  # what the form shows chosen: the mark, or what the user sent back

    def __post_init__(self) -> None:
        self.selected = self.selected or self.mark

    @property
    def client(self) -> Client:
        return self.membership.client


@dataclass
class AttendanceSheet:
    rows: list[AttendanceRow]
    hidden: int  # members on that day the user may not see by name
    hidden_marked: int  # of those, how many are marked (by their own clinicians)

    @property
    def may_mark_any(self) -> bool:
        return any(row.may_mark for row in self.rows)


def attendance_sheet(access: GroupAccess, session: Session) -> AttendanceSheet:
    """One row per member on the session's day (named if the user may open the chart), with the mark so far."""
    day = timezone.localdate(session.starts_at)
    marks = dict(session.attendance.values_list("client_id", "status"))
    may_record = access.may_manage or session.therapist_id == access.user.pk
    rows, hidden, hidden_marked = [], 0, 0
    for membership in members_on(access.group, day):
        if membership.client_id in access.readable_ids:
            rows.append(
                AttendanceRow(
                    membership,
                    marks.get(membership.client_id, ""),
                    may_record and membership.client_id in access.writable_ids,
                )
            )
        else:
            hidden += 1
            hidden_marked += membership.client_id in marks
    audit.note_shown(row.membership.client_id for row in rows)
    return AttendanceSheet(rows=rows, hidden=hidden, hidden_marked=hidden_marked)


def attendance_of(access: ClientAccess) -> QuerySet[Attendance]:
    """A client's group attendance, newest first, with the session and its group (for the chart)."""
    if not access.may(Area.NOTES, Action.READ):
        return Attendance.objects.none()
    return (
        Attendance.objects.filter(client=access.client, session__kind=SessionKind.GROUP)
        .select_related("session__group")
        .order_by("-session__starts_at", "-pk")
    )


# --- census ------------------------------------------------------------------------------------


class Match:
    NEW = "new"  # matched, may be added
    MEMBER = "member"  # matched, already a member on that day
    NOT_YOURS = "not_yours"  # matched, but the user does not write this client's notes
    AMBIGUOUS = "ambiguous"  # more than one client has this name and date of birth
    UNMATCHED = "unmatched"  # no client of the user's has this name and date of birth


@dataclass
class CensusMatch:
    row: census.CensusRow
    status: str
    client: Client | None = None


def census_match(access: GroupAccess, rows: list[census.CensusRow], *, on: dt.date) -> list[CensusMatch]:
    """Each census row matched to a client by last name, first name and date of birth, exactly
    (case and spacing aside).

    Only clients whose chart the user may open are candidates, so the preview
    never tells whether someone else's client exists; no client is created.
    Four queries however long the census.
    """
    candidates: dict[tuple[str, str, dt.date | None], list[Client]] = {}
    found = (
        Client.objects.filter(
            organization_id=access.group.organization_id, date_of_birth__in={row.date_of_birth for row in rows}
        )
        .filter(pk__in=client_ids_with_chart_access(access.user))
        .select_related("site")
    )
    for client in found:
        key = (census.name_key(client.legal_last_name), census.name_key(client.legal_first_name), client.date_of_birth)
        candidates.setdefault(key, []).append(client)
    ids = [c.pk for clients in candidates.values() for c in clients]
    writable = set(
        Client.objects.filter(pk__in=ids)
        .filter(pk__in=client_ids_allowing(access.user, Area.NOTES, Action.WRITE))
        .values_list("pk", flat=True)
    )
    members = set(members_on(access.group, on).filter(client_id__in=ids).values_list("client_id", flat=True))
    matches = []
    for row in rows:
        clients = candidates.get(row.match_key, [])
        if not clients:
            matches.append(CensusMatch(row, Match.UNMATCHED))
        elif len(clients) > 1:
            matches.append(CensusMatch(row, Match.AMBIGUOUS))
        else:
            client = clients[0]
            status = Match.MEMBER if client.pk in members else Match.NEW if client.pk in writable else Match.NOT_YOURS
            matches.append(CensusMatch(row, status, client))
    audit.note_shown(m.client.pk for m in matches if m.client is not None)
    return matches

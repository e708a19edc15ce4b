"""Writes to groups, their memberships and attendance. Each is one transaction with one audit event (ids only).

Who may change a group: its facilitators and the organization's therapists and
supervisors. Adding or removing a member, or marking a member's attendance, is
also a write to that client's record, so it needs the right to write the
client's notes (the primary, a co-therapist or the intern on the care team).
Every request is checked whole before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from artchart.clients.models import Client
from artchart.core import audit
from artchart.core.access import require_client_access
from artchart.core.changes import UNSET, apply_changes, save_changes
from artchart.core.messages import UserMessage
from artchart.core.models import Site, User
from artchart.core.permissions import Action, Area
from artchart.programs.models import Program
from artchart.therapy.audit_actions import TherapyAction
from artchart.therapy.models import (
    Attendance,
    AttendanceStatus,
    Group,
    GroupMembership,
    Session,
    SessionKind,
    SessionStatus,
)
from artchart.therapy.selectors.groups import (
    CLINICAL_ROLES,
    NOT_A_MANAGER,
    groups_visible_to,
    may_manage,
    require_may_start,
)

SITE_UNKNOWN = UserMessage("group_site_unknown", "Choose an active site of your organization.")
PROGRAM_UNKNOWN = UserMessage("program_unknown", "Choose a program of your organization.")
NEEDS_FACILITATOR = UserMessage("needs_facilitator", "Name at least one facilitator.")
NOT_A_FACILITATOR = UserMessage(
    "group_not_a_facilitator",
    "{name} cannot facilitate a group: facilitators are therapists, supervisors or interns of the organization.",
)
OTHER_ORGANIZATION = UserMessage("group_client_other_organization", "{name} is a client of another organization.")
GROUP_CLOSED = UserMessage("group_closed", "{group} is closed; reopen it before adding members.")
ALREADY_MEMBER = UserMessage("already_member", "{name} is already a member of {group} (since {day}).")
REJOIN_AFTER_LEAVING = UserMessage(
    "rejoin_after_leaving", "{name} was a member of {group} until {day}; a new membership starts after that day."
)
NO_CLIENTS = UserMessage("no_clients", "Choose at least one client to add.")
ALREADY_LEFT = UserMessage("already_left", "{name} already left {group} on {day}.")
LEFT_BEFORE_JOINED = UserMessage(
    "left_before_joined", "{name} joined {group} on {day}; the leaving date cannot be earlier."
)
ATTENDED_AFTER_LEAVING = UserMessage(
    "attended_after_leaving", "{name} has attendance recorded on {day}, after that leaving date; choose a later day."
)
NOT_A_GROUP_SESSION = UserMessage("attendance_not_a_group_session", "Attendance is recorded for group sessions only.")
SESSION_CANCELLED = UserMessage("session_cancelled", "This session was cancelled; there is no attendance to record.")
SESSION_NOT_STARTED = UserMessage(
    "session_not_started", "This session is on {day}; attendance is recorded on the day or after."
)
NO_MARKS = UserMessage("no_marks", "Mark at least one member.")
UNKNOWN_MARK = UserMessage(
    "unknown_mark", "'{mark}' is not an attendance mark (use present, late, left_early, absent or excused)."
)
NOT_A_MEMBER_ON = UserMessage("not_a_member_on", "{name} was not a member of {group} on {day}; nothing was recorded.")


def _day(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def _require_sees(by: User, group: Group) -> None:
    """Someone who may not see the group is told it does not exist, as the pages and the API do."""
    if not groups_visible_to(by).filter(pk=group.pk).exists():
        raise Http404


def _require_manager(by: User, group: Group) -> None:
    _require_sees(by, group)
    if not may_manage(by, group):
        raise PermissionDenied(NOT_A_MANAGER)


def _check_group(by: User, group: Group, facilitators: list[User]) -> None:
    errors: dict[str, list[str]] = {}
    # A user outside every organization (organization_id None) finds no site or program: the ignores below.
    if not Site.objects.filter(pk=group.site_id, organization_id=by.organization_id, is_active=True).exists():  # type: ignore[misc]
        errors["site"] = [SITE_UNKNOWN]
    if (
        group.program_id
        and not Program.objects.filter(pk=group.program_id, organization_id=by.organization_id).exists()  # type: ignore[misc]
    ):
        errors["program"] = [PROGRAM_UNKNOWN]
    if not facilitators:
        errors["facilitators"] = [NEEDS_FACILITATOR]
    wrong = [
        user
        for user in facilitators
        if user.organization_id != by.organization_id or user.role not in CLINICAL_ROLES or not user.is_active
    ]
    if wrong:
        errors["facilitators"] = [NOT_A_FACILITATOR.format(name=user.display_name) for user in wrong]
    if errors:
        raise ValidationError(errors)
    group.full_clean(exclude=["facilitators"])


@transaction.atomic
def group_create(
    *,
    by: User,
    name: str,
    site: Site,
    facilitators: Iterable[User],
    program: Program | None = None,
    description: str = "",
    is_active: bool = True,
) -> Group:
    require_may_start(by)
    facilitators = list(facilitators)
    group = Group(
        organization_id=by.organization_id,  # type: ignore[misc]  # None: _check_group finds no site for it
        site=site,
        program=program,
        name=name,
        description=description,
        is_active=is_active,
    )
    _check_group(by, group, facilitators)
    group.save()
    group.facilitators.set(facilitators)
    audit.record(
        actor=by,
        action=TherapyAction.GROUP_CREATE,
        obj=group,
        detail={"site": site.pk, "facilitators": sorted(u.pk for u in facilitators)},
    )
    return group


@transaction.atomic
def group_update(
    *,
    by: User,
    group: Group,
    name: str = UNSET,
    site: Site | int = UNSET,
    program: Program | int | None = UNSET,
    description: str = UNSET,
    is_active: bool = UNSET,
    facilitators: Iterable[User] = UNSET,
) -> Group:
    """Change any of name, site, program, description, is_active and the facilitators.

    ``facilitators`` replaces the whole list when given; an empty list is refused
    (a group needs a facilitator). Nothing is saved or audited when nothing changed.
    """
    _require_manager(by, group)
    group = Group.objects.select_for_update().get(pk=group.pk)
    current = list(group.facilitators.all())
    facilitators = current if facilitators is UNSET else list(facilitators)
    changed = apply_changes(
        group,
        {"name": name, "site": site, "program": program, "description": description, "is_active": is_active},
    )
    _check_group(by, group, facilitators)
    facilitators_changed = {u.pk for u in facilitators} != {u.pk for u in current}
    if not changed and not facilitators_changed:
        return group
    if changed:
        save_changes(group, changed)
    if facilitators_changed:
        group.facilitators.set(facilitators)
    audit.record(
        actor=by,
        action=TherapyAction.GROUP_UPDATE,
        obj=group,
        detail={"fields": changed + (["facilitators"] if facilitators_changed else [])},
    )
    return group


# --- members -------------------------------------------------------------------------------


def _check_joining(by: User, group: Group, client: Client, joined_on: dt.date) -> list[str]:
    """What stops ``client`` joining ``group`` on ``joined_on`` (after the access check, which raises)."""
    require_client_access(by, client.pk, Area.NOTES, Action.WRITE)
    if client.organization_id != group.organization_id:
        return [OTHER_ORGANIZATION.format(name=client.display_name)]
    overlapping = (
        GroupMembership.objects.filter(group=group, client=client)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=joined_on))
        .order_by("-joined_on")
        .first()
    )
    if overlapping is None:
        return []
    if overlapping.left_on is None:
        return [ALREADY_MEMBER.format(name=client.display_name, group=group.name, day=_day(overlapping.joined_on))]
    return [REJOIN_AFTER_LEAVING.format(name=client.display_name, group=group.name, day=_day(overlapping.left_on))]


def _require_open(group: Group) -> None:
    if not group.is_active:
        raise ValidationError(GROUP_CLOSED.format(group=group.name))


@transaction.atomic
def member_add(*, by: User, group: Group, client: Client, joined_on: dt.date) -> GroupMembership:
    """Add a client the user may write for; a client of another site of the organization is welcome
    (hospital groups mix units)."""
    _require_manager(by, group)
    _require_open(group)
    Group.objects.select_for_update().filter(pk=group.pk).first()  # two adds of one client must not both pass
    errors = _check_joining(by, group, client, joined_on)
    if errors:
        raise ValidationError({"client": errors})
    membership = GroupMembership(group=group, client=client, joined_on=joined_on)
    membership.full_clean()
    membership.save()
    audit.record(
        actor=by,
        action=TherapyAction.GROUP_MEMBER_ADD,
        obj=membership,
        client_ids=[client.pk],
        detail={"group": group.pk},
    )
    return membership


@transaction.atomic
def members_import(*, by: User, group: Group, client_ids: Iterable[int], joined_on: dt.date) -> list[GroupMembership]:
    """Add several clients at once (from a census): all of them or, if any cannot join, none."""
    _require_manager(by, group)
    _require_open(group)
    ids = sorted({int(i) for i in client_ids})
    if not ids:
        raise ValidationError(NO_CLIENTS)
    Group.objects.select_for_update().filter(pk=group.pk).first()
    clients = {c.pk: c for c in Client.objects.filter(pk__in=ids)}
    errors: list[str] = []
    for client_id in ids:
        if client_id not in clients:
            require_client_access(by, client_id, Area.NOTES, Action.WRITE)  # 404, as for any unknown id
        errors += _check_joining(by, group, clients[client_id], joined_on)
    if errors:
        raise ValidationError(errors)
    memberships = [GroupMembership(group=group, client=clients[i], joined_on=joined_on) for i in ids]
    for membership in memberships:
        membership.full_clean()
    GroupMembership.objects.bulk_create(memberships)
    audit.record(
        actor=by, action=TherapyAction.GROUP_MEMBERS_IMPORT, obj=group, client_ids=ids, detail={"count": len(ids)}
    )
    return memberships


@transaction.atomic
def member_leave(*, by: User, membership: GroupMembership, left_on: dt.date) -> GroupMembership:
    group, client = membership.group, membership.client
    _require_manager(by, group)
    require_client_access(by, client.pk, Area.NOTES, Action.WRITE)
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise ValidationError(
            {"left_on": ALREADY_LEFT.format(name=client.display_name, group=group.name, day=_day(membership.left_on))}
        )
    if left_on < membership.joined_on:
        raise ValidationError(
            {
                "left_on": LEFT_BEFORE_JOINED.format(
                    name=client.display_name, group=group.name, day=_day(membership.joined_on)
                )
            }
        )
    later = (
        Attendance.objects.filter(client=client, session__group=group)
        .order_by("-session__starts_at")
        .values_list("session__starts_at", flat=True)
        .first()
    )
    if later is not None and timezone.localdate(later) > left_on:
        raise ValidationError(
            {"left_on": ATTENDED_AFTER_LEAVING.format(name=client.display_name, day=_day(timezone.localdate(later)))}
        )
    membership.left_on = left_on
    membership.full_clean()
    membership.save(update_fields=["left_on"])
    audit.record(
        actor=by,
        action=TherapyAction.GROUP_MEMBER_LEAVE,
        obj=membership,
        client_ids=[client.pk],
        detail={"group": group.pk},
    )
    return membership


# --- attendance ----------------------------------------------------------------------------


def _check_session(by: User, session: Session) -> Group:
    if session.kind != SessionKind.GROUP or session.group_id is None:
        raise ValidationError(NOT_A_GROUP_SESSION)
    group = cast(Group, session.group)  # group_id checked above
    if session.therapist_id != by.pk:
        _require_sees(by, group)
        if not may_manage(by, group):
            raise PermissionDenied(NOT_A_MANAGER)
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(SESSION_CANCELLED)
    if timezone.localdate(session.starts_at) > timezone.localdate():
        raise ValidationError(SESSION_NOT_STARTED.format(day=_day(timezone.localdate(session.starts_at))))
    return group


@transaction.atomic
def attendance_record(*, by: User, session: Session, marks: dict[int, str]) -> list[Attendance]:
    """Mark members of a group session present, late, left early, absent or excused.

    All the marks or none: a client who was not a member on the session's day, or
    whose notes the user may not write, refuses the whole request. Members not in
    ``marks`` keep what they had (each clinician marks the members they treat).
    """
    group = _check_session(by, session)
    marks = {int(client_id): mark for client_id, mark in marks.items()}
    if not marks:
        raise ValidationError(NO_MARKS)
    day = timezone.localdate(session.starts_at)
    ids = sorted(marks)
    for client_id in ids:
        require_client_access(by, client_id, Area.NOTES, Action.WRITE)
    members = set(
        GroupMembership.objects.filter(group=group, client_id__in=ids, joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .values_list("client_id", flat=True)
    )
    clients = {c.pk: c for c in Client.objects.filter(pk__in=ids)}
    valid = set(AttendanceStatus.values)
    errors = [UNKNOWN_MARK.format(mark=mark) for mark in dict.fromkeys(marks.values()) if mark not in valid]
    errors += [
        NOT_A_MEMBER_ON.format(name=clients[i].display_name, group=group.name, day=_day(day))
        for i in ids
        if i not in members
    ]
    if errors:
        raise ValidationError(errors)
    recorded = Attendance.objects.select_for_update().filter(session=session, client_id__in=ids)
    existing = {attendance.client_id: attendance for attendance in recorded}
    now = timezone.now()
    saved = []
    for client_id in ids:
        attendance = existing.get(client_id) or Attendance(session=session, client_id=client_id)
        attendance.status, attendance.recorded_by, attendance.recorded_at = marks[client_id], by, now
        attendance.full_clean(validate_constraints=False)
        saved.append(attendance)
    for attendance in saved:
        attendance.save()
    audit.record(
        actor=by,
        action=TherapyAction.ATTENDANCE_RECORD,
        obj=session,
        client_ids=ids,
        detail={"group": group.pk, "marked": len(ids)},
    )
    return saved

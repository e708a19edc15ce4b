"""API for groups, their members and attendance: /api/v1/groups and /api/v1/sessions/{id}/attendance.

As on the web, members are named only to users who may open their charts; the
others are counted (``other_members``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from pydantic import Field

from artchart.clients.selectors import client_get_for_user
from artchart.core.api import Day, Id, paginated
from artchart.core.messages import UserMessage
from artchart.core.models import Site, User
from artchart.core.permissions import Action, Area
from artchart.programs.models import Program
from artchart.therapy.models import AttendanceStatus, Group, GroupMembership
from artchart.therapy.selectors import groups as selectors
from artchart.therapy.services import groups as services

router = Router(tags=["groups"])

NO_SUCH_USER = UserMessage("no_such_user", "No user of your organization has the id {ids}.")


class GroupOut(Schema):
    id: int
    name: str
    site: int
    program: int | None
    facilitators: list[int]
    description: str
    is_active: bool

    @staticmethod
    def resolve_site(group: Group) -> int:
        return group.site_id

    @staticmethod
    def resolve_program(group: Group) -> int | None:
        return group.program_id

    @staticmethod
    def resolve_facilitators(group: Group) -> list[int]:
        return sorted(user.pk for user in group.facilitators.all())


class GroupIn(Schema):
    name: str = Field(max_length=200)
    site: Id
    program: Id | None = None
    facilitators: list[Id] = Field(max_length=50)
    description: str = Field("", max_length=2000)
    is_active: bool = True


class GroupPatch(Schema):
    name: str | None = Field(None, max_length=200)
    site: Id | None = None
    program: Id | None = None
    facilitators: list[Id] | None = Field(None, max_length=50)
    description: str | None = Field(None, max_length=2000)
    is_active: bool | None = None


class MembershipOut(Schema):
    id: int
    client: int
    client_name: str
    joined_on: dt.date
    left_on: dt.date | None

    @staticmethod
    def resolve_client(membership: GroupMembership) -> int:
        return membership.client_id

    @staticmethod
    def resolve_client_name(membership: GroupMembership) -> str:
        return membership.client.display_name


class MembersOut(Schema):
    members: list[MembershipOut]
    other_members: int = Field(description="Members, past and present, whose charts you may not open")


class MemberIn(Schema):
    client: Id
    joined_on: Day


class LeaveIn(Schema):
    left_on: Day


class MarkOut(Schema):
    client: int
    client_name: str
    status: str
    may_mark: bool


class AttendanceOut(Schema):
    session: int
    group: int
    marks: list[MarkOut]
    other_members: int


class AttendanceIn(Schema):
    marks: dict[Id, AttendanceStatus] = Field(description="Client id → present, late, left_early, absent or excused")


def _fields(request, payload: Schema, *, partial: bool) -> dict:
    """The payload as service arguments: ids of the organization's sites, programs and users as objects
    (the service refuses a site or program of another organization by name of the field)."""
    fields = payload.dict(exclude_unset=partial)
    if fields.get("site") is not None:
        fields["site"] = Site.objects.filter(pk=fields["site"]).first() or Site(pk=fields["site"])
    if fields.get("program") is not None:
        fields["program"] = Program.objects.filter(pk=fields["program"]).first() or Program(pk=fields["program"])
    if fields.get("facilitators") is not None:
        ids = set(fields["facilitators"])
        users = list(User.objects.filter(pk__in=ids, organization_id=request.user.organization_id))
        unknown = sorted(ids - {user.pk for user in users})
        if unknown:
            raise ValidationError({"facilitators": [NO_SUCH_USER.format(ids=", ".join(map(str, unknown)))]})
        fields["facilitators"] = users
    return fields


def _group(request, group_id: int, *, manage: bool = False) -> Group:
    return selectors.group_get_for_user(request.user, group_id, manage=manage).group


@router.get("/groups", response=list[GroupOut], url_name="groups_list")
@paginated
def groups_list(request, all: bool = False):
    """Your groups (you facilitate them, or you have clients at their site); ``all=true``: every group you may see
    (you facilitate it, are on a member's care team or supervise either; an admin: all the organization's)."""
    return list(selectors.groups_for(request.user, everything=all))


@router.post("/groups", response={201: GroupOut}, url_name="groups_create")
def groups_create(request, payload: GroupIn):
    selectors.require_may_start(request.user)
    return Status(201, services.group_create(by=request.user, **_fields(request, payload, partial=False)))


@router.get("/groups/{group_id}", response=GroupOut, url_name="group_detail")
def group_detail(request, group_id: Id):
    return _group(request, group_id)


@router.patch("/groups/{group_id}", response=GroupOut, url_name="group_update")
def group_update(request, group_id: Id, payload: GroupPatch):
    group = _group(request, group_id, manage=True)
    fields = {k: v for k, v in _fields(request, payload, partial=True).items() if v is not None or k == "program"}
    return services.group_update(by=request.user, group=group, **fields)


@router.get("/groups/{group_id}/members", response=MembersOut, url_name="group_roster")
def group_roster(request, group_id: Id):
    """The group's members you may see, past and present, and how many others there are (a roster, not a list)."""
    roster = selectors.roster_of(selectors.group_get_for_user(request.user, group_id))
    return {"members": roster.current + roster.past, "other_members": roster.current_hidden + roster.past_hidden}


@router.post("/groups/{group_id}/members", response={201: MembershipOut}, url_name="group_members_add")
def group_members_add(request, group_id: Id, payload: MemberIn):
    group = _group(request, group_id, manage=True)
    client = client_get_for_user(request.user, payload.client, area=Area.NOTES, action=Action.WRITE).client
    return Status(201, services.member_add(by=request.user, group=group, client=client, joined_on=payload.joined_on))


@router.post("/groups/{group_id}/members/{membership_id}/leave", response=MembershipOut, url_name="group_member_leave")
def group_member_leave(request, group_id: Id, membership_id: Id, payload: LeaveIn):
    access = selectors.group_get_for_user(request.user, group_id, manage=True)
    membership = selectors.membership_get(access, membership_id, write=True)
    return services.member_leave(by=request.user, membership=membership, left_on=payload.left_on)


def _attendance(access, session) -> dict:
    sheet = selectors.attendance_sheet(access, session)
    return {
        "session": session.pk,
        "group": session.group_id,
        "other_members": sheet.hidden,
        "marks": [
            {
                "client": row.client.pk,
                "client_name": row.client.display_name,
                "status": row.mark,
                "may_mark": row.may_mark,
            }
            for row in sheet.rows
        ],
    }


@router.get("/sessions/{session_id}/attendance", response=AttendanceOut, url_name="session_attendance")
def session_attendance(request, session_id: Id):
    """One entry per member on the session's day; ``status`` is "" until marked."""
    return _attendance(*selectors.group_session_get(request.user, session_id))


@router.post("/sessions/{session_id}/attendance", response=AttendanceOut, url_name="session_attendance_record")
def session_attendance_record(request, session_id: Id, payload: AttendanceIn):
    """Record marks (all or none); members left out keep what they had."""
    access, session = selectors.group_session_get(request.user, session_id, manage=True)
    services.attendance_record(
        by=request.user, session=session, marks={client_id: str(status) for client_id, status in payload.marks.items()}
    )
    return _attendance(access, session)

"""URL access cases for the therapy app's groups pages and API (gathered by artchart/tests/test_url_access.py).

A group is scoped like a client: its facilitators (here ``therapist``), the care
teams of its members (here ``client``'s) and their supervisors, and admins see
it; everyone else gets 404, as for a missing group. Of those who see it, its
facilitators and the therapists and supervisors manage it (others 403). Changing
a member's membership or attendance is also a write to that client's notes, so
after the group check the access table decides (404 for someone outside the
care team).
"""

from __future__ import annotations

from dataclasses import dataclass

from artchart.core.models import Role
from artchart.core.permissions import Action, Area
from artchart.tests.access_rules import NONE, OK, Anyone, Case, Chart, GroupScope, Roles, a


@dataclass(frozen=True)
class Manager:
    """Of those who see the group: its facilitator and the therapists and supervisors (others 403)."""

    def expect(self, person, client_id: int):
        return OK if person.role in (Role.THERAPIST, Role.SUPERVISOR) else 403


@dataclass(frozen=True)
class MemberWrite:
    """A manager of the group (else 403) who may also write the client's notes (else as the chart says)."""

    def expect(self, person, client_id: int):
        if person.role not in (Role.THERAPIST, Role.SUPERVISOR):
            return 403
        return Chart(Area.NOTES, Action.WRITE).expect(person, client_id)


SEES = GroupScope()
MANAGERS = GroupScope(Manager())
MEMBER_WRITE = GroupScope(MemberWrite())
# The empty group: nobody sees it through a member.
EMPTY_MEMBER_WRITE = GroupScope(MemberWrite(), members=False)
STARTERS = Roles((Role.THERAPIST, Role.SUPERVISOR))


def g(name: str = "group", **extra):
    return lambda o: {"group_id": o[name].pk, **{k: f(o) for k, f in extra.items()}}


def s(o):
    return {"session_id": o["group_session"].pk}


def _leave(o):
    return {"group_id": o["group"].pk, "membership_id": o["membership"].pk}


RULES: dict[str, Case] = {
    "therapy:group_list": Case(Anyone()),  # a list of the groups each person sees
    "therapy:group_create": Case(STARTERS),
    "therapy:group_detail": Case(SEES, kwargs=g()),
    "therapy:group_edit": Case(MANAGERS, kwargs=g()),
    "therapy:group_member_add": Case(MANAGERS, kwargs=g()),
    "therapy:group_member_leave": Case(MEMBER_WRITE, kwargs=_leave),
    "therapy:group_census": Case(MANAGERS, kwargs=g()),
    "therapy:group_census_confirm": Case(
        EMPTY_MEMBER_WRITE,
        method="post",
        kwargs=g("empty_group"),
        data=lambda o: {"client_ids": [o["client"].pk], "joined_on": "2026-03-01"},
    ),
    "therapy:group_attendance": Case(SEES, kwargs=s),
    "api:groups_list": a(Anyone(), kwargs=NONE),
    "api:groups_create": a(
        STARTERS,
        "post",
        kwargs=NONE,
        data=lambda o: {
            "name": "Tuesday open studio",
            "site": o["client"].site_id,
            "facilitators": [o["therapist"].pk],
        },
    ),
    "api:group_detail": a(SEES, kwargs=g()),
    "api:group_update": a(MANAGERS, "patch", kwargs=g(), data=lambda o: {"description": "Clay and collage."}),
    "api:group_roster": a(SEES, kwargs=g()),
    "api:group_members_add": a(
        EMPTY_MEMBER_WRITE,
        "post",
        kwargs=g("empty_group"),
        data=lambda o: {"client": o["client"].pk, "joined_on": "2026-03-01"},
    ),
    "api:group_member_leave": a(MEMBER_WRITE, "post", kwargs=_leave, data=lambda o: {"left_on": "2026-06-30"}),
    "api:session_attendance": a(SEES, kwargs=s),
    "api:session_attendance_record": a(
        MEMBER_WRITE, "post", kwargs=s, data=lambda o: {"marks": {str(o["client"].pk): "present"}}
    ),
}

# Every API operation of this area as (operationId, method, path); the schema test checks the list is whole.
API_OPERATIONS: list[tuple[str, str, str]] = [
    ("groups_list", "GET", "/api/v1/groups"),
    ("groups_create", "POST", "/api/v1/groups"),
    ("group_detail", "GET", "/api/v1/groups/{group_id}"),
    ("group_update", "PATCH", "/api/v1/groups/{group_id}"),
    ("group_roster", "GET", "/api/v1/groups/{group_id}/members"),
    ("group_members_add", "POST", "/api/v1/groups/{group_id}/members"),
    ("group_member_leave", "POST", "/api/v1/groups/{group_id}/members/{membership_id}/leave"),
    ("session_attendance", "GET", "/api/v1/sessions/{session_id}/attendance"),
    ("session_attendance_record", "POST", "/api/v1/sessions/{session_id}/attendance"),
]


def objs(base: dict) -> dict:
    """A group ``therapist`` facilitates with ``client`` as a member, an empty one, and a past group session."""
    import datetime as dt

    from django.utils import timezone

    from artchart.tests.factories import GroupFactory, GroupMembershipFactory, SessionFactory

    site = base["client"].site
    group = GroupFactory(site=site, name="Open studio", facilitators=[base["therapist"]])
    membership = GroupMembershipFactory(group=group, client=base["client"], joined_on=dt.date(2026, 1, 5))
    return {
        "group": group,
        "membership": membership,
        "empty_group": GroupFactory(site=site, name="Clay group", facilitators=[base["therapist"]]),
        "group_session": SessionFactory(
            kind="group",
            client=None,
            group=group,
            therapist=base["therapist"],
            starts_at=timezone.make_aware(dt.datetime(2026, 3, 3, 15)),
        ),
    }

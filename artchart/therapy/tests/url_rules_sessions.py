"""URL access cases for the therapy app's sessions pages and API (gathered by artchart/tests/test_url_access.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from artchart.core.models import Role
from artchart.core.permissions import Action, Area
from artchart.tests.access_rules import OK, Anyone, Case, Chart, GroupScope, Roles, a, c

NOTES_READ = Chart(Area.NOTES, Action.READ)
NOTES_WRITE = Chart(Area.NOTES, Action.WRITE)
ROOM_ADMINS = Roles((Role.ADMIN, Role.PROGRAM_ADMIN))
NONE = lambda o: {}  # noqa: E731


@dataclass(frozen=True)
class Facilitator:
    """A group's sessions are scheduled by its facilitators (``therapist`` here); others who see the group 403."""

    def expect(self, person, client_id: int):
        return OK if person.username == "therapist" else 403


def s(name: str):
    return lambda o: {"session_id": o[name].pk}


RULES: dict[str, Case] = {
    "therapy:session_list": Case(NOTES_READ, kwargs=c),
    "therapy:session_create": Case(NOTES_WRITE, kwargs=c),
    "therapy:session_create_for_group": Case(
        GroupScope(Facilitator(), members=False), kwargs=lambda o: {"group_id": o["sessions_group"].pk}
    ),
    "therapy:session_detail": Case(NOTES_READ, kwargs=s("session")),
    "therapy:session_edit": Case(NOTES_WRITE, kwargs=s("session")),
    "therapy:session_complete": Case(NOTES_WRITE, method="post", kwargs=s("session")),
    "therapy:session_no_show": Case(NOTES_WRITE, method="post", kwargs=s("session")),
    "therapy:session_cancel": Case(
        NOTES_WRITE, method="post", kwargs=s("session"), data=lambda o: {"reason": "Client unwell"}
    ),
    "therapy:session_line_add": Case(
        NOTES_WRITE, method="post", kwargs=s("session"), data=lambda o: {"code": "90785", "units": 1}
    ),
    "therapy:session_line_remove": Case(NOTES_WRITE, method="post", kwargs=lambda o: _line(o)),
    "therapy:session_series_change": Case(NOTES_WRITE, kwargs=s("series_session")),
    "therapy:session_series_end": Case(NOTES_WRITE, method="post", kwargs=s("series_session")),
    "therapy:schedule": Case(Anyone()),
    "therapy:session_book": Case(Anyone()),
    "therapy:ledger": Case(Anyone()),
    "therapy:schedule_feed": Case(Anyone()),
    "therapy:schedule_feed_reset": Case(Anyone(), method="post"),
    "therapy:schedule_feed_names": Case(Anyone(), method="post", data=lambda o: {"names": "initials"}),
    "therapy:schedule_feed_remove": Case(Anyone(), method="post"),
    "therapy:calendar_feed": Case(Anyone(), public=True, kwargs=lambda o: {"token": o["feed_token"]}),
    "therapy:rooms": Case(ROOM_ADMINS),
    "therapy:room_create": Case(ROOM_ADMINS),
    "therapy:room_edit": Case(ROOM_ADMINS, kwargs=lambda o: {"room_id": o["room"].pk}),
}


def _line(o):
    return {"session_id": o["session"].pk, "line_id": o["service_line"].pk}


def _new_session(o):
    return {
        "kind": "individual",
        "client": o["client"].pk,
        "site": o["client"].site_id,
        "starts_at": "2030-05-06T15:00:00-04:00",
        "duration_minutes": 50,
        "allow_conflicts": True,
    }


RULES.update(
    {
        "api:sessions_list": a(Anyone(), kwargs=NONE),
        "api:sessions_create": a(NOTES_WRITE, "post", kwargs=NONE, data=_new_session),
        "api:session_detail": a(NOTES_READ, kwargs=s("session")),
        "api:session_update": a(NOTES_WRITE, "patch", kwargs=s("session"), data=lambda o: {"place_of_service": "11"}),
        "api:session_complete": a(NOTES_WRITE, "post", kwargs=s("session")),
        "api:session_no_show": a(NOTES_WRITE, "post", kwargs=s("session")),
        "api:session_cancel": a(NOTES_WRITE, "post", kwargs=s("session"), data=lambda o: {"reason": "Client unwell"}),
        "api:series_create": a(NOTES_WRITE, "post", kwargs=NONE, data=lambda o: {**_new_session(o), "count": 3}),
        "api:series_change_from": a(
            NOTES_WRITE, "post", kwargs=s("series_session"), data=lambda o: {"duration_minutes": 45}
        ),
        "api:series_end_from": a(NOTES_WRITE, "post", kwargs=s("series_session")),
        "api:rooms_list": a(Anyone(), kwargs=NONE),
        "api:service_lines_list": a(NOTES_READ, kwargs=s("session")),
        "api:service_line_create": a(NOTES_WRITE, "post", kwargs=s("session"), data=lambda o: {"code": "90785"}),
        "api:service_line_delete": a(NOTES_WRITE, "delete", kwargs=_line),
    }
)

# Every API operation of this area as (operationId, method, path); the schema test checks the list is whole.
API_OPERATIONS: list[tuple[str, str, str]] = [
    ("sessions_list", "GET", "/api/v1/sessions"),
    ("sessions_create", "POST", "/api/v1/sessions"),
    ("session_detail", "GET", "/api/v1/sessions/{session_id}"),
    ("session_update", "PATCH", "/api/v1/sessions/{session_id}"),
    ("session_complete", "POST", "/api/v1/sessions/{session_id}/complete"),
    ("session_cancel", "POST", "/api/v1/sessions/{session_id}/cancel"),
    ("session_no_show", "POST", "/api/v1/sessions/{session_id}/no-show"),
    ("series_create", "POST", "/api/v1/series"),
    ("series_change_from", "POST", "/api/v1/sessions/{session_id}/series/change-from"),
    ("series_end_from", "POST", "/api/v1/sessions/{session_id}/series/end-from"),
    ("rooms_list", "GET", "/api/v1/rooms"),
    ("service_lines_list", "GET", "/api/v1/sessions/{session_id}/service-lines"),
    ("service_line_create", "POST", "/api/v1/sessions/{session_id}/service-lines"),
    ("service_line_delete", "DELETE", "/api/v1/sessions/{session_id}/service-lines/{line_id}"),
]


def objs(base: dict) -> dict:
    """A session of ``client`` that began an hour ago (billed 90834), a weekly series, a room, a group the therapist
    facilitates, and the therapist's calendar feed token."""
    from django.utils import timezone

    from artchart.tests.factories import GroupFactory, RoomFactory, SessionFactory
    from artchart.therapy.models import ServiceLine
    from artchart.therapy.services.sessions import calendar_feed_reset, series_create

    client, therapist = base["client"], base["therapist"]
    room = RoomFactory(site=client.site, name="Studio A")
    group = GroupFactory(site=client.site, name="Tuesday open studio")
    group.facilitators.add(therapist)
    session = SessionFactory(
        client=client,
        therapist=therapist,
        site=client.site,
        room=room,
        status="scheduled",
        starts_at=timezone.now() - dt.timedelta(hours=1),
    )
    series = series_create(
        by=therapist,
        kind="individual",
        client=client,
        therapist=therapist,
        site=client.site,
        first_starts_at=timezone.now() + dt.timedelta(days=2),
        duration_minutes=50,
        modality="in_person",
        count=4,
    )
    line = ServiceLine.objects.create(session=session, code="90834", created_by=therapist)
    return {
        "session": session,
        "service_line": line,
        "series_session": series.sessions.order_by("starts_at").first(),
        "room": room,
        "sessions_group": group,
        "feed_token": calendar_feed_reset(by=therapist)[1],
    }

"""The schedule (day and week, by therapist, site or room), conflicts, and rooms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.tests.factories import (
    CareTeamFactory,
    ClientFactory,
    GroupFactory,
    GroupMembershipFactory,
    RoomFactory,
    SessionFactory,
)
from artchart.therapy.models import Room
from artchart.therapy.selectors.sessions import conflicts_for
from artchart.therapy.services import sessions as services
from artchart.therapy.services.sessions import ROOM_NAME_TAKEN

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2030, 3, 4)


def at(day: dt.date, time: str = "10:00") -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day.isoformat()}T{time}"))


@pytest.fixture
def room(site):
    return RoomFactory(site=site, name="Studio A")


def session(client, therapist, *, day=MONDAY, time="10:00", **extra):
    return SessionFactory(
        client=client, therapist=therapist, site=client.site, starts_at=at(day, time), status="scheduled", **extra
    )


# --- conflicts --------------------------------------------------------------------------------------


def check(org, *, therapist=None, room=None, client_ids=(), time="10:30", minutes=50, exclude=None):
    return conflicts_for(
        organization=org,
        therapist=therapist,
        room=room,
        client_ids=list(client_ids),
        starts_at=at(MONDAY, time),
        duration_minutes=minutes,
        exclude_session_id=exclude,
    )


def test_a_therapist_double_booked_is_a_conflict(org, therapist, client_record):
    session(client_record, therapist)
    assert check(org, therapist=therapist) == ["Tess Rivera is already booked Mon 4 Mar 10:00–10:50."]


def test_a_room_double_booked_is_a_conflict_without_naming_the_other_client(org, therapist, therapist2, room, site):
    other = ClientFactory(site=site, legal_first_name="Secret", legal_last_name="Person")
    session(other, therapist2, room=room)
    found = check(org, therapist=therapist, room=room)
    assert found == ["The room Studio A is already booked Mon 4 Mar 10:00–10:50."]
    assert "Secret" not in " ".join(found)


def test_a_client_booked_twice_is_a_conflict(org, therapist2, client_record):
    session(client_record, therapist2)
    assert check(org, client_ids=[client_record.pk]) == ["Maya Lopez already has a session Mon 4 Mar 10:00–10:50."]


def test_back_to_back_cancelled_and_the_session_itself_are_not_conflicts(org, therapist, client_record):
    own = session(client_record, therapist)
    session(
        client_record,
        therapist,
        time="12:00",
    )
    SessionFactory(
        client=client_record,
        therapist=therapist,
        site=client_record.site,
        starts_at=at(MONDAY, "14:00"),
        status="cancelled",
    )
    assert check(org, therapist=therapist, time="10:50") == []
    assert check(org, therapist=therapist, time="14:00") == []
    assert check(org, therapist=therapist, time="10:00", exclude=own.pk) == []


def test_a_long_session_that_began_earlier_still_overlaps(org, therapist, client_record):
    session(client_record, therapist, time="08:00", duration_minutes=240)
    assert len(check(org, therapist=therapist, time="11:30")) == 1


# --- the schedule page ------------------------------------------------------------------------------


def test_week_shows_own_clients_by_name_and_others_as_booked(client, therapist, therapist2, client_record, room, site):
    other = ClientFactory(site=site, legal_first_name="Hidden", legal_last_name="Client")
    CareTeamFactory(client=other, user=therapist2)
    mine = session(client_record, therapist, room=room)
    session(other, therapist2, room=room, day=MONDAY + dt.timedelta(days=1))
    client.force_login(therapist)
    page = client.get(reverse("therapy:schedule"), {"view": "week", "date": "2030-03-06", "room": room.pk})
    text = page.content.decode()
    assert "Maya Lopez" in text and reverse("therapy:session_detail", args=[mine.pk]) in text
    assert "Hidden" not in text and "Booked" in text
    assert "Mon 4 Mar" in text and "Sun 10 Mar" in text


def test_day_view_of_a_therapist(client, therapist, client_record):
    session(client_record, therapist, time="09:00")
    session(client_record, therapist, day=MONDAY + dt.timedelta(days=1))
    client.force_login(therapist)
    text = client.get(
        reverse("therapy:schedule"), {"view": "day", "date": "2030-03-04", "for": f"therapist-{therapist.pk}"}
    ).content.decode()
    assert text.count("Maya Lopez") == 1 and "09:00–09:50" in text


def test_schedule_defaults_to_your_own_week(client, therapist, client_record):
    session(client_record, therapist, day=timezone.localdate())
    client.force_login(therapist)
    assert "Maya Lopez" in client.get(reverse("therapy:schedule")).content.decode()


def test_group_sessions_show_their_group_name_only_to_those_who_see_the_group(
    client, therapist2, therapist, intern, site, client_record
):
    group = GroupFactory(site=site, name="Tuesday open studio", facilitators=[therapist])
    SessionFactory(
        kind="group", client=None, group=group, therapist=therapist, site=site, starts_at=at(MONDAY), status="scheduled"
    )

    def schedule(user) -> str:
        client.force_login(user)
        return client.get(reverse("therapy:schedule"), {"date": "2030-03-04", "site": site.pk}).content.decode()

    assert "Tuesday open studio" in schedule(therapist)  # facilitates it
    assert "Tuesday open studio" not in schedule(therapist2)  # another therapist's group: a booked slot
    assert "Tuesday open studio" not in schedule(intern)
    GroupMembershipFactory(group=group, client=client_record)
    assert "Tuesday open studio" in schedule(intern)  # on the care team of a member


def test_schedule_query_count_does_not_grow_with_sessions(client, therapist, client_record, room, site):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("therapy:schedule"), {"view": "week", "date": "2030-03-04", "site": site.pk})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    client.force_login(therapist)
    session(client_record, therapist, room=room)
    queries()  # the first request makes the audit counter row and touches the login session
    few = queries()
    for day in range(7):
        for mine, theirs in (("08:00", "09:00"), ("11:00", "12:00"), ("14:00", "15:00")):
            other = ClientFactory(site=site)
            session(other, therapist, day=MONDAY + dt.timedelta(days=day), time=theirs, room=RoomFactory(site=site))
            session(client_record, therapist, day=MONDAY + dt.timedelta(days=day), time=mine)
    assert queries() == few


# --- rooms ------------------------------------------------------------------------------------------


def test_program_admin_adds_renames_and_retires_a_room(client, programadmin, site):
    client.force_login(programadmin)
    response = client.post(reverse("therapy:room_create"), {"site": site.pk, "name": "Clay room"})
    assert response.status_code == 302
    room = Room.objects.get(name="Clay room")
    client.post(reverse("therapy:room_edit", args=[room.pk]), {"name": "Ceramics room"})
    room.refresh_from_db()
    assert (room.name, room.is_active) == ("Ceramics room", False)
    assert "Ceramics room" in client.get(reverse("therapy:rooms")).content.decode()


def test_a_room_name_is_used_once_per_site(admin, room, site):
    with pytest.raises(ValidationError) as caught:
        services.room_create(by=admin, site=site, name="studio a")
    assert caught.value.message_dict["name"] == [ROOM_NAME_TAKEN.format(site=site.name, name="studio a")]
    assert Room.objects.count() == 1


def test_therapists_do_not_manage_rooms(therapist, site):
    with pytest.raises(PermissionDenied):
        services.room_create(by=therapist, site=site, name="Quiet room")


def test_a_retired_room_cannot_be_booked(therapist, client_record, room, admin):
    room = services.room_update(by=admin, room=room, is_active=False)
    with pytest.raises(ValidationError) as caught:
        services.session_create(
            by=therapist,
            kind="individual",
            client=client_record,
            therapist=therapist,
            site=client_record.site,
            room=room,
            starts_at=at(MONDAY),
            duration_minutes=50,
            modality="in_person",
        )
    assert "no longer in use" in caught.value.message_dict["room"][0]

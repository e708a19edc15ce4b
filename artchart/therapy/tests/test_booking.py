"""Booking from the schedule: the Book button, the week's time grid, and a tap on a free hour."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.tests.factories import CareTeamFactory, ClientFactory, RoomFactory, SessionFactory
from artchart.therapy.models import Session
from artchart.therapy.views.sessions import CLASHES

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2030, 3, 4)
BOOK = reverse("therapy:session_book")


def at(day: dt.date, time: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day.isoformat()}T{time}"))


@pytest.fixture
def room(site):
    return RoomFactory(site=site, name="Studio A")


@pytest.fixture
def stranger(site, therapist2):
    """A client of someone else's caseload: ``therapist`` may not open their chart."""
    other = ClientFactory(site=site, legal_first_name="Hidden", legal_last_name="Person")
    CareTeamFactory(client=other, user=therapist2)
    return other


def booking(client_record, therapist, **changes) -> dict:
    data = {
        "client": client_record.pk,
        "kind": "individual",
        "therapist": therapist.pk,
        "site": "",
        "room": "",
        "day": "2030-03-05",
        "start": "14:00",
        "duration": "45",
        "modality": "in_person",
    }
    return {**data, **changes}


def test_a_tapped_slot_opens_the_form_with_its_day_hour_and_room(client, therapist, client_record, room):
    client.force_login(therapist)
    page = client.get(BOOK, {"date": "2030-03-06", "start": "15:00", "room": room.pk})
    form = page.context["form"]
    assert page.status_code == 200
    assert form.initial["day"] == dt.date(2030, 3, 6) and form.initial["start"] == dt.time(15)
    assert form.initial["room"] == room and form.initial["site"] == room.site
    assert form.initial["therapist"] == therapist
    text = page.content.decode()
    assert 'value="2030-03-06"' in text and 'value="15:00"' in text and "Maya Lopez" in text


def test_an_unreadable_slot_falls_back_to_the_next_working_hour(client, therapist, client_record):
    client.force_login(therapist)
    page = client.get(BOOK, {"date": "tomorrow", "start": "25:99", "room": "x"})
    assert page.status_code == 200 and page.context["form"].initial["room"] is None


def test_only_clients_the_therapist_may_book_are_offered(client, therapist, client_record, stranger):
    client.force_login(therapist)
    text = client.get(BOOK).content.decode()
    assert "Maya Lopez" in text and "Hidden" not in text
    assert client.get(BOOK, {"client": stranger.pk}).status_code == 404


def test_booking_an_outsiders_client_changes_nothing(client, therapist, stranger):
    client.force_login(therapist)
    page = client.post(BOOK, booking(stranger, therapist))
    assert page.status_code == 200 and page.context["form"].errors["client"]
    assert not Session.objects.exists()


def test_booking_from_the_schedule_makes_the_session_at_the_clients_site(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(BOOK, booking(client_record, therapist))
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("therapy:session_detail", args=[session.pk])
    assert (session.client, session.site, session.therapist) == (client_record, client_record.site, therapist)
    assert session.starts_at == at(dt.date(2030, 3, 5), "14:00") and session.duration_minutes == 45
    assert session.created_by == therapist and session.status == "scheduled"


@pytest.mark.parametrize(
    "bad",
    [{"day": "2030-02-30"}, {"start": ""}, {"duration": "7"}, {"client": ""}, {"modality": "carrier pigeon"}],
)
def test_bad_input_books_nothing(client, therapist, client_record, bad):
    client.force_login(therapist)
    page = client.post(BOOK, booking(client_record, therapist, **bad))
    assert page.status_code == 200 and not page.context["form"].is_valid()
    assert not Session.objects.exists()


def test_a_double_booked_room_asks_before_booking(client, therapist, therapist2, client_record, stranger, room):
    SessionFactory(client=stranger, therapist=therapist2, site=room.site, room=room, starts_at=at(MONDAY, "10:00"))
    client.force_login(therapist)
    data = booking(client_record, therapist, day=MONDAY.isoformat(), start="10:30", room=room.pk)
    page = client.post(BOOK, data)
    assert CLASHES in page.context["form"].non_field_errors()
    assert "The room Studio A is already booked" in page.content.decode() and "Hidden" not in page.content.decode()
    assert Session.objects.count() == 1
    assert client.post(BOOK, {**data, "save_anyway": "on"}).status_code == 302
    assert Session.objects.count() == 2


def test_a_viewer_of_no_clients_sees_no_book_button(client, admin):
    client.force_login(admin)
    text = client.get(reverse("therapy:schedule")).content.decode()
    assert BOOK not in text


# --- the week's time grid ---------------------------------------------------------------------------


def grid_of(client, **params):
    page = client.get(reverse("therapy:schedule"), {"view": "week", "date": "2030-03-06", **params})
    assert page.status_code == 200
    return page, page.context["grid"]


def test_the_week_grid_places_each_session_in_its_day_and_hour(client, therapist, client_record):
    SessionFactory(client=client_record, therapist=therapist, site=client_record.site, starts_at=at(MONDAY, "10:30"))
    client.force_login(therapist)
    page, grid = grid_of(client)
    assert [d.date for d in grid.days] == [MONDAY + dt.timedelta(days=i) for i in range(7)]
    assert grid.hours == list(range(8, 18))
    monday = {cell.hour: cell for cell in grid.days[0].cells}
    assert [s.label for s in monday[10].slots] == ["Maya Lopez"]
    assert monday[11].busy and not monday[11].slots  # 10:30–11:20 runs into the next hour
    assert monday[12].free and all(cell.free for cell in grid.days[1].cells)
    text = page.content.decode()
    assert "wk-c1 wk-r10" in text and "10:30–11:20" in text
    assert f"{BOOK}?date=2030-03-05&amp;start=09:00&amp;therapist={therapist.pk}" in text
    for taken in ("10:00", "11:00"):
        assert f"{BOOK}?date=2030-03-04&amp;start={taken}" not in text


def test_the_grid_grows_to_take_in_an_early_booking(client, therapist, client_record):
    SessionFactory(client=client_record, therapist=therapist, site=client_record.site, starts_at=at(MONDAY, "06:15"))
    client.force_login(therapist)
    _, grid = grid_of(client)
    assert grid.hours[0] == 6 and [s.label for s in grid.days[0].cells[0].slots] == ["Maya Lopez"]


def test_the_week_grid_marks_today_and_links_the_weeks_around_it(client, therapist, client_record):
    client.force_login(therapist)
    today = timezone.localdate()
    text = client.get(reverse("therapy:schedule"), {"view": "week"}).content.decode()
    assert f'id="day-{today:%Y%m%d}" class="wk-head wk-c{today.weekday() + 1} is-today"' in text
    monday = today - dt.timedelta(days=today.weekday())
    assert f"date={monday - dt.timedelta(days=7):%Y-%m-%d}" in text
    assert f"date={monday + dt.timedelta(days=7):%Y-%m-%d}" in text


def test_others_bookings_sit_in_the_grid_as_booked(client, therapist, therapist2, client_record, stranger, room):
    SessionFactory(client=stranger, therapist=therapist2, site=room.site, room=room, starts_at=at(MONDAY, "09:00"))
    client.force_login(therapist)
    page, grid = grid_of(client, room=room.pk)
    assert [s.label for s in grid.days[0].cells[1].slots] == ["Booked"]
    assert "Hidden" not in page.content.decode()
    assert f"start=10:00&amp;room={room.pk}" in page.content.decode()


def test_the_week_grid_query_count_does_not_grow_with_sessions(client, therapist, client_record, site):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            grid_of(client, therapist=therapist.pk)
        return len(ctx.captured_queries)

    client.force_login(therapist)
    SessionFactory(client=client_record, therapist=therapist, site=site, starts_at=at(MONDAY, "09:00"))
    queries()  # the first request makes the audit counter row and touches the login session
    few = queries()
    for day in range(7):
        for time in ("08:00", "11:30", "16:00"):
            other = ClientFactory(site=site)
            CareTeamFactory(client=other, user=therapist)
            SessionFactory(
                client=other, therapist=therapist, site=site, starts_at=at(MONDAY + dt.timedelta(days=day), time)
            )
    assert queries() == few

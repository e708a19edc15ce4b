"""Recurring series: made a rolling horizon ahead, changed or ended from one occurrence on, extended daily."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from artchart.core.models import AuditEvent
from artchart.tests.factories import RoomFactory
from artchart.therapy.models import Series, Session
from artchart.therapy.services import sessions as services
from artchart.therapy.services.sessions import COUNT_AND_UNTIL, NOT_IN_A_SERIES, UNTIL_BEFORE_FIRST
from artchart.therapy.tasks import extend_open_series

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 1)  # two weeks before US daylight saving time begins (14 March 2027)


def at(day: dt.date | str, time: str = "16:00") -> dt.datetime:
    day = day if isinstance(day, str) else day.isoformat()
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{time}"))


def make(therapist, client_record, **extra) -> Series:
    fields = {
        "kind": "individual",
        "client": client_record,
        "therapist": therapist,
        "site": client_record.site,
        "first_starts_at": at("2027-03-02"),
        "duration_minutes": 50,
        "modality": "in_person",
        "today": TODAY,
        **extra,
    }
    return services.series_create(by=therapist, **fields)


def local_times(series: Series) -> list[str]:
    return [f"{timezone.localtime(s.starts_at):%Y-%m-%d %H:%M}" for s in series.sessions.order_by("starts_at")]


def test_weekly_series_by_count_keeps_its_wall_clock_time_across_daylight_saving(therapist, client_record):
    series = make(therapist, client_record, count=4)
    assert local_times(series) == ["2027-03-02 16:00", "2027-03-09 16:00", "2027-03-16 16:00", "2027-03-23 16:00"]
    assert AuditEvent.objects.get(action="series.create").detail["sessions"] == 4


def test_open_ended_series_is_made_26_weeks_ahead(therapist, client_record, settings):
    settings.SERIES_HORIZON_WEEKS = 26
    series = make(therapist, client_record)
    times = local_times(series)
    assert times[0] == "2027-03-02 16:00" and times[-1] == "2027-08-24 16:00"
    assert len(times) == 26
    assert series.generated_through == TODAY + dt.timedelta(weeks=26)


def test_fortnightly_series_ends_on_its_date(therapist, client_record):
    series = make(therapist, client_record, frequency="fortnightly", until=dt.date(2027, 4, 13))
    assert local_times(series) == ["2027-03-02 16:00", "2027-03-16 16:00", "2027-03-30 16:00", "2027-04-13 16:00"]


def test_count_and_until_together_are_refused_and_nothing_is_written(therapist, client_record):
    with pytest.raises(ValidationError) as caught:
        make(therapist, client_record, count=3, until=dt.date(2027, 5, 1))
    assert caught.value.messages == [COUNT_AND_UNTIL]
    with pytest.raises(ValidationError) as caught:
        make(therapist, client_record, until=dt.date(2027, 2, 1))
    assert caught.value.message_dict["until"] == [UNTIL_BEFORE_FIRST]
    assert not Series.objects.exists() and not Session.objects.exists()


def test_series_refuses_a_bad_session_like_a_single_one(therapist, client_record):
    with pytest.raises(ValidationError):
        make(therapist, client_record, duration_minutes=-10)
    assert not Series.objects.exists()


def test_extend_adds_the_next_weeks_and_is_idempotent(therapist, client_record, settings):
    settings.SERIES_HORIZON_WEEKS = 4
    series = make(therapist, client_record)
    assert len(local_times(series)) == 4
    later = TODAY + dt.timedelta(weeks=2)
    assert services.series_extend(series=series, today=later) == 2
    assert services.series_extend(series=series, today=later) == 0
    assert local_times(series)[-1] == "2027-04-06 16:00"
    assert AuditEvent.objects.filter(action="series.extend").count() == 1


def test_extend_stops_at_the_count(therapist, client_record, settings):
    settings.SERIES_HORIZON_WEEKS = 2
    series = make(therapist, client_record, count=5)
    assert services.series_extend(series=series, today=TODAY + dt.timedelta(weeks=20)) == 3
    assert series.sessions.count() == 5


def test_change_from_moves_this_and_later_scheduled_sessions_only(therapist, client_record):
    room = RoomFactory(site=client_record.site, name="Studio B")
    series = make(therapist, client_record, count=5)
    sessions = list(series.sessions.order_by("starts_at"))
    Session.objects.filter(pk=sessions[3].pk).update(status="cancelled", cancel_reason="Holiday")
    changed = services.series_change_from(
        by=therapist, session=sessions[2], starts_at=at("2027-03-17", "09:30"), duration_minutes=45, room=room
    )
    assert [s.pk for s in changed] == [sessions[2].pk, sessions[4].pk]
    assert local_times(series) == [
        "2027-03-02 16:00",
        "2027-03-09 16:00",
        "2027-03-17 09:30",
        "2027-03-23 16:00",
        "2027-03-31 09:30",
    ]
    moved = Session.objects.get(pk=sessions[4].pk)
    assert (moved.room, moved.duration_minutes) == (room, 45)
    assert Session.objects.get(pk=sessions[0].pk).room is None
    series.refresh_from_db()
    assert (series.room, series.duration_minutes) == (room, 45)


def test_change_from_with_bad_input_changes_nothing(therapist, client_record):
    series = make(therapist, client_record, count=3)
    first = series.sessions.order_by("starts_at").first()
    with pytest.raises(ValidationError):
        services.series_change_from(by=therapist, session=first, duration_minutes=0)
    assert set(series.sessions.values_list("duration_minutes", flat=True)) == {50}


def test_end_from_cancels_this_and_later_and_stops_the_extender(therapist, client_record, settings):
    settings.SERIES_HORIZON_WEEKS = 4
    series = make(therapist, client_record)
    sessions = list(series.sessions.order_by("starts_at"))
    services.series_end_from(by=therapist, session=sessions[2])
    statuses = list(series.sessions.order_by("starts_at").values_list("status", flat=True))
    assert statuses == ["scheduled", "scheduled", "cancelled", "cancelled"]
    assert services.series_extend(series=series, today=TODAY + dt.timedelta(weeks=10)) == 0


def test_a_single_session_has_no_series_to_change(therapist, client_record):
    session = services.session_create(
        by=therapist,
        kind="individual",
        client=client_record,
        therapist=therapist,
        site=client_record.site,
        starts_at=at("2027-03-02"),
        duration_minutes=50,
        modality="in_person",
    )
    with pytest.raises(ValidationError, match=NOT_IN_A_SERIES):
        services.series_end_from(by=therapist, session=session)


def test_background_task_extends_every_open_series(therapist, client_record, settings):
    settings.SERIES_HORIZON_WEEKS = 2
    make(therapist, client_record)
    make(therapist, client_record, first_starts_at=at("2027-03-03"))
    result = extend_open_series.enqueue(today=(TODAY + dt.timedelta(weeks=1)).isoformat())
    assert result.return_value == 2


def test_series_extend_command_runs_the_task(therapist, client_record):
    out = StringIO()
    call_command("series_extend", stdout=out)
    assert out.getvalue().startswith("Made 0 sessions")


def test_worker_command_says_the_local_profile_needs_none():
    out = StringIO()
    call_command("worker", stdout=out)
    assert "needed with --profile server only" in out.getvalue()


def test_api_creates_changes_and_ends_a_series(therapist, client_record):
    from django.test import Client

    from artchart.core.services import token_issue

    browser = Client(headers={"Authorization": f"Bearer {token_issue(user=therapist)[1]}"})
    start = timezone.localdate() + dt.timedelta(days=1)
    created = browser.post(
        reverse("api:series_create"),
        {
            "kind": "individual",
            "client": client_record.pk,
            "site": client_record.site_id,
            "starts_at": at(start, "09:00").isoformat(),
            "duration_minutes": 50,
            "frequency": "weekly",
            "count": 3,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    second = created.json()["sessions"][1]["id"]
    changed = browser.post(
        reverse("api:series_change_from", args=[second]), {"duration_minutes": 60}, content_type="application/json"
    )
    assert [s["duration_minutes"] for s in changed.json()] == [60, 60]
    ended = browser.post(reverse("api:series_end_from", args=[second]))
    assert ended.status_code == 200 and ended.json()["ended_at"]
    assert [s["status"] for s in ended.json()["sessions"]] == ["scheduled", "cancelled", "cancelled"]

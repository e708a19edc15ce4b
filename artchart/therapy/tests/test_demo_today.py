"""The demo has work to do today whatever the hour it is built: some of today's sessions wait for their note."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from artchart.core.models import User
from artchart.therapy.demo import ONE_OFF_STEP, one_off_starts
from artchart.therapy.models import NoteStatus, Session, SessionStatus

DAY = dt.date(2030, 3, 6)


def at(time: str, day: dt.date = DAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day.isoformat()}T{time}"))


def test_before_any_weekly_session_two_one_off_sessions_have_begun_by_seven():
    assert one_off_starts(at("07:05"), []) == [at("05:20"), at("06:10")]


def test_one_weekly_session_begun_gets_one_one_off_before_it():
    assert one_off_starts(at("10:00"), [at("09:00")]) == [at("08:10")]


@pytest.mark.parametrize("now", ["13:00", "23:30"])  # the weekly sessions of today are at 09:00, 11:00, 15:30
def test_two_weekly_sessions_begun_need_no_one_off(now):
    assert one_off_starts(at(now), [at("09:00"), at("11:00")]) == []


def test_one_off_sessions_never_start_before_midnight():
    assert one_off_starts(at("00:40"), []) == []
    assert one_off_starts(at("01:00"), []) == [at("00:10")]
    assert one_off_starts(at("01:40"), []) == [at("00:40")]
    assert one_off_starts(at("01:45"), []) == [at("00:05"), at("00:55")]


@pytest.fixture
def clock(monkeypatch):
    """Build the demo as if it were ``time`` today, in the practice's time zone."""

    def set_to(time: str) -> dt.datetime:
        now = at(time, timezone.localdate())
        monkeypatch.setattr(timezone, "now", lambda: now)
        return now

    return set_to


@pytest.mark.django_db
@pytest.mark.parametrize("time", ["07:00", "23:30"])  # before any weekly session of today, and after all
def test_the_demo_leaves_the_therapist_sessions_of_today_to_document(clock, time):
    from artchart.demo import practice  # the demo builder imports every app

    now = clock(time)
    practice.build_demo()
    therapist = User.objects.get(username="therapist")
    midnight = at("00:00", now.date())
    begun = Session.objects.filter(therapist=therapist, starts_at__gte=midnight, starts_at__lte=now)
    waiting = begun.exclude(notes__status=NoteStatus.SIGNED).exclude(status=SessionStatus.CANCELLED)
    assert waiting.count() >= 2
    assert waiting.filter(status=SessionStatus.SCHEDULED).count() == 1
    assert not begun.filter(notes__isnull=False).exists()  # today's that have begun have no note yet
    later = Session.objects.filter(therapist=therapist, starts_at__gt=now, starts_at__lt=midnight + ONE_OFF_STEP * 29)
    assert all(s.status == SessionStatus.SCHEDULED for s in later)

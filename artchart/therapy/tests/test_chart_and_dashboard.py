"""The chart's course of treatment and the dashboard's cards: newest first, each item once, in queries that do not
grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.tests.factories import (
    AttendanceFactory,
    GroupFactory,
    GroupMembershipFactory,
    NoteFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def _days_ago(days: int, hour: int = 10) -> dt.datetime:
    return timezone.now().replace(hour=hour, minute=0, second=0, microsecond=0) - dt.timedelta(days=days)


def _sessions(client_record, therapist, count: int, *, start: int = 1):
    group = GroupFactory(site=client_record.site, facilitators=[therapist])
    GroupMembershipFactory(group=group, client=client_record, joined_on=dt.date(2020, 1, 1))
    for n in range(start, start + count):
        own = SessionFactory(client=client_record, therapist=therapist, starts_at=_days_ago(2 * n))
        NoteFactory(session=own, status="signed", signed_by=therapist, signed_at=timezone.now())
        in_group = SessionFactory(
            kind="group", client=None, group=group, therapist=therapist, starts_at=_days_ago(2 * n + 1)
        )
        AttendanceFactory(session=in_group, client=client_record, status="absent" if n % 2 else "present")


def _chart(browser, client_record):
    return browser.get(reverse("clients:chart", args=[client_record.pk]))


def test_the_chart_shows_sessions_notes_and_attendance_newest_first(client, therapist, client_record):
    _sessions(client_record, therapist, 2)
    upcoming = SessionFactory(
        client=client_record, therapist=therapist, status="scheduled", starts_at=timezone.now() + dt.timedelta(days=3)
    )
    client.force_login(therapist)
    page = _chart(client, client_record).content.decode()
    assert "Sessions and notes" in page and "Course of treatment" in page
    assert reverse("therapy:session_detail", args=[upcoming.pk]) in page
    assert page.count("Progress note") == 2 and "Absent" in page and "Present" in page
    first, second = (page.index(f"{_days_ago(d):%-d %b %Y}") for d in (2, 4))
    assert first < second


def test_a_team_member_sees_neither_sessions_nor_notes(client, teamviewer, therapist, client_record):
    # The access table keeps notes from treatment-team members; the session pages follow it.
    _sessions(client_record, therapist, 1)
    client.force_login(teamviewer)
    page = _chart(client, client_record).content.decode()
    assert "Course of treatment" not in page and "Progress note" not in page


def test_the_chart_query_count_does_not_grow_with_the_sessions(client, therapist, client_record):
    _sessions(client_record, therapist, 2)
    client.force_login(therapist)
    _chart(client, client_record)
    with CaptureQueriesContext(connection) as few:
        _chart(client, client_record)
    _sessions(client_record, therapist, 12, start=3)
    with CaptureQueriesContext(connection) as many:
        _chart(client, client_record)
    assert len(many) == len(few)


def test_the_interns_dashboard_lists_a_returned_note_once_and_asks_to_submit_drafts(
    client, intern, supervisor, client_record
):
    from artchart.therapy.models import NoteReturn

    returned = NoteFactory(session=SessionFactory(client=client_record, therapist=intern), author=intern)
    NoteReturn.objects.create(note=returned, by=supervisor, comment="Say what the drawing showed.")
    NoteFactory(session=SessionFactory(client=client_record, therapist=intern), author=intern)
    client.force_login(intern)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Notes returned to you with comments" in page and "Drafts to finish and submit" in page
    assert page.count(reverse("therapy:note_edit", args=[client_record.pk, returned.pk])) == 1

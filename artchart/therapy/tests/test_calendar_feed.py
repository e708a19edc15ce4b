"""The iCalendar feed: a secret address per user, no client names by default, reset to revoke."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from artchart.core.models import AuditEvent
from artchart.tests.factories import RoomFactory, SessionFactory
from artchart.therapy import ical
from artchart.therapy.models import CalendarFeed
from artchart.therapy.services.sessions import calendar_feed_reset, calendar_feed_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(therapist, client_record):
    room = RoomFactory(site=client_record.site, name="Studio A")
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=2), dt.time(10)))
    return SessionFactory(
        client=client_record,
        therapist=therapist,
        site=client_record.site,
        room=room,
        starts_at=start,
        status="scheduled",
    )


def fetch(client, token):
    return client.get(reverse("therapy:calendar_feed", args=[token]))


def test_only_the_tokens_hash_is_kept(therapist):
    feed, token = calendar_feed_reset(by=therapist)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(CalendarFeed.objects.values_list().get())


def test_feed_is_read_without_signing_in_and_names_no_client_by_default(client, therapist, booked):
    _feed, token = calendar_feed_reset(by=therapist)
    response = fetch(client, token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"UID:session-{booked.pk}@artchart" in body
    assert "SUMMARY:Individual session\r\n" in body
    assert "LOCATION:Studio A\\, Riverbend Studio" in body
    assert "Maya" not in body and "Lopez" not in body
    assert not AuditEvent.objects.filter(action="client.read").exists()


def test_feed_can_carry_initials_or_full_names_and_records_the_read(client, therapist, booked):
    _feed, token = calendar_feed_reset(by=therapist)
    calendar_feed_update(by=therapist, names="initials")
    assert "SUMMARY:Individual session: ML\r\n" in fetch(client, token).content.decode()
    calendar_feed_update(by=therapist, names="full")
    assert "SUMMARY:Individual session: Maya Lopez\r\n" in fetch(client, token).content.decode()
    read = AuditEvent.objects.filter(action="client.read").latest("seq")
    assert (read.actor, read.client_id_list) == (therapist, [booked.client_id])


def test_fetch_updates_last_fetched_at(client, therapist):
    feed, token = calendar_feed_reset(by=therapist)
    fetch(client, token)
    feed.refresh_from_db()
    assert feed.last_fetched_at is not None


def test_a_reset_token_and_a_made_up_one_get_404(client, therapist):
    _feed, old = calendar_feed_reset(by=therapist)
    _feed, new = calendar_feed_reset(by=therapist)
    assert fetch(client, old).status_code == 404
    assert fetch(client, "x" * 43).status_code == 404
    assert fetch(client, new).status_code == 200
    assert CalendarFeed.objects.count() == 1


def test_a_deactivated_users_feed_stops(client, therapist):
    _feed, token = calendar_feed_reset(by=therapist)
    therapist.is_active = False
    therapist.save()
    assert fetch(client, token).status_code == 404


def test_feed_page_shows_the_address_once(client, therapist):
    client.force_login(therapist)
    assert "Make my feed" in client.get(reverse("therapy:schedule_feed")).content.decode()
    page = client.post(reverse("therapy:schedule_feed_reset")).content.decode()
    assert "/calendar/" in page and ".ics" in page
    assert "/calendar/" not in client.get(reverse("therapy:schedule_feed")).content.decode()


def test_feed_page_sets_names_and_turns_the_feed_off(client, therapist):
    client.force_login(therapist)
    client.post(reverse("therapy:schedule_feed_reset"))
    client.post(reverse("therapy:schedule_feed_names"), {"names": "initials"})
    assert CalendarFeed.objects.get(user=therapist).names == "initials"
    client.post(reverse("therapy:schedule_feed_remove"))
    assert not CalendarFeed.objects.exists()


# --- the writer (RFC 5545) ----------------------------------------------------------------------------


def test_text_is_escaped():
    assert ical.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "é" * 80
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_times_are_written_in_utc():
    moment = timezone.make_aware(dt.datetime(2030, 7, 1, 9, 30))  # New York, summer time
    assert ical.utc(moment) == "20300701T133000Z"

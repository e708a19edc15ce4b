"""Measures follow what is due: the session page lists the measures due for its client, a button
each, and "Record a measure" from the session opens the instrument the client's schedules name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.measures import selectors
from artchart.measures.services.administrations import administration_record
from artchart.measures.services.schedules import schedule_set
from artchart.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _born_years_ago(client, years: int) -> None:
    today = timezone.localdate()
    client.date_of_birth = today.replace(year=today.year - years) - dt.timedelta(days=1)
    client.save(update_fields=["date_of_birth"])


def _session(therapist, client_record):
    return SessionFactory(
        client=client_record, therapist=therapist, status="completed", starts_at=timezone.now() - dt.timedelta(hours=1)
    )


def _record_url(client_record, session, instrument=None) -> str:
    query = f"instrument={instrument}&amp;session={session.pk}" if instrument else f"session={session.pk}"
    return f"{reverse('measures:administer', args=[client_record.pk])}?{query}"


def test_the_session_page_lists_the_measures_due_for_its_client_with_a_button_each(client, therapist, client_record):
    schedule_set(by=therapist, client=client_record, instrument="phq9", rule="sessions", interval=4)
    schedule_set(by=therapist, client=client_record, instrument="gad7", rule="sessions", interval=4)
    session = _session(therapist, client_record)
    client.force_login(therapist)

    html = client.get(reverse("therapy:session_detail", args=[session.pk])).content.decode()

    assert "Due for Maya Lopez" in html
    assert f'href="{_record_url(client_record, session, "phq9")}">Record the PHQ-9</a>' in html
    assert f'href="{_record_url(client_record, session, "gad7")}">Record the GAD-7</a>' in html
    assert html.count("· at intake") == 2


def test_a_due_button_opens_that_instrument_for_the_session(client, therapist, client_record):
    schedule_set(by=therapist, client=client_record, instrument="phq9", rule="sessions", interval=4)
    session = _session(therapist, client_record)
    client.force_login(therapist)
    response = client.get(
        reverse("measures:administer", args=[client_record.pk]) + f"?instrument=phq9&session={session.pk}"
    )
    assert response.status_code == 200 and response.context["instrument"].id == "phq9"
    assert str(response.context["form"].initial["session"]) == str(session.pk)


def test_nothing_due_lists_nothing_and_keeps_record_a_measure(client, therapist, client_record):
    session = _session(therapist, client_record)
    client.force_login(therapist)
    html = client.get(reverse("therapy:session_detail", args=[session.pk])).content.decode()
    assert "Due for" not in html and f'href="{_record_url(client_record, session)}">Record a measure</a>' in html


def test_record_a_measure_from_the_session_opens_the_scheduled_phq9_not_the_gad7_for_the_age(
    client, therapist, client_record
):
    _born_years_ago(client_record, 35)  # without a schedule, the GAD-7 fits a 35-year-old best
    schedule_set(by=therapist, client=client_record, instrument="phq9", rule="sessions", interval=5)
    session = _session(therapist, client_record)
    client.force_login(therapist)
    url = reverse("measures:administer", args=[client_record.pk]) + f"?session={session.pk}"

    assert client.get(url).context["instrument"].id == "phq9"  # due at intake

    administration_record(
        by=therapist, client=client_record, instrument="phq9", answers=[0] * 9, administered_on=timezone.localdate()
    )
    assert selectors.due_measures_for(therapist, client_ids=[client_record.pk]) == []
    assert client.get(url).context["instrument"].id == "phq9"  # not due again yet, still the client's measure


def test_between_due_dates_the_scheduled_measure_given_longest_ago_opens(therapist, client_record):
    _born_years_ago(client_record, 35)
    for instrument in ("phq9", "gad7"):
        schedule_set(by=therapist, client=client_record, instrument=instrument, rule="weeks", interval=8)
    for instrument, weeks_ago in (("phq9", 1), ("gad7", 3)):
        administration_record(
            by=therapist,
            client=client_record,
            instrument=instrument,
            answers=[0] * (9 if instrument == "phq9" else 7),
            administered_on=timezone.localdate() - dt.timedelta(weeks=weeks_ago),
        )
    assert selectors.due_measures_for(therapist, client_ids=[client_record.pk]) == []
    assert selectors.instrument_to_open(therapist, client_record).id == "gad7"


def test_someone_outside_the_care_team_gets_404_for_the_session_and_the_measure(
    client, therapist, outsider, client_record
):
    schedule_set(by=therapist, client=client_record, instrument="phq9", rule="sessions", interval=4)
    session = _session(therapist, client_record)
    client.force_login(outsider)
    assert client.get(reverse("therapy:session_detail", args=[session.pk])).status_code == 404
    response = client.get(
        reverse("measures:administer", args=[client_record.pk]) + f"?instrument=phq9&session={session.pk}"
    )
    assert response.status_code == 404


def test_the_session_page_query_count_does_not_grow_with_the_measures_due(client, therapist, client_record):
    session = _session(therapist, client_record)
    client.force_login(therapist)
    url = reverse("therapy:session_detail", args=[session.pk])
    schedule_set(by=therapist, client=client_record, instrument="phq9", rule="sessions", interval=4)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for instrument in ("gad7", "rses"):
        schedule_set(by=therapist, client=client_record, instrument=instrument, rule="sessions", interval=4)
    with CaptureQueriesContext(connection) as three:
        html = client.get(url).content.decode()
    assert html.count("Record the ") == 3
    assert len(three) == len(one)

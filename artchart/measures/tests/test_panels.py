"""The measures cards: risk alerts first on the dashboard of the clients' clinicians, measures
due, the chart's "Measures" card, and the measures recorded in a session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.clients.selectors import ClientAccess, client_get_for_user
from artchart.core.panel_registry import chart_panels, dashboard_panels, session_panels
from artchart.core.permissions import Action, Area
from artchart.measures.services.administrations import administration_record
from artchart.measures.services.alerts import alert_acknowledge
from artchart.measures.services.links import link_create
from artchart.measures.services.schedules import schedule_set
from artchart.tests.factories import (
    AttendanceFactory,
    CareTeamFactory,
    ClientFactory,
    GroupFactory,
    GroupMembershipFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

RISKY = [1, 1, 1, 1, 1, 1, 1, 1, 1]
QUIET = [0] * 9


def record(by, client, answers=QUIET, **extra):
    return administration_record(
        by=by, client=client, instrument="phq9", answers=answers, administered_on=timezone.localdate(), **extra
    )


def templates(panels):
    return [panel.template for panel in panels]


def test_an_open_alert_heads_the_dashboard_of_the_clinicians(client, therapist, intern, supervisor, client_record):
    alert = record(therapist, client_record, RISKY).alert
    for person in (therapist, intern, supervisor):
        panels = dashboard_panels(person)
        assert panels[0].template == "measures/_panel_alerts.html" and panels[0].order < 5
    client.force_login(therapist)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Risk alerts" in html and "Maya Lopez" in html and "PHQ-9" in html
    assert reverse("measures:alert_acknowledge", args=[client_record.pk, alert.pk]) in html
    alert_acknowledge(by=therapist, alert=alert, outcome="already_safe")
    assert "measures/_panel_alerts.html" not in templates(dashboard_panels(therapist))


def test_viewers_admins_and_other_therapists_see_no_alert(
    therapist, therapist2, teamviewer, admin, programadmin, client_record
):
    record(therapist, client_record, RISKY)
    for person in (therapist2, teamviewer, admin, programadmin):
        assert "measures/_panel_alerts.html" not in templates(dashboard_panels(person))


def test_measures_due_show_on_the_dashboard_with_the_link_sent(client, therapist, client_record):
    schedule_set(by=therapist, client=client_record, instrument="phq9", rule="weeks", interval=2)
    schedule_set(by=therapist, client=client_record, instrument="gad7", rule="sessions", interval=4)
    link_create(by=therapist, client=client_record, instrument="gad7", recipient="Maya")
    client.force_login(therapist)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Measures due" in html and "at intake" in html
    assert "link sent · waiting" in html
    record(therapist, client_record)
    html = client.get(reverse("dashboard")).content.decode()
    assert "PHQ-9</strong>" not in html.split("Measures due")[1]


def test_the_dashboard_query_count_does_not_grow_with_alerts(client, therapist, site):
    def add(count):
        for _ in range(count):
            other = ClientFactory(site=site)
            CareTeamFactory(client=other, user=therapist, role="primary")
            record(therapist, other, RISKY)
            schedule_set(by=therapist, client=other, instrument="gad7", rule="weeks", interval=1)

    add(2)
    client.force_login(therapist)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard"))
    add(6)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("dashboard"))
    assert len(many) == len(few)


def test_the_chart_card_shows_alerts_first_then_the_latest_scores(client, therapist, teamviewer, client_record):
    administration_record(
        by=therapist,
        client=client_record,
        instrument="phq9",
        answers=[2] * 8 + [0],
        administered_on=timezone.localdate() - dt.timedelta(days=30),
    )
    record(therapist, client_record, [1, 0, 0, 0, 0, 0, 0, 0, 1])
    client.force_login(therapist)
    html = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    card = html.split('id="h-chart-measures"')[1]
    assert card.index("Risk alert:") < card.index("PHQ-9</strong> 2")
    assert "Recovered" in card and "Record a measure" in card and "Acknowledge" in card
    client.force_login(teamviewer)
    card = (
        client.get(reverse("clients:chart", args=[client_record.pk])).content.decode().split('id="h-chart-measures"')[1]
    )
    assert "Risk alert:" in card and "Record a measure" not in card and ">Acknowledge<" not in card


def test_the_chart_card_is_for_clinical_readers_only(therapist, client_record):
    access = client_get_for_user(therapist, client_record.pk, area=Area.DEMOGRAPHICS, action=Action.READ)
    assert "measures/_panel_chart.html" in templates(chart_panels(access))
    nobody = ClientAccess(client_record, frozenset())
    assert "measures/_panel_chart.html" not in templates(chart_panels(nobody))


def test_an_individual_sessions_card_lists_its_measures_and_offers_to_record(
    client, therapist, teamviewer, client_record
):
    session = SessionFactory(
        client=client_record, therapist=therapist, status="completed", starts_at=timezone.now() - dt.timedelta(hours=2)
    )
    record(therapist, client_record, RISKY, session=session)
    client.force_login(therapist)
    html = client.get(reverse("therapy:session_detail", args=[session.pk])).content.decode()
    assert "Measures in this session" in html and "PHQ-9 9" in html and "risk alert" in html
    assert f"{reverse('measures:administer', args=[client_record.pk])}?session={session.pk}" in html
    panels = session_panels(teamviewer, session)
    assert panels == []


def test_a_group_sessions_card_names_only_members_the_user_may_read(therapist, therapist2, client_record, site):
    group = GroupFactory(site=site, facilitators=[therapist, therapist2])
    other = ClientFactory(site=site, legal_first_name="Noor", legal_last_name="Haddad")
    CareTeamFactory(client=other, user=therapist2, role="primary")
    session = SessionFactory(
        kind="group",
        client=None,
        group=group,
        therapist=therapist,
        status="completed",
        starts_at=timezone.now() - dt.timedelta(hours=2),
    )
    for member, by in ((client_record, therapist), (other, therapist2)):
        GroupMembershipFactory(group=group, client=member, joined_on=dt.date(2020, 1, 1))
        AttendanceFactory(session=session, client=member)
        record(by, member, session=session)
    rows = session_panels(therapist, session)[0].context["rows"]
    assert [row["administration"].client for row in rows] == [client_record]
    assert session_panels(therapist, session)[0].context["record_for"] is None

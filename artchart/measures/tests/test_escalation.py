"""Escalation of a risk alert left unacknowledged: after RISK_ESCALATE_MINUTES it goes once to
the supervising clinician of the primary therapist and the site's on-call clinician — a
dashboard card (audited the first time each sees it) and an e-mail with no client data.
The clock is moved by passing ``now``."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from artchart.core.models import AuditEvent
from artchart.measures.models import AlertEscalation
from artchart.measures.panels import dashboard_panels
from artchart.measures.services.administrations import administration_record
from artchart.measures.services.alerts import alert_acknowledge
from artchart.measures.services.escalation import MAIL_BODY, MAIL_SUBJECT, alerts_escalate
from artchart.tests.factories import SupervisionLinkFactory

pytestmark = pytest.mark.django_db

RISKY = [1, 1, 1, 1, 1, 1, 1, 1, 1]


@pytest.fixture
def alert(therapist, client_record):
    return administration_record(
        by=therapist, client=client_record, instrument="phq9", answers=RISKY, administered_on=timezone.localdate()
    ).alert


@pytest.fixture
def boss(org, therapist):
    from artchart.tests.factories import UserFactory

    person = UserFactory(
        organization=org,
        username="sam",
        role="supervisor",
        first_name="Sam",
        last_name="Okafor",
        email="sam@example.org",
    )
    SupervisionLinkFactory(supervisor=person, supervisee=therapist)
    return person


@pytest.fixture
def on_call(site, therapist2):
    therapist2.email = "oncall@example.org"
    therapist2.save()
    site.on_call_clinician = therapist2
    site.save()
    return therapist2


def later(alert, minutes):
    return alert.raised_at + dt.timedelta(minutes=minutes)


def test_an_alert_is_not_escalated_before_its_time(settings, alert, boss, on_call):
    settings.RISK_ESCALATE_MINUTES = 240
    assert alerts_escalate(now=later(alert, 239)) == 0
    alert.refresh_from_db()
    assert alert.escalated_at is None and not AlertEscalation.objects.exists()


def test_after_its_time_it_goes_once_to_the_supervisor_and_the_on_call_clinician(
    settings, alert, boss, on_call, django_capture_on_commit_callbacks
):
    settings.RISK_ESCALATE_MINUTES = 240
    mail.outbox.clear()
    when = later(alert, 241)
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts_escalate(now=when) == 1
    alert.refresh_from_db()
    assert alert.escalated_at == when
    assert {(e.recipient, e.reason) for e in AlertEscalation.objects.all()} == {
        (boss, "supervisor"),
        (on_call, "on_call"),
    }
    event = AuditEvent.objects.get(action="measure.risk_escalated")
    assert event.flagged and sorted(event.detail["recipients"]) == sorted([boss.pk, on_call.pk])
    assert sorted(m.to[0] for m in mail.outbox) == ["oncall@example.org", "sam@example.org"]
    for message in mail.outbox:
        assert message.subject == MAIL_SUBJECT and "Maya" not in message.body and "PHQ" not in message.body
    assert next(m for m in mail.outbox if m.to == ["sam@example.org"]).body == MAIL_BODY.format(name="Sam")
    # Idempotent: a second run, even much later, escalates nothing again.
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts_escalate(now=later(alert, 600)) == 0
    assert AlertEscalation.objects.count() == 2 and len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="measure.risk_escalated").count() == 1


def test_an_acknowledged_alert_is_never_escalated(settings, therapist, alert, boss, on_call):
    alert_acknowledge(by=therapist, alert=alert, outcome="already_safe")
    assert alerts_escalate(now=later(alert, 10_000)) == 0
    assert not AlertEscalation.objects.exists()


def test_an_alert_with_no_one_to_escalate_to_is_still_marked_once(alert):
    assert alerts_escalate(now=later(alert, 10_000)) == 1
    alert.refresh_from_db()
    assert alert.escalated_at is not None and not AlertEscalation.objects.exists()


def test_the_command_escalates_and_says_how_many(settings, alert, boss):
    settings.RISK_ESCALATE_MINUTES = 0
    out = StringIO()
    call_command("escalate_alerts", stdout=out)
    assert out.getvalue().strip() == "Escalated 1 risk alerts."
    assert AlertEscalation.objects.get().recipient == boss


def test_the_on_call_clinician_sees_a_card_without_the_clients_name_and_the_view_is_audited(
    client, alert, boss, on_call
):
    alerts_escalate(now=later(alert, 10_000))
    client.force_login(on_call)
    html = client.get(reverse("dashboard")).content.decode()
    assert "past its time" in html and "A client at <strong>Riverbend Studio</strong>" in html
    assert "Maya" not in html and "Lopez" not in html
    escalation = AlertEscalation.objects.get(recipient=on_call)
    assert escalation.seen_at is not None
    seen = AuditEvent.objects.get(action="measure.risk_escalation_seen")
    assert seen.actor == on_call and seen.detail == {"alerts": [alert.pk]}
    client.get(reverse("dashboard"))
    assert AuditEvent.objects.filter(action="measure.risk_escalation_seen").count() == 1


def test_the_supervisor_sees_the_client_and_a_link_to_the_alert(client, alert, boss, client_record):
    alerts_escalate(now=later(alert, 10_000))
    client.force_login(boss)
    html = client.get(reverse("dashboard")).content.decode()
    assert "past its time" in html and "Maya" in html
    assert reverse("measures:alert_acknowledge", args=[client_record.pk, alert.pk]) in html


def test_the_card_goes_once_the_alert_is_acknowledged(therapist, alert, boss):
    alerts_escalate(now=later(alert, 10_000))
    assert "measures/_panel_escalations.html" in [p.template for p in dashboard_panels(boss)]
    alert_acknowledge(by=therapist, alert=alert, outcome="referred")
    assert "measures/_panel_escalations.html" not in [p.template for p in dashboard_panels(boss)]


def test_the_on_call_clinician_is_set_where_sites_are_edited(client, admin, site, therapist2):
    client.force_login(admin)
    response = client.post(
        reverse("core:site_edit", args=[site.pk]),
        {
            "name": site.name,
            "population_type": site.population_type,
            "address": site.address,
            "on_call_clinician": therapist2.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.on_call_clinician == therapist2
    assert AuditEvent.objects.get(action="site.update").detail == {"fields": ["on_call_clinician"]}

"""Recording measures: scored before anything is stored, risk raises an alert that only a
safety-plan note clears, links work once, schedules make measures due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from artchart.core.models import AuditEvent
from artchart.measures import selectors
from artchart.measures.models import Administration, MeasureLink, RiskAlert
from artchart.measures.services.administrations import administration_record
from artchart.measures.services.alerts import alert_acknowledge
from artchart.measures.services.links import link_complete, link_create, link_resend
from artchart.measures.services.schedules import schedule_set
from artchart.tests.factories import SessionFactory


def phq9(by, client, answers, day=None, **extra):
    return administration_record(
        by=by, client=client, instrument="phq9", answers=answers, administered_on=day or timezone.localdate(), **extra
    )


def test_a_phq9_is_scored_and_kept_with_its_answers(therapist, client_record):
    administration = phq9(therapist, client_record, [1, 1, 2, 1, 0, 1, 1, 0, 0])
    assert administration.total == 7 and administration.band.lower().startswith("mild")
    assert administration.answers == [1, 1, 2, 1, 0, 1, 1, 0, 0] and not administration.risk
    assert AuditEvent.objects.filter(action="measure.record", object_id=str(administration.pk)).exists()
    assert not RiskAlert.objects.exists()


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ([1, 1, 2], "answers"),  # wrong number
        ([1, 1, 2, 1, 0, 1, 1, 0, 4], "answers"),  # outside the options
        (["a", 1, 2, 1, 0, 1, 1, 0, 0], "answers"),  # text
    ],
)
def test_bad_answers_store_nothing(therapist, client_record, answers, field):
    with pytest.raises(ValidationError) as error:
        phq9(therapist, client_record, answers)
    assert field in error.value.message_dict
    assert not Administration.objects.exists() and not AuditEvent.objects.filter(action="measure.record").exists()


def test_unknown_instrument_and_future_date_are_refused(therapist, client_record):
    with pytest.raises(ValidationError, match="Unknown instrument"):
        administration_record(
            by=therapist, client=client_record, instrument="XYZ", answers=[0], administered_on=timezone.localdate()
        )
    with pytest.raises(ValidationError, match="future"):
        phq9(therapist, client_record, [0] * 9, day=timezone.localdate() + dt.timedelta(days=1))
    assert not Administration.objects.exists()


def test_outsiders_get_404_and_viewers_403(therapist2, teamviewer, client_record):
    with pytest.raises(Http404):
        phq9(therapist2, client_record, [0] * 9)
    with pytest.raises(PermissionDenied):
        phq9(teamviewer, client_record, [0] * 9)


def test_item_9_raises_an_alert_until_it_is_acknowledged_with_a_reason(therapist, client_record):
    therapist.email = "therapist@example.org"
    therapist.save()
    administration = phq9(therapist, client_record, [1, 1, 1, 1, 1, 1, 1, 1, 1])
    alert = RiskAlert.objects.get(administration=administration)
    assert alert.is_open and list(selectors.open_alerts_for(therapist)) == [alert]
    event = AuditEvent.objects.get(action="measure.risk_alert")
    assert event.flagged
    with pytest.raises(ValidationError):
        alert_acknowledge(by=therapist, alert=alert, outcome="other", note="  ")
    alert_acknowledge(by=therapist, alert=alert, outcome="referred")
    assert not selectors.open_alerts_for(therapist).exists()
    assert AuditEvent.objects.filter(action="measure.risk_acknowledged", flagged=True).exists()


def test_the_alert_mail_carries_no_client_data(therapist, client_record, django_capture_on_commit_callbacks):
    therapist.email = "therapist@example.org"
    therapist.save()
    with django_capture_on_commit_callbacks(execute=True):
        phq9(therapist, client_record, [0, 0, 0, 0, 0, 0, 0, 0, 2])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    text = message.subject + message.body
    for private in (client_record.legal_first_name, client_record.legal_last_name, "PHQ", str(client_record.pk) + " "):
        assert private not in text


def test_a_link_works_once_and_a_resend_replaces_it(therapist, client_record):
    link, token = link_create(by=therapist, client=client_record, instrument="gad7", recipient="Maya")
    _, fresh = link_resend(by=therapist, link=link)
    with pytest.raises(Http404):
        link_complete(token=token, answers=[0] * 7)  # replaced
    administration = link_complete(token=fresh, answers=[2, 2, 1, 1, 1, 0, 1])
    assert administration.mode == "link" and administration.total == 8 and administration.recorded_by is None
    with pytest.raises(Http404):
        link_complete(token=fresh, answers=[0] * 7)  # used
    assert MeasureLink.objects.get(administration=administration).status == "completed"


def test_an_expired_link_is_gone(therapist, client_record):
    link, token = link_create(by=therapist, client=client_record, instrument="gad7", recipient="Maya")
    MeasureLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(Http404):
        link_complete(token=token, answers=[0] * 7)


def test_a_schedule_makes_the_measure_due(therapist, client_record):
    schedule_set(by=therapist, client=client_record, instrument="phq9", rule="sessions", interval=2)
    due = selectors.due_measures_for(therapist)
    assert [(d.client, d.instrument.id, d.reason) for d in due] == [(client_record, "phq9", "at intake")]
    phq9(therapist, client_record, [0] * 9, day=timezone.localdate() - dt.timedelta(days=30))
    assert selectors.due_measures_for(therapist) == []
    for days_ago in (20, 10):
        SessionFactory(
            client=client_record,
            therapist=therapist,
            status="completed",
            starts_at=timezone.now() - dt.timedelta(days=days_ago),
        )
    assert [d.reason for d in selectors.due_measures_for(therapist)] == ["2 sessions since the last"]


def test_trajectory_classifies_a_reliable_improvement(therapist, client_record):
    for days_ago, answers in ((60, [3, 3, 2, 2, 2, 2, 2, 1, 0]), (1, [1, 1, 1, 0, 1, 0, 1, 0, 0])):
        phq9(therapist, client_record, answers, day=timezone.localdate() - dt.timedelta(days=days_ago))
    access = selectors.measures_access(therapist, client_record.pk)
    [trajectory] = selectors.trajectories_of(access)
    assert trajectory.course.classification in ("recovered", "improved")
    assert "PHQ-9" in trajectory.course.change.rule

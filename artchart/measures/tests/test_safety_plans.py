"""Safety plans: a version is signed once and never changes, a new one supersedes it, a plan
with no one to contact is refused with nothing written, a review with the client is recorded,
and a risk alert is answered by a plan written or reviewed — on the service and on the pages,
with outsiders getting 404 and viewers unable to write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from artchart.core import audit
from artchart.core.models import AuditEvent
from artchart.measures.models import DEFAULT_CRISIS_RESOURCES, SafetyPlan, SafetyPlanReview
from artchart.measures.services.administrations import administration_record
from artchart.measures.services.safety import (
    NEEDS_CONTACT,
    NOT_CURRENT,
    safety_plan_canonical,
    safety_plan_review,
    safety_plan_sign,
)

pytestmark = pytest.mark.django_db

RISKY = [1, 1, 1, 1, 1, 1, 1, 1, 1]
PLAN = {
    "warning_signs": ["Staying in bed all day"],
    "coping_strategies": ["Drawing in my sketchbook"],
    "help_contacts": ["Aunt Rosa — 555 0101"],
    "reasons_for_living": ["My cat, Pip"],
}


def sign(by, client, **changes):
    return safety_plan_sign(by=by, client=client, crisis_resources=DEFAULT_CRISIS_RESOURCES, **{**PLAN, **changes})


def alert_of(by, client):
    return administration_record(
        by=by, client=client, instrument="phq9", answers=RISKY, administered_on=timezone.localdate()
    ).alert


def url(name, client, *args):
    return reverse(f"measures:{name}", args=[client.pk, *args])


# --- services ---------------------------------------------------------------------------------------------------


def test_a_new_version_supersedes_and_the_old_one_stays_as_signed(therapist, client_record):
    first = sign(therapist, client_record)
    second = sign(therapist, client_record, help_contacts=["Aunt Rosa — 555 0101", "Coach Lee — 555 0102"])
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.help_contacts == ["Aunt Rosa — 555 0101"] and first.signed_by == therapist
    events = AuditEvent.objects.filter(action="measure.safety_plan_sign")
    assert [e.detail for e in events.order_by("seq")] == [
        {"version": 1, "supersedes": None, "content_hmac": audit.content_digest(safety_plan_canonical(first))},
        {"version": 2, "supersedes": 1, "content_hmac": audit.content_digest(safety_plan_canonical(second))},
    ]
    assert "Rosa" not in str([e.detail for e in events])


def test_a_plan_without_a_person_or_agency_to_contact_is_refused_and_nothing_is_written(therapist, client_record):
    with pytest.raises(ValidationError) as caught:
        sign(therapist, client_record, help_contacts=["  "], professionals=[])
    assert caught.value.message_dict["help_contacts"] == [NEEDS_CONTACT]
    assert not SafetyPlan.objects.exists()
    assert not AuditEvent.objects.filter(action="measure.safety_plan_sign").exists()


def test_an_agency_alone_is_enough(therapist, client_record):
    plan = sign(therapist, client_record, help_contacts=[], professionals=["County crisis team — 555 0199"])
    assert plan.professionals == ["County crisis team — 555 0199"]


def test_a_review_with_the_client_is_recorded_and_only_for_the_current_version(therapist, client_record):
    first = sign(therapist, client_record, reviewed_on=timezone.localdate())
    assert first.reviews.get().reviewed_by == therapist
    sign(therapist, client_record)
    with pytest.raises(ValidationError) as caught:
        safety_plan_review(by=therapist, plan=first, reviewed_on=timezone.localdate())
    assert caught.value.message_dict["reviewed_on"] == [NOT_CURRENT.format(version=1)]
    assert SafetyPlanReview.objects.count() == 1


def test_a_review_cannot_be_dated_in_the_future(therapist, client_record):
    plan = sign(therapist, client_record)
    with pytest.raises(ValidationError):
        safety_plan_review(by=therapist, plan=plan, reviewed_on=timezone.localdate() + dt.timedelta(days=1))
    assert not SafetyPlanReview.objects.exists()


def test_signing_a_plan_for_an_alert_acknowledges_it_in_the_same_write(therapist, client_record):
    alert = alert_of(therapist, client_record)
    plan = sign(therapist, client_record, alert=alert)
    alert.refresh_from_db()
    assert not alert.is_open and alert.outcome == "plan_written" and alert.safety_plan == plan
    event = AuditEvent.objects.get(action="measure.risk_acknowledged")
    assert event.detail["outcome"] == "plan_written" and event.detail["safety_plan"] == plan.pk


def test_reviewing_the_plan_for_an_alert_acknowledges_it(therapist, client_record):
    plan = sign(therapist, client_record)
    alert = alert_of(therapist, client_record)
    safety_plan_review(by=therapist, plan=plan, reviewed_on=timezone.localdate(), alert=alert)
    alert.refresh_from_db()
    assert alert.outcome == "plan_reviewed" and alert.safety_plan == plan


def test_a_refused_plan_leaves_the_alert_open(therapist, client_record):
    alert = alert_of(therapist, client_record)
    with pytest.raises(ValidationError):
        sign(therapist, client_record, help_contacts=[], alert=alert)
    alert.refresh_from_db()
    assert alert.is_open


def test_viewers_cannot_sign_and_outsiders_get_404(therapist2, teamviewer, client_record):
    with pytest.raises(PermissionDenied):
        sign(teamviewer, client_record)
    with pytest.raises(Http404):
        sign(therapist2, client_record)
    assert not SafetyPlan.objects.exists()


# --- pages ------------------------------------------------------------------------------------------------------


def _form(**changes):
    data = {
        "warning_signs": "Staying in bed all day\nNot answering texts",
        "coping_strategies": "Drawing",
        "distractions": "",
        "help_contacts": "Aunt Rosa — 555 0101",
        "professionals": "",
        "crisis_resources": DEFAULT_CRISIS_RESOURCES,
        "means_safety": "Pills kept by my aunt",
        "reasons_for_living": "My cat, Pip",
        "reviewed_on": timezone.localdate().isoformat(),
    }
    data.update(changes)
    return data


def test_the_form_starts_with_the_organizations_crisis_line_and_signs_a_plan(client, therapist, client_record):
    client.force_login(therapist)
    html = client.get(url("safety_plan_new", client_record)).content.decode()
    assert "988" in html and "People I can ask for help" in html
    response = client.post(url("safety_plan_new", client_record), _form())
    assert response.status_code == 302
    plan = SafetyPlan.objects.get()
    assert plan.warning_signs == ["Staying in bed all day", "Not answering texts"]
    assert plan.reviews.get().reviewed_by == therapist
    html = client.get(url("safety_plan", client_record)).content.decode()
    assert "Version 1" in html and "Not answering texts" in html and "Current" in html
    chart = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    assert "Safety plan" in chart and url("safety_plan_print", client_record, plan.pk) in chart


def test_the_form_refuses_a_plan_with_no_one_to_contact(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(url("safety_plan_new", client_record), _form(help_contacts="  \n "))
    html = response.content.decode()
    assert response.status_code == 200 and "Nothing was saved." in html and NEEDS_CONTACT in html
    assert not SafetyPlan.objects.exists()


def test_the_print_page_has_the_plan_and_no_navigation(client, therapist, client_record):
    plan = sign(therapist, client_record)
    client.force_login(therapist)
    html = client.get(url("safety_plan_print", client_record, plan.pk)).content.decode()
    assert "My safety plan" in html and "Aunt Rosa" in html and "988" in html
    assert "<nav" not in html and "@media print" not in html  # the print rules live in the stylesheet


def test_writing_from_an_alert_acknowledges_it(client, therapist, client_record):
    alert = alert_of(therapist, client_record)
    client.force_login(therapist)
    html = client.get(url("alert_acknowledge", client_record, alert.pk)).content.decode()
    assert f"{url('safety_plan_new', client_record)}?alert={alert.pk}" in html
    response = client.post(f"{url('safety_plan_new', client_record)}?alert={alert.pk}", _form())
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.outcome == "plan_written"


def test_reviewing_from_the_alert_page_acknowledges_it(client, therapist, client_record):
    sign(therapist, client_record)
    alert = alert_of(therapist, client_record)
    client.force_login(therapist)
    response = client.post(
        url("alert_acknowledge", client_record, alert.pk),
        {"action": "review", "reviewed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.outcome == "plan_reviewed"


def test_a_viewer_reads_the_plan_but_cannot_write_or_review_it(client, therapist, teamviewer, client_record):
    plan = sign(therapist, client_record)
    client.force_login(teamviewer)
    html = client.get(url("safety_plan", client_record)).content.decode()
    assert "Aunt Rosa" in html and "Write a new version" not in html
    assert client.get(url("safety_plan_new", client_record)).status_code == 403
    assert client.post(url("safety_plan_new", client_record), _form()).status_code == 403
    assert (
        client.post(
            url("safety_plan_review", client_record, plan.pk), {"reviewed_on": timezone.localdate().isoformat()}
        ).status_code
        == 403
    )
    assert SafetyPlan.objects.count() == 1 and not SafetyPlanReview.objects.exists()


def test_an_outsider_gets_404_everywhere(client, therapist, outsider, client_record):
    plan = sign(therapist, client_record)
    client.force_login(outsider)
    for name, args in [("safety_plan", []), ("safety_plan_new", []), ("safety_plan_print", [plan.pk])]:
        assert client.get(url(name, client_record, *args)).status_code == 404
    assert (
        client.post(
            url("safety_plan_review", client_record, plan.pk), {"reviewed_on": timezone.localdate().isoformat()}
        ).status_code
        == 404
    )

"""Measures that fit the client: an instrument outside the client's age range is refused without a reason
and kept with it, from every entry point; "Record a measure" opens the due or age-fitting instrument;
an alert carries its instrument's severity (C-SSRS screen)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from artchart.core.services import token_issue
from artchart.measures import selectors
from artchart.measures.models import Administration, MeasureLink, RiskAlert
from artchart.measures.services.administrations import administration_record
from artchart.measures.services.links import link_complete, link_create
from artchart.measures.services.schedules import schedule_set

ADULT_GDS = [0] * 15  # GDS-15 is made for 65 and over; the fixture client is an adult under 65


def today() -> dt.date:
    return timezone.localdate()


def born_years_ago(client, years: int) -> None:
    client.date_of_birth = today().replace(year=today().year - years) - dt.timedelta(days=30)
    client.save(update_fields=["date_of_birth"])


def gds(by, client, **extra):
    return administration_record(
        by=by, client=client, instrument="gds15", answers=ADULT_GDS, administered_on=today(), **extra
    )


# --- the service and each entry point ------------------------------------------------------------------------


def test_outside_the_age_range_is_refused_without_a_reason_and_nothing_is_written(therapist, client_record):
    with pytest.raises(ValidationError) as error:
        gds(therapist, client_record)
    message = error.value.message_dict["fit_reason"][0]
    assert message.startswith("GDS-15 is made for ages 65 and over, and this client is ")
    assert not Administration.objects.exists()


def test_a_reason_is_kept_with_the_administration(therapist, client_record):
    administration = gds(therapist, client_record, fit_reason="  Client asked for the short yes/no form.  ")
    assert administration.fit_reason == "Client asked for the short yes/no form."
    assert administration.total == 5  # "no" to the five positively worded questions scores 1 each


def test_a_fitting_instrument_needs_no_reason_and_keeps_none(therapist, client_record):
    administration = administration_record(
        by=therapist,
        client=client_record,
        instrument="phq9",
        answers=[0] * 9,
        administered_on=today(),
        fit_reason="not needed",
    )
    assert administration.fit_reason == ""


def test_age_is_taken_on_the_administration_date(therapist, client_record):
    # 17 today, so the PHQ-A fits today but not once the client is 18.
    client_record.date_of_birth = today().replace(year=today().year - 18) + dt.timedelta(days=10)
    client_record.save(update_fields=["date_of_birth"])
    administration_record(
        by=therapist, client=client_record, instrument="phqa", answers=[0] * 9, administered_on=today()
    )
    with pytest.raises(ValidationError):
        administration_record(
            by=therapist, client=client_record, instrument="phq9", answers=[0] * 9, administered_on=today()
        )


def test_a_link_outside_the_age_range_needs_a_reason_which_the_administration_keeps(therapist, client_record):
    with pytest.raises(ValidationError) as error:
        link_create(by=therapist, client=client_record, instrument="gds15", recipient="Client")
    assert "fit_reason" in error.value.message_dict
    assert not MeasureLink.objects.exists()
    link, token = link_create(
        by=therapist, client=client_record, instrument="gds15", recipient="Client", fit_reason="Asked by the care home"
    )
    assert link.fit_reason == "Asked by the care home"
    assert link_complete(token=token, answers=ADULT_GDS).fit_reason == "Asked by the care home"


def test_the_clinician_form_refuses_then_records_with_the_reason(client, therapist, client_record):
    client.force_login(therapist)
    address = reverse("measures:administer", args=[client_record.pk])
    page = client.get(address, {"instrument": "gds15"})
    assert "is made for ages 65 and over" in page.content.decode()
    form = {
        "instrument": "gds15",
        "administered_on": today().isoformat(),
        "respondent": "client",
        **{f"item_{n}": "0" for n in range(1, 16)},
    }
    refused = client.post(address, form)
    assert refused.status_code == 200 and "Give a reason" in refused.content.decode()
    assert not Administration.objects.exists()
    done = client.post(address, {**form, "fit_reason": "Requested by the client's GP"})
    assert done.status_code == 302
    assert Administration.objects.get().fit_reason == "Requested by the client's GP"


def test_the_handoff_refuses_without_a_reason_and_carries_it(client, therapist, client_record):
    client.force_login(therapist)
    start = reverse("measures:handoff_start", args=[client_record.pk])
    refused = client.post(start, {"instrument": "gds15"})
    assert refused.status_code == 302 and "measures_handoff" not in client.session
    client.post(start, {"instrument": "gds15", "fit_reason": "Client prefers yes/no questions"})
    assert client.session["measures_handoff"]["fit_reason"] == "Client prefers yes/no questions"
    answers = {f"item_{n}": "0" for n in range(1, 16)}
    client.post(reverse("measures:handoff"), answers)
    assert Administration.objects.get().fit_reason == "Client prefers yes/no questions"


def test_the_link_page_refuses_without_a_reason(client, therapist, client_record):
    client.force_login(therapist)
    address = reverse("measures:link_create", args=[client_record.pk])
    response = client.post(address, {"instrument": "gds15", "for_whom": "client"})
    assert response.status_code == 200 and "Give a reason" in response.content.decode()
    assert not MeasureLink.objects.exists()


def test_the_api_refuses_without_a_reason_and_stores_it_with_one(client, therapist, client_record):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=therapist)[1]}"}
    address = f"/api/v1/clients/{client_record.pk}/measures"
    body = {"instrument": "gds15", "answers": ADULT_GDS, "date": today().isoformat()}
    refused = client.post(address, body, content_type="application/json", **headers)
    assert refused.status_code == 400 and "fit_reason" in refused.json()["errors"]
    assert not Administration.objects.exists()
    done = client.post(address, {**body, "fit_reason": "Research protocol"}, content_type="application/json", **headers)
    assert done.status_code in (200, 201), done.content
    assert Administration.objects.get().fit_reason == "Research protocol"


# --- what "Record a measure" opens ---------------------------------------------------------------------------


def test_record_a_measure_opens_the_due_instrument(client, therapist, client_record):
    schedule_set(by=therapist, client=client_record, instrument="rses", rule="sessions", interval=2)
    client.force_login(therapist)
    response = client.get(reverse("measures:administer", args=[client_record.pk]))
    assert response.context["instrument"].id == "rses"


@pytest.mark.parametrize(("years", "expected"), [(35, "gad7"), (14, "phqa"), (9, "scared_child"), (72, "gds15")])
def test_without_a_schedule_it_opens_one_made_for_the_clients_age(therapist, client_record, years, expected):
    born_years_ago(client_record, years)
    assert selectors.instrument_to_open(therapist, client_record).id == expected


def test_a_child_younger_than_every_instrument_gets_the_nearest_carers_form(therapist, client_record):
    born_years_ago(client_record, 7)
    assert selectors.instrument_to_open(therapist, client_record).id == "scared_parent"


# --- alert severity ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "severity"),
    [
        ([1, 1, 0, 0, 0, 0], "moderate"),
        ([1, 1, 1, 1, 1, 0], "high"),
        ([0, 0, 0, 0, 0, 2], "high"),
    ],
)
def test_a_cssrs_alert_carries_its_severity(therapist, client_record, answers, severity):
    administration = administration_record(
        by=therapist, client=client_record, instrument="cssrs_screen", answers=answers, administered_on=today()
    )
    assert RiskAlert.objects.get(administration=administration).severity == severity


def test_a_phq9_alert_stays_high(therapist, client_record):
    administration = administration_record(
        by=therapist, client=client_record, instrument="phq9", answers=[0] * 8 + [1], administered_on=today()
    )
    assert administration.alert.severity == "high"

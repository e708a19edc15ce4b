"""The accounting of disclosures (HIPAA 164.528) and the 42 CFR Part 2 redisclosure notice."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.clients import models as record
from artchart.clients import services
from artchart.clients.models import PART2_REDISCLOSURE_NOTICE, Disclosure
from artchart.core import services as core_services
from artchart.core.models import AuditEvent
from artchart.tests.factories import ConsentFactory


def _today():
    """Today in the practice's zone, read when asked: a run that crosses midnight must not compare two days."""
    return timezone.localdate()


pytestmark = pytest.mark.django_db

SIGNED = _today() - dt.timedelta(days=100)


@pytest.fixture
def release(client_record, therapist):
    """A release of information to the family physician, signed 100 days ago, for a year."""
    return ConsentFactory(
        client=client_record,
        recorded_by=therapist,
        kind="release",
        signed_on=SIGNED,
        recipient="Dr. Alicia Moreno",
        purpose="Coordination of care",
        information="Treatment plan goals",
        expires_on=SIGNED + dt.timedelta(days=365),
        right_to_revoke_explained=True,
    )


def _disclose(client_record, by, **fields):
    values = {
        "kind": "report",
        "recipient": "Dr. Alicia Moreno",
        "purpose": "Coordination of care",
        "description": "Progress summary",
        "disclosed_on": _today() - dt.timedelta(days=5),
        **fields,
    }
    return services.disclosure_record(by=by, client=client_record, **values)


def _as(user) -> Browser:
    _, raw = core_services.token_issue(user=user, name="tests")
    return Browser(headers={"Authorization": f"Bearer {raw}"})


def _api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def _writes():
    """What a refused disclosure must leave as it was (reads are audited, so they are left out)."""
    return AuditEvent.objects.exclude(
        action__in=["client.read", "token.issue", "token.use"]
    ).count(), Disclosure.objects.count()


def _refused(call) -> dict[str, list[str]]:
    before = _writes()
    with pytest.raises(ValidationError) as caught:
        call()
    assert _writes() == before
    return caught.value.message_dict


# --- recording a release -----------------------------------------------------------------------------------


def test_a_release_on_an_authorization_in_force_is_recorded_and_audited(client, client_record, therapist, release):
    client.force_login(therapist)
    response = client.post(
        reverse("clients:disclosure_add", args=[client_record.pk]),
        {
            "disclosed_on": (_today() - dt.timedelta(days=2)).isoformat(),
            "kind": "report",
            "recipient": "Dr. Alicia Moreno",
            "purpose": "Coordination of care",
            "description": "Progress summary",
            "legal_basis": "authorization",
            "consent": release.pk,
        },
    )
    disclosure = Disclosure.objects.get()
    assert response.status_code == 302
    assert (disclosure.consent, disclosure.disclosed_by, disclosure.redisclosure_notice) == (release, therapist, "")
    event = AuditEvent.objects.get(action="disclosure.record")
    assert event.object_id == str(disclosure.pk) and event.client_id_list == [client_record.pk]
    assert "Moreno" not in str(event.detail) and "Progress" not in str(event.detail)
    page = client.get(response["Location"]).content.decode()
    assert "Progress summary" in page and "Redisclosure notice" not in page


def test_a_disclosure_without_a_recipient_is_refused_and_writes_nothing(client, client_record, therapist, release):
    client.force_login(therapist)
    before = _writes()
    response = client.post(
        reverse("clients:disclosure_add", args=[client_record.pk]),
        {
            "disclosed_on": _today().isoformat(),
            "kind": "report",
            "recipient": "",
            "purpose": "Care",
            "description": "Summary",
            "legal_basis": "authorization",
            "consent": release.pk,
        },
    )
    assert response.status_code == 200
    assert record.DISCLOSURE_NEEDS_RECIPIENT in response.content.decode()
    assert _writes() == before


def test_the_caller_names_the_day_of_a_release_the_service_never_assumes_today(client_record, therapist):
    with pytest.raises(TypeError, match="disclosed_on"):
        services.disclosure_record(
            by=therapist, client=client_record, kind="report", recipient="County", legal_basis="required_by_law"
        )
    assert not Disclosure.objects.exists()


def test_a_revoked_release_is_refused_from_its_revocation_on(client_record, therapist, release):
    disclosed = _today() - dt.timedelta(days=20)
    services.consent_revoke(by=therapist, consent=release, on=_today() - dt.timedelta(days=10))
    errors = _refused(lambda: _disclose(client_record, therapist, consent=release))
    assert errors == {"consent": [record.CONSENT_NOT_IN_FORCE]}
    # Before the revocation the release was in force, so a disclosure dated then stands.
    assert _disclose(client_record, therapist, consent=release, disclosed_on=disclosed).consent == release


def test_an_expired_refused_or_unsigned_release_is_refused(client_record, therapist, release):
    expired = ConsentFactory(
        client=client_record,
        recorded_by=therapist,
        kind="release",
        signed_on=SIGNED,
        recipient="X",
        purpose="Y",
        information="Z",
        expires_on=SIGNED + dt.timedelta(days=30),
        right_to_revoke_explained=True,
    )
    refused = ConsentFactory(
        client=client_record,
        recorded_by=therapist,
        kind="release",
        decision="refused",
        signed_on=SIGNED,
        recipient="X",
        purpose="Y",
        information="Z",
        expiry_event="Discharge",
        right_to_revoke_explained=True,
    )
    for consent in (expired, refused):
        assert _refused(lambda consent=consent: _disclose(client_record, therapist, consent=consent)) == {
            "consent": [record.CONSENT_NOT_IN_FORCE]
        }
    before_signing = SIGNED - dt.timedelta(days=1)
    assert _refused(lambda: _disclose(client_record, therapist, consent=release, disclosed_on=before_signing)) == {
        "consent": [record.CONSENT_NOT_IN_FORCE]
    }


def test_a_release_of_another_client_or_another_kind_is_refused(client_record, therapist, release):
    theirs = ConsentFactory(
        recorded_by=therapist,
        kind="release",
        signed_on=SIGNED,
        recipient="X",
        purpose="Y",
        information="Z",
        expiry_event="Discharge",
        right_to_revoke_explained=True,
    )
    treatment = ConsentFactory(client=client_record, recorded_by=therapist, signed_on=SIGNED)
    assert _refused(lambda: _disclose(client_record, therapist, consent=theirs)) == {
        "consent": [record.CONSENT_OTHER_CLIENT]
    }
    assert _refused(lambda: _disclose(client_record, therapist, consent=treatment)) == {
        "consent": [record.CONSENT_NOT_RELEASE]
    }
    assert _refused(lambda: _disclose(client_record, therapist)) == {"consent": [record.DISCLOSURE_NEEDS_CONSENT]}


@pytest.mark.parametrize("basis", ["required_by_law", "public_health", "health_oversight", "judicial"])
def test_a_legal_basis_other_than_authorization_needs_no_release(client_record, therapist, basis):
    disclosure = _disclose(client_record, therapist, legal_basis=basis, recipient="County court")
    assert disclosure.consent is None and disclosure.legal_basis == basis


def test_read_only_members_cannot_record_a_disclosure(client, client_record, supervisor, teamviewer):
    for person in (supervisor, teamviewer):
        client.force_login(person)
        response = client.post(
            reverse("clients:disclosure_add", args=[client_record.pk]),
            {
                "disclosed_on": _today().isoformat(),
                "kind": "report",
                "recipient": "County",
                "purpose": "Law",
                "description": "Dates",
                "legal_basis": "required_by_law",
            },
        )
        assert response.status_code == 403
    assert not Disclosure.objects.exists()


# --- corrections ------------------------------------------------------------------------------------------------


def test_a_correction_is_appended_and_the_original_stays_as_recorded(client, client_record, therapist, release):
    original = _disclose(client_record, therapist, consent=release, recipient="Dr. Alicia Moreno")
    client.force_login(therapist)
    response = client.post(
        reverse("clients:disclosure_correct", args=[client_record.pk, original.pk]),
        {
            "disclosed_on": original.disclosed_on.isoformat(),
            "kind": "report",
            "recipient": "Dr. Alicia Moreno-Diaz",
            "purpose": original.purpose,
            "description": original.description,
            "legal_basis": "authorization",
            "consent": release.pk,
            "correction_reason": "Recipient's full name",
        },
    )
    assert response.status_code == 302
    correction = Disclosure.objects.exclude(pk=original.pk).get()
    original.refresh_from_db()
    assert original.recipient == "Dr. Alicia Moreno"
    assert (correction.corrects, correction.recipient) == (original, "Dr. Alicia Moreno-Diaz")
    assert AuditEvent.objects.filter(action="disclosure.correct", object_id=str(correction.pk)).exists()
    page = client.get(reverse("clients:accounting", args=[client_record.pk])).content.decode()
    assert "Dr. Alicia Moreno-Diaz" in page and "Corrected" in page and "Recipient&#x27;s full name" in page
    rows = _csv_rows(client, client_record)
    by_id = {row["disclosure_id"]: row for row in rows}
    assert by_id[str(correction.pk)]["corrects_id"] == str(original.pk)
    assert by_id[str(original.pk)]["corrected_by_ids"] == str(correction.pk)


def test_a_correction_needs_a_reason(client_record, therapist):
    original = _disclose(client_record, therapist, legal_basis="required_by_law")
    assert _refused(
        lambda: services.disclosure_correct(by=therapist, original=original, correction_reason="", recipient="Other")
    ) == {"correction_reason": [record.CORRECTION_NEEDS_REASON]}


# --- the accounting ------------------------------------------------------------------------------------------------


def _csv_rows(client, client_record) -> list[dict]:
    response = client.get(reverse("clients:accounting_csv", args=[client_record.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_accounting_covers_the_last_six_years(client, client_record, therapist):
    six_years_ago = _today().replace(year=_today().year - 6)
    inside = _disclose(client_record, therapist, legal_basis="required_by_law", disclosed_on=six_years_ago)
    _disclose(
        client_record,
        therapist,
        legal_basis="required_by_law",
        recipient="Too old",
        disclosed_on=six_years_ago - dt.timedelta(days=1),
    )
    client.force_login(therapist)
    page = client.get(reverse("clients:accounting", args=[client_record.pk])).content.decode()
    assert "Dr. Alicia Moreno" in page and "Too old" not in page
    assert [row["disclosure_id"] for row in _csv_rows(client, client_record)] == [str(inside.pk)]


def test_a_spreadsheet_formula_in_a_field_is_neutralised_in_the_csv(client, client_record, therapist):
    _disclose(client_record, therapist, legal_basis="required_by_law", recipient='=HYPERLINK("x")')
    client.force_login(therapist)
    assert _csv_rows(client, client_record)[0]["recipient"] == '\'=HYPERLINK("x")'


def test_a_part2_record_carries_the_redisclosure_notice_on_every_release(client, client_record, therapist, release):
    client_record = services.client_update(by=therapist, client=client_record, part2_substance_use=True)
    on_consent = _disclose(client_record, therapist, consent=release)
    by_law = _disclose(client_record, therapist, legal_basis="judicial", recipient="County court")
    assert on_consent.redisclosure_notice == by_law.redisclosure_notice == PART2_REDISCLOSURE_NOTICE
    assert "42 CFR part 2" in PART2_REDISCLOSURE_NOTICE and "see 42 CFR 2.31" in PART2_REDISCLOSURE_NOTICE
    client.force_login(therapist)
    detail = client.get(reverse("clients:disclosure_detail", args=[client_record.pk, on_consent.pk])).content.decode()
    assert "Redisclosure notice (42 CFR 2.32)" in detail
    assert "A general authorization for the release of medical or other information is NOT sufficient" in detail
    assert {row["redisclosure_notice"] for row in _csv_rows(client, client_record)} == {PART2_REDISCLOSURE_NOTICE}
    page = client.get(reverse("clients:accounting", args=[client_record.pk])).content.decode()
    assert page.count("42 CFR 2.32 notice") == 2
    accounting = _as(therapist).get(_api("accounting", client_id=client_record.pk)).json()
    assert accounting["part2_substance_use"] is True
    assert {e["disclosure"]["redisclosure_notice"] for e in accounting["entries"]} == {PART2_REDISCLOSURE_NOTICE}


def test_the_part2_flag_is_set_on_the_client_form_by_writers_only(client, client_record, therapist, site):
    client.force_login(therapist)
    response = client.post(
        reverse("clients:edit", args=[client_record.pk]),
        {
            "legal_first_name": "Maya",
            "legal_last_name": "Lopez",
            "date_of_birth": "1990-05-17",
            "site": site.pk,
            "status": "active",
            "part2_substance_use": "on",
        },
    )
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.part2_substance_use
    chart = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    assert "Substance-use treatment record" in chart


def test_the_part2_flag_through_the_api(client_record, therapist, teamviewer):
    url = _api("client_update", client_id=client_record.pk)
    assert _as(teamviewer).patch(url, {"part2_substance_use": True}, content_type="application/json").status_code == 403
    response = _as(therapist).patch(url, {"part2_substance_use": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["part2_substance_use"] is True


def test_accounting_page_query_count_does_not_grow_with_disclosures(client, client_record, therapist, release):
    client.force_login(therapist)
    url = reverse("clients:accounting", args=[client_record.pk])

    def add(n):
        for _ in range(n):
            original = _disclose(client_record, therapist, consent=release)
            services.disclosure_correct(by=therapist, original=original, correction_reason="Date", recipient="Dr. B")
            _disclose(client_record, therapist, legal_basis="judicial")

    def queries_after_adding(n):
        add(n)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few = queries_after_adding(1)
    many = queries_after_adding(8)
    assert many == few, f"{few} queries with few disclosures, {many} with many"


# --- the API ------------------------------------------------------------------------------------------------------

API_OPERATIONS = [
    ("disclosures_list", "get"),
    ("disclosures_create", "post"),
    ("disclosure_correct", "post"),
    ("accounting", "get"),
]


def test_api_records_corrects_and_accounts(client_record, therapist, intern, release):
    browser = _as(intern)
    created = browser.post(
        _api("disclosures_create", client_id=client_record.pk),
        {
            "kind": "export",
            "recipient": "Dr. Alicia Moreno",
            "purpose": "Coordination of care",
            "description": "Treatment plan",
            "consent": release.pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    original = created.json()
    assert original["disclosed_on"] == _today().isoformat() and original["consent"] == release.pk
    corrected = browser.post(
        _api("disclosure_correct", client_id=client_record.pk, disclosure_id=original["id"]),
        {"correction_reason": "It was the discharge summary", "description": "Discharge summary"},
        content_type="application/json",
    )
    assert corrected.status_code == 201, corrected.content
    assert (corrected.json()["corrects"], corrected.json()["recipient"]) == (original["id"], "Dr. Alicia Moreno")
    listed = browser.get(_api("disclosures_list", client_id=client_record.pk)).json()["results"]
    assert {row["id"] for row in listed} == {original["id"], corrected.json()["id"]}
    accounting = _as(therapist).get(_api("accounting", client_id=client_record.pk)).json()
    by_id = {e["disclosure"]["id"]: e for e in accounting["entries"]}
    assert by_id[original["id"]]["corrected_by"] == [corrected.json()["id"]]
    assert accounting["since"] == _today().replace(year=_today().year - 6).isoformat()


def test_api_refuses_a_missing_recipient_and_a_release_not_in_force(client_record, therapist, release):
    services.consent_revoke(by=therapist, consent=release, on=_today() - dt.timedelta(days=30))
    browser = _as(therapist)
    before = _writes()
    url = _api("disclosures_create", client_id=client_record.pk)
    missing = browser.post(
        url,
        {
            "kind": "report",
            "purpose": "Care",
            "description": "Plan",
            "consent": release.pk,
            "disclosed_on": (_today() - dt.timedelta(days=40)).isoformat(),
        },
        content_type="application/json",
    )
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"recipient": [record.DISCLOSURE_NEEDS_RECIPIENT]}
    revoked = browser.post(
        url,
        {"kind": "report", "recipient": "Dr. M", "purpose": "Care", "description": "Plan", "consent": release.pk},
        content_type="application/json",
    )
    assert revoked.status_code == 400
    assert revoked.json()["errors"] == {"consent": [record.CONSENT_NOT_IN_FORCE]}
    assert _writes() == before


def test_api_other_therapist_gets_404_and_no_token_401(client_record, therapist2):
    assert _as(therapist2).get(_api("accounting", client_id=client_record.pk)).status_code == 404
    assert Browser().get(_api("accounting", client_id=client_record.pk)).status_code == 401

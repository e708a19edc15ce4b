"""The client pages as a therapist uses them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.clients import validation as v
from artchart.clients.models import CareTeamMembership, Client, Consent, GatheredDocument, GatheredInfo
from artchart.core.models import AuditEvent
from artchart.tests.factories import CareTeamFactory, ClientFactory, ContactFactory

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _client_payload(site, **overrides):
    data = {
        "legal_first_name": "June",
        "legal_last_name": "Park",
        "date_of_birth": "2012-03-04",
        "site": site.pk,
        "status": "active",
    }
    data.update(overrides)
    return data


def test_therapist_opens_a_record_and_joins_its_care_team(client, therapist, site):
    _login(client, therapist)
    response = client.post(reverse("clients:create"), _client_payload(site))
    created = Client.objects.get(legal_last_name="Park")
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:chart", args=[created.pk])
    assert CareTeamMembership.objects.filter(client=created, user=therapist, role="primary").exists()
    assert AuditEvent.objects.filter(action="client.create", object_id=str(created.pk)).exists()


def test_date_of_birth_in_the_future_is_refused_and_nothing_is_written(client, therapist, site):
    _login(client, therapist)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    events_before = AuditEvent.objects.count()
    response = client.post(reverse("clients:create"), _client_payload(site, date_of_birth=tomorrow))
    assert response.status_code == 200
    assert v.DOB_IN_FUTURE in response.content.decode()
    assert not Client.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_missing_name_and_over_long_value_get_field_messages(client, therapist, site):
    _login(client, therapist)
    response = client.post(reverse("clients:create"), _client_payload(site, legal_first_name="", pronouns="x" * 41))
    body = response.content.decode()
    assert "This field is required." in body
    assert "Ensure this value has at most 40 characters" in body
    assert not Client.objects.exists()


def test_a_site_of_another_organization_is_refused(client, therapist, site):
    from artchart.tests.factories import SiteFactory

    foreign = SiteFactory()
    _login(client, therapist)
    response = client.post(reverse("clients:create"), {**_client_payload(site), "site": foreign.pk})
    assert "Select a valid choice" in response.content.decode()
    assert not Client.objects.exists()


def test_team_viewer_cannot_open_a_record(client, teamviewer, site):
    _login(client, teamviewer)
    assert client.get(reverse("clients:create")).status_code == 403


def test_therapist_changes_a_precaution(client, therapist, client_record):
    _login(client, therapist)
    url = reverse("clients:edit", args=[client_record.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data["site"] = client_record.site_id
    data["date_of_birth"] = client_record.date_of_birth.isoformat()
    data["latex_allergy"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.latex_allergy
    event = AuditEvent.objects.get(action="client.update")
    assert event.detail == {"fields": ["latex_allergy"]}
    chart = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    assert "Latex allergy" in chart


def test_chart_shows_precautions_banner_consents_and_gathered_information(client, therapist, client_record):
    client_record.self_harm_risk = True
    client_record.save()
    _login(client, therapist)
    body = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    assert "Self-harm risk" in body
    assert "Consents" in body and "Gathered information" in body


def test_chart_read_is_audited_once_with_the_client_id(client, therapist, client_record):
    _login(client, therapist)
    client.get(reverse("clients:chart", args=[client_record.pk]))
    reads = AuditEvent.objects.filter(action="client.read")
    assert reads.count() == 1
    assert reads.get().client_id_list == [client_record.pk]


def test_list_read_event_lists_the_clients_shown(client, therapist, client_record, site):
    other = ClientFactory(site=site)
    CareTeamFactory(client=other, user=therapist)
    _login(client, therapist)
    client.get(reverse("clients:list"))
    assert AuditEvent.objects.get(action="client.read").client_id_list == sorted([client_record.pk, other.pk])


def test_other_therapist_gets_404_for_the_chart_and_does_not_find_the_client(client, therapist2, client_record):
    _login(client, therapist2)
    assert client.get(reverse("clients:chart", args=[client_record.pk])).status_code == 404
    listing = client.get(reverse("clients:list"), {"q": "Maya"}).content.decode()
    assert "Maya Lopez" not in listing


def test_supervisor_of_the_intern_reads_the_chart_but_cannot_edit(client, supervisor, client_record):
    _login(client, supervisor)
    assert client.get(reverse("clients:chart", args=[client_record.pk])).status_code == 200
    assert client.get(reverse("clients:edit", args=[client_record.pk])).status_code == 403


def test_search_by_name_status_and_site(client, therapist, client_record, site):
    from artchart.tests.factories import SiteFactory

    elsewhere = SiteFactory(organization=site.organization, name="North School")
    discharged = ClientFactory(site=elsewhere, legal_first_name="Mateo", status="discharged")
    CareTeamFactory(client=discharged, user=therapist)
    _login(client, therapist)
    by_name = client.get(reverse("clients:list"), {"q": "maya"}).content.decode()
    assert "Maya Lopez" in by_name and "Mateo" not in by_name
    by_status = client.get(reverse("clients:list"), {"status": "discharged"}).content.decode()
    assert "Mateo" in by_status and "Maya" not in by_status
    by_site = client.get(reverse("clients:list"), {"site": elsewhere.pk}).content.decode()
    assert "Mateo" in by_site and "Maya" not in by_site


def test_client_list_query_count_does_not_grow_with_clients(client, therapist, site):
    def count_for(n):
        for _ in range(n):
            CareTeamFactory(client=ClientFactory(site=site), user=therapist)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("clients:list")).status_code == 200
        return len(ctx.captured_queries)

    _login(client, therapist)
    count_for(1)  # warm up: the session and the audit counter row now exist
    few = count_for(2)
    many = count_for(20)
    assert many == few, f"{few} queries for 2 clients, {many} for 22"


def test_chart_query_count_does_not_grow_with_contacts_and_consents(client, therapist, client_record):
    from artchart.tests.factories import ConsentFactory, GatheredInfoFactory

    _login(client, therapist)
    url = reverse("clients:chart", args=[client_record.pk])

    def add(n):
        for _ in range(n):
            ContactFactory(client=client_record)
            ConsentFactory(client=client_record, recorded_by=therapist)
            GatheredInfoFactory(client=client_record, author=therapist)

    add(1)
    client.get(url)  # warm up: the session and the audit counter row now exist
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(10)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def _consent_payload(**overrides):
    data = {
        "kind": "exhibit",
        "decision": "granted",
        "signed_on": "2026-03-02",
        "signer": "client",
        "signer_name": "Maya Lopez",
        "signature_kind": "typed",
        "signature_typed": "Maya Lopez",
    }
    data.update(overrides)
    return data


def test_therapist_records_and_then_revokes_a_consent(client, therapist, client_record):
    _login(client, therapist)
    response = client.post(reverse("clients:consent_add", args=[client_record.pk]), _consent_payload())
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.in_force
    revoke = reverse("clients:consent_revoke", args=[client_record.pk, consent.pk])
    response = client.post(revoke, {"revoked_on": timezone.localdate().isoformat(), "note": "Phoned in"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.is_revoked and not consent.in_force and consent.revoked_by == therapist
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions.index("consent.record") < actions.index("consent.revoke")


def test_revoking_twice_is_refused(client, therapist, client_record):
    _login(client, therapist)
    client.post(reverse("clients:consent_add", args=[client_record.pk]), _consent_payload())
    consent = Consent.objects.get()
    url = reverse("clients:consent_revoke", args=[client_record.pk, consent.pk])
    client.post(url, {"revoked_on": timezone.localdate().isoformat()})
    response = client.post(url, {"revoked_on": timezone.localdate().isoformat()})
    assert response.status_code == 400
    assert v.REVOKED_ALREADY in response.content.decode()


def test_release_without_recipient_or_expiry_gets_field_messages(client, therapist, client_record):
    _login(client, therapist)
    response = client.post(reverse("clients:consent_add", args=[client_record.pk]), _consent_payload(kind="release"))
    body = response.content.decode()
    assert v.RELEASE_NEEDS_RECIPIENT in body
    assert v.RELEASE_NEEDS_EXPIRY in body
    assert v.RELEASE_NEEDS_REVOCATION_NOTICE in body
    assert not Consent.objects.exists()


def test_guardian_consent_needs_a_guardian_and_flags_renewal_at_majority(client, therapist, client_record):
    guardian = ContactFactory(client=client_record, is_guardian=True, name="Rosa Lopez")
    _login(client, therapist)
    url = reverse("clients:consent_add", args=[client_record.pk])
    response = client.post(url, _consent_payload(kind="treatment", signer="guardian"))
    assert v.GUARDIAN_NEEDED in response.content.decode()
    client.post(
        url, _consent_payload(kind="treatment", signer="guardian", guardian=guardian.pk, signer_name="Rosa Lopez")
    )
    consent = Consent.objects.get()
    # The client was born in 1990: an adult now, so a guardian's consent needs renewal.
    assert consent.needs_renewal
    assert "Renew: client now of age" in client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()


def test_drawn_signature_must_be_a_png(client, therapist, client_record):
    _login(client, therapist)
    url = reverse("clients:consent_add", args=[client_record.pk])
    response = client.post(url, _consent_payload(signature_kind="drawn", signature_drawn="data:image/png;base64,AAAA"))
    assert v.DRAWN_SIGNATURE_INVALID in response.content.decode()
    assert not Consent.objects.exists()


def test_malformed_icd10_code_is_refused(client, therapist, client_record):
    _login(client, therapist)
    url = reverse("clients:diagnosis_add", args=[client_record.pk])
    response = client.post(url, {"icd10_code": "depression", "label": "Low mood"})
    assert v.ICD10_MALFORMED in response.content.decode()
    response = client.post(url, {"icd10_code": "f43.10", "label": "PTSD, unspecified"})
    assert response.status_code == 302
    assert client_record.diagnoses.get().icd10_code == "F43.10"


def test_gathered_information_with_a_document_is_stored_by_hash_and_served_to_the_team(
    client, therapist, therapist2, client_record
):
    _login(client, therapist)
    pdf = SimpleUploadedFile("school-report.pdf", b"%PDF-1.4\n%report\n", content_type="application/pdf")
    response = client.post(
        reverse("clients:gathered_add", args=[client_record.pk]),
        {
            "source": "case_document",
            "occurred_on": "2026-02-10",
            "title": "School report",
            "body": "",
            "documents": [pdf],
        },
    )
    assert response.status_code == 302
    document = GatheredDocument.objects.get()
    assert document.file.name.startswith(f"documents/{document.sha256[:2]}/{document.sha256}")
    download = client.get(reverse("clients:document", args=[document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Cache-Control"].startswith("no-store")
    client.force_login(therapist2)
    assert client.get(reverse("clients:document", args=[document.pk])).status_code == 404


def test_a_file_whose_content_does_not_match_its_name_is_refused(client, therapist, client_record):
    _login(client, therapist)
    fake = SimpleUploadedFile("notes.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("clients:gathered_add", args=[client_record.pk]),
        {
            "source": "case_document",
            "occurred_on": "2026-02-10",
            "title": "Report",
            "documents": [fake],
        },
    )
    assert response.status_code == 200
    assert not GatheredInfo.objects.exists()
    assert not GatheredDocument.objects.exists()


def test_primary_therapist_adds_and_removes_a_team_member(client, therapist, therapist2, client_record):
    _login(client, therapist)
    url = reverse("clients:care_team", args=[client_record.pk])
    assert client.post(url, {"user": therapist2.pk, "role": "co_therapist"}).status_code == 302
    membership = CareTeamMembership.objects.get(client=client_record, user=therapist2)
    client.post(reverse("clients:care_team_remove", args=[client_record.pk, membership.pk]))
    assert not CareTeamMembership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="care_team.remove", flagged=True).exists()


def test_the_last_primary_therapist_cannot_be_removed(client, therapist, client_record):
    _login(client, therapist)
    primary = CareTeamMembership.objects.get(client=client_record, role="primary")
    client.post(reverse("clients:care_team_remove", args=[client_record.pk, primary.pk]))
    assert CareTeamMembership.objects.filter(pk=primary.pk).exists()


def test_intern_cannot_change_the_care_team(client, intern, therapist2, client_record):
    _login(client, intern)
    response = client.post(
        reverse("clients:care_team", args=[client_record.pk]), {"user": therapist2.pk, "role": "viewer"}
    )
    assert response.status_code == 403
    assert not CareTeamMembership.objects.filter(user=therapist2).exists()


def test_admin_manages_care_teams_without_opening_the_chart(client, admin, therapist2, client_record):
    _login(client, admin)
    assert client.get(reverse("clients:care_teams")).status_code == 200
    assert (
        client.post(
            reverse("clients:care_team", args=[client_record.pk]), {"user": therapist2.pk, "role": "primary"}
        ).status_code
        == 302
    )
    assert client.get(reverse("clients:chart", args=[client_record.pk])).status_code == 404


def test_every_page_is_no_store_and_carries_a_strict_csp(client, therapist, client_record):
    _login(client, therapist)
    response = client.get(reverse("clients:chart", args=[client_record.pk]))
    assert response["Cache-Control"].startswith("no-store")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    body = response.content.decode()
    assert "style=" not in body and "<script>" not in body

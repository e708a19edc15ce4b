"""Breaking the glass: emergency read access for designated users, flagged and reviewed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.clients import services
from artchart.clients.models import EmergencyAccess, EmergencyAccessDesignation
from artchart.core.models import AuditEvent
from artchart.core.permissions import Relation, relations_of

pytestmark = pytest.mark.django_db

REASON = "Client arrived in crisis at the front desk; the care team is at another site"


@pytest.fixture
def responder(outsider, admin):
    """``outsider``, designated by the admin to break the glass."""
    services.break_glass_designation_set(by=admin, user=outsider, designated=True)
    return outsider


def _break(client, client_record, **data):
    url = reverse("clients:emergency_request", args=[client_record.pk])
    return client.post(url, {"category": "clinical_emergency", "reason": REASON, **data})


def test_outsider_breaks_the_glass_with_a_reason_and_reads_the_chart(client, responder, client_record, settings):
    settings.BREAK_GLASS_MINUTES = 45
    client.force_login(responder)
    assert client.get(reverse("clients:chart", args=[client_record.pk])).status_code == 404
    found = client.get(reverse("clients:emergency_search"), {"q": "Lopez"})
    assert (
        found.status_code == 200
        and reverse("clients:emergency_request", args=[client_record.pk]) in found.content.decode()
    )
    assert (
        "not on your care team"
        in client.get(reverse("clients:emergency_request", args=[client_record.pk])).content.decode()
    )

    response = _break(client, client_record)
    assert response.status_code == 302 and response["Location"] == reverse("clients:chart", args=[client_record.pk])
    access = EmergencyAccess.objects.get()
    assert (access.user, access.client, access.reason) == (responder, client_record, REASON)
    assert dt.timedelta(minutes=44) < access.expires_at - access.started_at <= dt.timedelta(minutes=45)
    started = AuditEvent.objects.get(action="break_glass.start")
    assert started.flagged and started.client_id_list == [client_record.pk]
    assert REASON not in str(started.detail)  # events hold no free text

    chart = client.get(reverse("clients:chart", args=[client_record.pk]))
    page = chart.content.decode()
    assert chart.status_code == 200 and "Maya" in page
    until = timezone.localtime(access.expires_at).strftime("%H:%M")
    assert f"Emergency access until {until} — {REASON}" in page
    assert "Edit record and precautions" not in page  # read only
    assert client.get(reverse("clients:edit", args=[client_record.pk])).status_code == 403
    assert client.get(reverse("clients:consent_add", args=[client_record.pk])).status_code == 403
    assert Relation.EMERGENCY in relations_of(responder, client_record.pk)


def test_break_glass_without_reason_is_refused_and_audited(client, responder, client_record):
    client.force_login(responder)
    response = _break(client, client_record, reason="   ")
    assert response.status_code == 400
    assert services.BREAK_GLASS_REASON_REQUIRED in response.content.decode()
    assert not EmergencyAccess.objects.exists()
    refused = AuditEvent.objects.get(action="break_glass.refused")
    assert refused.flagged and refused.actor == responder and refused.detail == {"why": "no_reason"}
    assert client.get(reverse("clients:chart", args=[client_record.pk])).status_code == 404


def test_undesignated_user_cannot_break_the_glass(client, therapist2, client_record):
    client.force_login(therapist2)
    assert client.get(reverse("clients:emergency_search")).status_code == 403
    assert client.get(reverse("clients:emergency_request", args=[client_record.pk])).status_code == 404
    assert _break(client, client_record).status_code == 404
    with pytest.raises(Exception) as refused:
        services.emergency_access_start(by=therapist2, client=client_record, category="safety", reason=REASON)
    assert services.BREAK_GLASS_NOT_DESIGNATED in str(refused.value)
    assert not EmergencyAccess.objects.exists()
    assert AuditEvent.objects.get(action="break_glass.refused").detail == {"why": "not_designated"}
    assert client.get(reverse("clients:chart", args=[client_record.pk])).status_code == 404


def test_admin_cannot_be_designated(admin, org):
    from django.core.exceptions import ValidationError

    from artchart.tests.factories import UserFactory

    other_admin = UserFactory(organization=org, role="admin")
    with pytest.raises(ValidationError, match="clinicians"):
        services.break_glass_designation_set(by=admin, user=other_admin, designated=True)


def test_admin_designates_in_the_user_edit_page(client, admin, therapist2):
    client.force_login(admin)
    url = reverse("core:user_edit", args=[therapist2.pk])
    form = {
        "first_name": "Theo",
        "last_name": "Okafor",
        "email": "",
        "role": "therapist",
        "credentials": "",
        "is_active": "on",
        "may_break_glass": "on",
    }
    assert client.post(url, form).status_code == 302
    assert EmergencyAccessDesignation.objects.filter(user=therapist2).exists()
    assert AuditEvent.objects.get(action="break_glass.designate").flagged
    assert client.get(url).context["form"]["may_break_glass"].value() is True
    form.pop("may_break_glass")
    assert client.post(url, form).status_code == 302
    assert not EmergencyAccessDesignation.objects.filter(user=therapist2).exists()


def test_emergency_access_ends_after_its_time(client, responder, client_record):
    client.force_login(responder)
    _break(client, client_record)
    chart = reverse("clients:chart", args=[client_record.pk])
    assert client.get(chart).status_code == 200
    EmergencyAccess.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(chart).status_code == 404
    assert "Maya" not in client.get(reverse("clients:list")).content.decode()
    assert Relation.EMERGENCY not in relations_of(responder, client_record.pk)


def test_taking_away_the_designation_ends_a_running_emergency_access(client, responder, admin, client_record):
    client.force_login(responder)
    _break(client, client_record)
    services.break_glass_designation_set(by=admin, user=responder, designated=False)
    assert client.get(reverse("clients:chart", args=[client_record.pk])).status_code == 404


def test_every_read_under_emergency_access_is_flagged(client, responder, client_record):
    from artchart.core.services import token_issue

    client.force_login(responder)
    _break(client, client_record)
    before = AuditEvent.objects.filter(action="client.read").count()
    for url in (
        reverse("clients:chart", args=[client_record.pk]),
        reverse("clients:list"),
        reverse("clients:care_team", args=[client_record.pk]),
    ):
        assert client.get(url).status_code == 200
    token = token_issue(user=responder)[1]
    api = client.get(f"/api/v1/clients/{client_record.pk}", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    reads = AuditEvent.objects.filter(action="client.read").order_by("seq")[before:]
    assert len(reads) == 4
    assert all(event.flagged and client_record.pk in event.client_id_list for event in reads)


def test_reads_by_the_care_team_stay_unflagged(client, therapist, client_record):
    client.force_login(therapist)
    client.get(reverse("clients:chart", args=[client_record.pk]))
    assert not AuditEvent.objects.get(action="client.read").flagged


def test_admin_sees_unreviewed_break_glass_until_reviewed(client, responder, admin, client_record):
    client.force_login(responder)
    _break(client, client_record)
    access = EmergencyAccess.objects.get()
    client.force_login(admin)
    dashboard = client.get(reverse("dashboard")).content.decode()
    review_url = reverse("clients:emergency_review", args=[access.pk])
    assert review_url in dashboard and "Olive Stranger opened Maya Lopez" in dashboard
    page = client.get(review_url).content.decode()
    assert REASON in page

    refused = client.post(review_url, {"note": ""})
    assert services.REVIEW_NOTE_REQUIRED in refused.content.decode()
    assert client.post(review_url, {"note": "Confirmed with the charge nurse: appropriate."}).status_code == 302
    access.refresh_from_db()
    assert access.reviewed_by == admin and access.reviewed_at is not None
    assert access.review_note == "Confirmed with the charge nurse: appropriate."
    assert AuditEvent.objects.filter(action="break_glass.review", actor=admin).exists()
    assert review_url not in client.get(reverse("dashboard")).content.decode()


def test_another_organizations_admin_gets_404_for_the_review(client, responder, client_record):
    from artchart.tests.factories import OrganizationFactory, UserFactory

    access = services.emergency_access_start(by=responder, client=client_record, category="safety", reason=REASON)
    stranger = UserFactory(organization=OrganizationFactory(), role="admin")
    client.force_login(stranger)
    assert client.get(reverse("clients:emergency_review", args=[access.pk])).status_code == 404


def test_admin_dashboard_query_count_does_not_grow_with_unreviewed_accesses(client, responder, admin, site, therapist):
    from artchart.tests.factories import CareTeamFactory, ClientFactory

    def add(n):
        for _ in range(n):
            record = ClientFactory(site=site)
            CareTeamFactory(client=record, user=therapist)
            services.emergency_access_start(by=responder, client=record, category="continuity", reason=REASON)

    client.force_login(admin)
    add(1)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard"))
    add(8)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("dashboard"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_break_glass_search_shows_names_only_and_needs_two_letters(client, responder, client_record):
    client.force_login(responder)
    assert "Maya" not in client.get(reverse("clients:emergency_search")).content.decode()
    page = client.get(reverse("clients:emergency_search"), {"q": "maya"}).content.decode()
    assert "Maya Lopez" in page and client_record.site.name not in page

"""Restricted clients (staff, public figures, shelter residents): only the named users see them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from artchart.clients import services
from artchart.clients.models import ClientRestriction, RestrictionCategory
from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.tests.factories import CareTeamFactory, ClientFactory

pytestmark = pytest.mark.django_db

ADDRESS = "14 Hidden Lane, Willow Creek"


def _restrict(record, by, *named):
    return services.client_restrict(
        by=by, client=record, category=RestrictionCategory.SHELTER_RESIDENT, named_users=[by, *named]
    )


def test_named_viewer_does_not_see_address_of_restricted_client(client, people, client_record):
    therapist, teamviewer = people["therapist"], people["teamviewer"]
    services.client_update(
        by=therapist, client=client_record, address=ADDRESS, phone="555-0199", email="maya@example.org"
    )
    _restrict(client_record, therapist, teamviewer)
    client.force_login(teamviewer)
    page = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    assert "Maya" in page and "Not shown: restricted client" in page
    for hidden in (ADDRESS, "555-0199", "maya@example.org"):
        assert hidden not in page
    api = client.get(
        f"/api/v1/clients/{client_record.pk}", headers={"Authorization": f"Bearer {token_issue(user=teamviewer)[1]}"}
    ).json()
    assert (api["address"], api["phone"], api["email"]) == ("", "", "")
    assert api["legal_first_name"] == "Maya"
    client.force_login(therapist)
    assert ADDRESS in client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()


def test_every_access_to_a_restricted_client_is_flagged(client, people, client_record):
    _restrict(client_record, people["therapist"])
    assert AuditEvent.objects.get(action="client.restrict").flagged
    client.force_login(people["therapist"])
    client.get(reverse("clients:chart", args=[client_record.pk]))
    client.get(reverse("clients:list"))
    reads = AuditEvent.objects.filter(action="client.read")
    assert reads.count() == 2 and all(event.flagged for event in reads)


def test_primary_restricts_from_the_page_and_must_name_themselves(client, people, client_record):
    therapist, intern = people["therapist"], people["intern"]
    client.force_login(therapist)
    url = reverse("clients:restriction", args=[client_record.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"restricted": "on", "category": "staff", "named_users": [intern.pk]})
    assert escape(services.RESTRICTION_NEEDS_PRIMARY) in refused.content.decode()
    assert not ClientRestriction.objects.exists()
    saved = client.post(url, {"restricted": "on", "category": "staff", "named_users": [therapist.pk, intern.pk]})
    assert saved.status_code == 302
    assert set(ClientRestriction.objects.get().named_users.all()) == {therapist, intern}
    lifted = client.post(url, {})
    assert lifted.status_code == 302, lifted.context["form"].errors  # lifted
    assert not ClientRestriction.objects.exists()
    assert AuditEvent.objects.get(action="client.unrestrict").flagged


def test_only_the_primary_or_an_admin_may_restrict(client, people, client_record):
    url = reverse("clients:restriction", args=[client_record.pk])
    client.force_login(people["intern"])
    assert client.get(url).status_code == 403
    client.force_login(people["therapist2"])
    assert client.get(url).status_code == 404
    client.force_login(people["admin"])
    data = {"restricted": "on", "category": "public_figure", "named_users": [people["therapist"].pk]}
    assert client.post(url, data).status_code == 302
    assert ClientRestriction.objects.get().restricted_by == people["admin"]


def test_unnamed_team_member_designated_may_break_the_glass(client, people, client_record):
    therapist, intern, admin = people["therapist"], people["intern"], people["admin"]
    services.client_update(by=therapist, client=client_record, address=ADDRESS)
    _restrict(client_record, therapist)
    services.break_glass_designation_set(by=admin, user=intern, designated=True)
    client.force_login(intern)
    chart = reverse("clients:chart", args=[client_record.pk])
    assert client.get(chart).status_code == 404
    client.post(
        reverse("clients:emergency_request", args=[client_record.pk]),
        {"category": "safety", "reason": "Client disclosed a plan at group; primary unreachable"},
    )
    page = client.get(chart).content.decode()
    assert "Emergency access until" in page and ADDRESS not in page
    assert client.get(reverse("clients:edit", args=[client_record.pk])).status_code == 403


def test_client_list_query_count_stays_flat_with_restricted_clients(client, therapist, teamviewer, site):
    def add(n):
        for i in range(n):
            record = ClientFactory(site=site)
            CareTeamFactory(client=record, user=therapist)
            CareTeamFactory(client=record, user=teamviewer, role="viewer")
            if i % 2:
                _restrict(record, therapist, teamviewer)

    for person in (therapist, teamviewer):
        client.force_login(person)
        add(2)
        client.get(reverse("clients:list"))
        with CaptureQueriesContext(connection) as few:
            assert client.get(reverse("clients:list")).status_code == 200
        add(10)
        with CaptureQueriesContext(connection) as many:
            assert client.get(reverse("clients:list")).status_code == 200
        assert len(many.captured_queries) == len(few.captured_queries)


def test_named_viewer_does_not_see_the_contacts_phone_or_email_either(client, people, client_record):
    from artchart.tests.factories import ContactFactory

    therapist, teamviewer = people["therapist"], people["teamviewer"]
    ContactFactory(client=client_record, name="Rosa Lopez", phone="555-0177", email="rosa@example.org")
    _restrict(client_record, therapist, teamviewer)
    client.force_login(teamviewer)
    page = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    assert "Rosa Lopez" in page and "555-0177" not in page and "rosa@example.org" not in page
    contacts = client.get(
        f"/api/v1/clients/{client_record.pk}/contacts",
        headers={"Authorization": f"Bearer {token_issue(user=teamviewer)[1]}"},
    ).json()["results"]
    assert contacts[0]["name"] == "Rosa Lopez" and (contacts[0]["phone"], contacts[0]["email"]) == ("", "")
    client.force_login(therapist)
    assert "555-0177" in client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()

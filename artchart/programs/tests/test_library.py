"""The directive and program library: who may add and change entries."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from artchart.core.models import AuditEvent
from artchart.programs import services
from artchart.programs.models import Directive, Program

pytestmark = pytest.mark.django_db


def test_therapist_adds_and_edits_a_directive(client, therapist, site):
    client.force_login(therapist)
    response = client.post(
        reverse("programs:directives"),
        {"name": "Safe-place drawing", "materials": "Paper, oil pastels", "description": ""},
    )
    assert response.status_code == 302
    directive = Directive.objects.get()
    assert directive.organization_id == therapist.organization_id and directive.site is None
    response = client.post(
        reverse("programs:directive_edit", args=[directive.pk]),
        {"name": "Safe-place drawing", "materials": "Paper, markers", "site": site.pk},
    )
    directive.refresh_from_db()
    assert directive.materials == "Paper, markers" and directive.site == site
    assert AuditEvent.objects.filter(action="directive.update", detail__fields=["materials", "site"]).exists()


def test_program_admin_adds_a_program_through_the_api(programadmin):
    from django.test import Client

    from artchart.core.services import token_issue

    browser = Client(headers={"Authorization": f"Bearer {token_issue(user=programadmin)[1]}"})
    response = browser.post(
        reverse("api:programs_create"), json.dumps({"name": "Memory-care studio"}), content_type="application/json"
    )
    assert response.status_code == 201 and Program.objects.get().name == "Memory-care studio"
    assert [p["name"] for p in browser.get(reverse("api:programs_list")).json()["results"]] == ["Memory-care studio"]


def test_intern_and_viewer_read_the_library_but_cannot_change_it(client, intern, teamviewer):
    for person in (intern, teamviewer):
        with pytest.raises(PermissionDenied):
            services.program_create(by=person, name="Mine")
        client.force_login(person)
        assert client.get(reverse("programs:programs")).status_code == 200
        assert client.post(reverse("programs:programs"), {"name": "Mine"}).status_code == 403
    assert not Program.objects.exists()


def test_a_directive_name_is_unique_in_the_organization(therapist):
    from django.core.exceptions import ValidationError

    services.directive_create(by=therapist, name="Mandala")
    with pytest.raises(ValidationError):
        services.directive_create(by=therapist, name="Mandala")


def test_another_organizations_site_is_refused(therapist):
    from django.core.exceptions import ValidationError

    from artchart.tests.factories import SiteFactory

    with pytest.raises(ValidationError):
        services.program_create(by=therapist, name="Elsewhere", site=SiteFactory())


def test_an_account_outside_every_organization_is_told_it_has_no_library() -> None:
    from django.core.exceptions import ValidationError

    from artchart.tests.factories import UserFactory

    outsider = UserFactory(organization=None)
    with pytest.raises(ValidationError) as refused:
        services.directive_create(by=outsider, name="Mandala")
    assert refused.value.message_dict == {"organization": [services.NOT_IN_AN_ORGANIZATION]}
    assert not Directive.objects.exists()


def test_an_edit_saves_only_what_changed_and_an_edit_changing_nothing_is_not_audited(therapist):
    directive = services.directive_create(by=therapist, name="Bridge drawing", materials="Paper")
    stale = Directive.objects.get(pk=directive.pk)
    services.directive_update(by=therapist, directive=directive, materials="Paper, oil pastels")
    updated = services.directive_update(by=therapist, directive=stale, description="Path from here to there")
    assert (updated.materials, updated.description) == ("Paper, oil pastels", "Path from here to there")
    events = AuditEvent.objects.filter(action="directive.update")
    assert [event.detail["fields"] for event in events.order_by("pk")] == [["materials"], ["description"]]
    services.directive_update(by=therapist, directive=stale, name="Bridge drawing")
    assert events.count() == 2

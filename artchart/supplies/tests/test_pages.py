"""The materials pages and the session card: what each person sees and may do, refusals shown
with nothing written, and a session page whose queries do not grow with its clients or materials."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.programs import services as program_services
from artchart.supplies import services
from artchart.supplies.models import DirectiveMaterial, Material, SafetyOverride, SiteProfile
from artchart.tests.factories import (
    ClientFactory,
    GroupFactory,
    GroupMembershipFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clay_session(therapist, client_record, catalogue):
    client_record.choking_risk = True
    client_record.save()
    directive = program_services.directive_create(by=therapist, name="Clay pinch pot")
    services.directive_material_set(by=therapist, directive=directive, material=catalogue["Air-dry clay"], quantity=250)
    return SessionFactory(
        client=client_record,
        therapist=therapist,
        status="scheduled",
        starts_at=timezone.now() + dt.timedelta(days=1),
        directive=directive,
    )


def test_the_session_page_shows_the_conflict_before_the_session(client, therapist, intern, clay_session):
    name = clay_session.client.display_name
    client.force_login(therapist)
    page = client.get(reverse("therapy:session_detail", args=[clay_session.pk])).content.decode()
    assert "Materials and safety" in page
    assert f"Air-dry clay — a small-part/choking risk for {name}" in page
    assert "Go ahead, with this reason" in page
    client.force_login(intern)
    page = client.get(reverse("therapy:session_detail", args=[clay_session.pk])).content.decode()
    assert f"choking risk for {name}" in page and "Go ahead, with this reason" not in page


def test_a_therapist_goes_ahead_with_a_reason_from_the_session_page(client, therapist, outsider, clay_session):
    url = reverse("supplies:safety_override", args=[clay_session.pk])
    key = f"{Material.objects.get(name='Air-dry clay').pk}:{clay_session.client_id}:small_part"
    client.force_login(outsider)
    assert client.post(url, {"key": key, "reason": "Fine"}).status_code == 404
    client.force_login(therapist)
    response = client.post(url, {"key": key, "reason": ""}, follow=True)
    assert services.OVERRIDE_NEEDS_REASON in response.content.decode()
    assert not SafetyOverride.objects.exists()
    response = client.post(url, {"key": key, "reason": "One large piece, beside the therapist."}, follow=True)
    page = response.content.decode()
    assert "Going ahead: “One large piece, beside the therapist.”" in page
    assert SafetyOverride.objects.get().by == therapist


def test_loosening_on_the_site_page_without_a_reason_is_refused_and_nothing_changes(client, admin, site_rules):
    client.force_login(admin)
    url = reverse("supplies:site_rules", args=[site_rules.site_id])
    response = client.post(url, {"profile": site_rules.profile_id, "forbidden": [], "supervised": []})
    assert response.status_code == 200
    assert "say why. Nothing was changed." in response.content.decode()
    site_rules.refresh_from_db()
    assert site_rules.supervised == ["solvent_fumes"]
    response = client.post(url, {"profile": site_rules.profile_id, "supervised": [], "reason": "Outdoor fixing only."})
    assert response.status_code == 302
    assert SiteProfile.objects.get(pk=site_rules.pk).loosened_reason == "Outdoor fixing only."


def test_a_program_admin_adds_a_material_and_a_therapist_lists_a_directives_needs(
    client, programadmin, therapist, catalogue
):
    client.force_login(programadmin)
    response = client.post(
        reverse("supplies:materials"),
        {
            "name": "Felt",
            "category": "fibre",
            "unit": "sheet",
            "whole_units": "on",
            "hazards": ["allergen"],
            "allergen": "wool",
            "unit_cost": "0.50",
            "is_active": "on",
        },
    )
    assert response.status_code == 302 and Material.objects.get(name="Felt").allergen == "wool"
    directive = program_services.directive_create(by=therapist, name="Felt collage")
    client.force_login(therapist)
    url = reverse("supplies:directive_materials", args=[directive.pk])
    response = client.post(url, {"material": catalogue["Glue stick"].pk, "quantity": "0.5"})
    assert response.status_code == 200 and "give a whole number" in response.content.decode()
    assert not DirectiveMaterial.objects.exists()
    assert client.post(url, {"material": catalogue["Glue stick"].pk, "quantity": "1"}).status_code == 302
    assert "Glue stick — 1 stick" in client.get(url).content.decode()


def test_the_group_session_card_keeps_its_queries_as_members_and_materials_grow(client, therapist, site, catalogue):
    group = GroupFactory(site=site, facilitators=[therapist])
    directive = program_services.directive_create(by=therapist, name="Bead bracelets")
    session = SessionFactory(
        kind="group",
        client=None,
        group=group,
        site=site,
        therapist=therapist,
        status="scheduled",
        starts_at=timezone.now() + dt.timedelta(days=1),
        directive=directive,
    )
    names = iter(["Beads", "Yarn", "String", "Buttons", "Latex balloons", "Glue stick", "Craft knife", "Ribbon"])
    url = reverse("therapy:session_detail", args=[session.pk])
    client.force_login(therapist)

    def queries_with(n: int) -> int:
        for _ in range(n):
            member = ClientFactory(site=site, choking_risk=True, latex_allergy=True)
            GroupMembershipFactory(group=group, client=member, joined_on=dt.date(2026, 1, 5))
            services.directive_material_set(
                by=therapist, directive=directive, material=catalogue[next(names)], quantity=1
            )
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url)
        assert page.status_code == 200 and "small-part/choking risk" in page.content.decode()
        return len(captured.captured_queries)

    assert queries_with(2) == queries_with(4)


def test_the_note_shows_the_same_check_for_the_directives_it_records(client, therapist, client_record, catalogue):
    from artchart.tests.factories import NoteFactory

    client_record.allergies = "wheat"
    client_record.save()
    directive = program_services.directive_create(by=therapist, name="Inside/outside mask")
    services.directive_material_set(
        by=therapist, directive=directive, material=catalogue["Papier-mâché wheat paste"], quantity=100
    )
    note = NoteFactory(session=SessionFactory(client=client_record, therapist=therapist))
    client.force_login(therapist)
    url = reverse("therapy:note_edit", args=[client_record.pk, note.pk])
    assert "allergic to wheat" not in client.get(url).content.decode()
    note.directives.add(directive)
    page = client.get(url).content.decode()
    assert f"Papier-mâché wheat paste — {client_record.display_name} is allergic to wheat" in page
    assert "No reason to go ahead was recorded before the session." in page

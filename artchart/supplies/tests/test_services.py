"""The catalogue, the site rules, a directive's quantities and overrides: who may, what is
refused (with nothing written), and what is audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from artchart.core.models import AuditEvent
from artchart.programs import services as program_services
from artchart.supplies import selectors, services
from artchart.supplies.models import DirectiveMaterial, Material, PopulationProfile, SafetyOverride, SiteProfile
from artchart.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _codes(exc) -> set[str]:
    """The codes of the messages a service refused with (each a ``UserMessage``)."""
    return {e.message.code for errors in exc.value.error_dict.values() for e in errors}


def test_the_starting_catalogue_is_loaded_once_and_each_site_takes_its_profile(admin, site, catalogue):
    assert len(catalogue) >= 30
    assert {"Craft knife", "Papier-mâché wheat paste", "Air-dry clay", "Latex balloons", "Beads"} <= set(catalogue)
    kinds = set(PopulationProfile.objects.values_list("kind", flat=True))
    assert {"school", "memory_care", "forensic", "shelter", "inpatient_psychiatry", "oncology"} <= kinds
    assert {"paediatric_hospital", "wellness", "private_practice"} <= kinds
    rules = SiteProfile.objects.get(site=site)
    assert rules.profile.kind == "private_practice" and rules.supervised == rules.profile.supervised
    events = AuditEvent.objects.filter(action="supplies.catalogue_seed").count()
    assert services.catalogue_seed(by=admin) == (0, 0, 0)
    assert AuditEvent.objects.filter(action="supplies.catalogue_seed").count() == events == 1


def test_only_an_admin_loads_the_catalogue(programadmin, therapist):
    for person in (programadmin, therapist):
        with pytest.raises(PermissionDenied):
            services.catalogue_seed(by=person)
    assert not Material.objects.exists()


def test_a_material_tagged_as_an_allergen_names_it(programadmin, therapist):
    with pytest.raises(ValidationError) as refused:
        services.material_create(by=programadmin, name="Wool roving", category="fibre", unit="g", hazards=["allergen"])
    assert _codes(refused) == {"allergen_name_needed"}
    with pytest.raises(ValidationError) as refused:
        services.material_create(by=programadmin, name="Cord", category="fibre", unit="m", hazards=["noose"])
    assert _codes(refused) == {"hazard_unknown"}
    with pytest.raises(PermissionDenied):
        services.material_create(by=therapist, name="Cord", category="fibre", unit="m")
    assert not Material.objects.exists()
    wool = services.material_create(
        by=programadmin, name="Wool roving", category="fibre", unit="g", hazards=["allergen"], allergen="wool"
    )
    assert wool.hazard_labels == ["Allergen: wool"]
    assert AuditEvent.objects.filter(action="supplies.material_create", object_id=str(wool.pk)).exists()


def _rules_args(rules: SiteProfile, **changes):
    args = {
        "site": rules.site,
        "profile": rules.profile,
        "forbidden": list(rules.forbidden),
        "supervised": list(rules.supervised),
        "ap_only": rules.ap_only,
    }
    return {**args, **changes}


def test_a_program_admin_tightens_a_sites_rules(programadmin, site_rules):
    tighter = services.site_rules_set(
        by=programadmin, **_rules_args(site_rules, forbidden=["sharp"], supervised=["solvent_fumes", "ligature"])
    )
    assert tighter.forbidden == ["sharp"] and tighter.loosened_reason == ""
    event = AuditEvent.objects.get(action="supplies.site_rules_set")
    assert not event.flagged


def test_loosening_needs_an_admin_and_a_reason_and_nothing_is_written_otherwise(admin, programadmin, site_rules):
    looser = _rules_args(site_rules, supervised=[])
    with pytest.raises(PermissionDenied) as refused:
        services.site_rules_set(by=programadmin, **looser)
    assert refused.value.args[0].code == "loosening_needs_admin"
    with pytest.raises(ValidationError) as refused:
        services.site_rules_set(by=admin, **looser, reason="  ")
    assert _codes(refused) == {"loosening_needs_reason"}
    site_rules.refresh_from_db()
    assert site_rules.supervised == ["solvent_fumes"]
    assert not AuditEvent.objects.filter(action__startswith="supplies.site_rules").exists()

    done = services.site_rules_set(
        by=admin, **looser, reason="Adult studio with extraction fan; fixatives used outdoors only."
    )
    assert done.supervised == [] and done.loosened_by == admin
    event = AuditEvent.objects.get(action="supplies.site_rules_loosened")
    assert event.flagged and event.detail["loosened"] == ["solvents and fumes no longer supervised"]


def test_a_directive_needs_positive_quantities_in_whole_units_where_counted(therapist, intern, catalogue):
    directive = program_services.directive_create(by=therapist, name="Magazine collage")
    glue, clay = catalogue["Glue stick"], catalogue["Air-dry clay"]
    for quantity, code in (("-1", "quantity_positive"), ("0", "quantity_positive"), ("1.5", "quantity_whole")):
        with pytest.raises(ValidationError) as refused:
            services.directive_material_set(by=therapist, directive=directive, material=glue, quantity=quantity)
        assert _codes(refused) == {code}, quantity
    with pytest.raises(ValidationError) as refused:
        services.directive_material_set(by=therapist, directive=directive, material=glue, quantity="lots")
    assert _codes(refused) == {"quantity_not_a_number"}
    with pytest.raises(PermissionDenied):
        services.directive_material_set(by=intern, directive=directive, material=glue, quantity=1)
    assert not DirectiveMaterial.objects.exists()
    services.directive_material_set(by=therapist, directive=directive, material=glue, quantity=2)
    link = services.directive_material_set(by=therapist, directive=directive, material=clay, quantity="12.5")
    assert link.quantity == Decimal("12.5")
    assert AuditEvent.objects.filter(action="supplies.directive_material_set").count() == 2


def test_a_material_from_another_catalogue_is_refused(therapist, catalogue):
    from artchart.tests.factories import OrganizationFactory

    other = Material.objects.create(
        organization=OrganizationFactory(), name="Glue stick", category="collage", unit="stick"
    )
    directive = program_services.directive_create(by=therapist, name="Collage")
    with pytest.raises(ValidationError) as refused:
        services.directive_material_set(by=therapist, directive=directive, material=other, quantity=1)
    assert _codes(refused) == {"material_elsewhere"}


@pytest.fixture
def mask_session(therapist, client_record, catalogue):
    """A scheduled session with the wheat-paste mask for a client allergic to wheat."""
    client_record.allergies = "Wheat (flour paste)"
    client_record.save()
    directive = program_services.directive_create(by=therapist, name="Inside/outside mask")
    services.directive_material_set(
        by=therapist, directive=directive, material=catalogue["Papier-mâché wheat paste"], quantity=100
    )
    return SessionFactory(
        client=client_record,
        therapist=therapist,
        status="scheduled",
        starts_at=timezone.now() + dt.timedelta(days=2),
        directive=directive,
    )


def test_the_session_check_finds_the_clients_allergy(therapist, mask_session):
    found = selectors.session_safety(therapist, mask_session)
    name = mask_session.client.display_name
    assert [f.conflict.reason for f in found.conflicts] == [f"Papier-mâché wheat paste — {name} is allergic to wheat"]
    assert found.materials[0][1] == Decimal(100)


def test_an_override_needs_a_clinician_and_a_reason_and_is_audited(therapist, intern, outsider, mask_session):
    key = selectors.session_safety(None, mask_session).conflicts[0].conflict.key
    with pytest.raises(Http404):
        services.safety_override(by=outsider, session=mask_session, key=key, reason="Fine")
    with pytest.raises(PermissionDenied):
        services.safety_override(by=intern, session=mask_session, key=key, reason="Fine")
    with pytest.raises(ValidationError) as refused:
        services.safety_override(by=therapist, session=mask_session, key=key, reason=" ")
    assert _codes(refused) == {"override_needs_reason"}
    with pytest.raises(ValidationError) as refused:
        services.safety_override(by=therapist, session=mask_session, key="1:2:latex", reason="Fine")
    assert _codes(refused) == {"no_such_conflict"}
    assert not SafetyOverride.objects.exists()

    services.safety_override(by=therapist, session=mask_session, key=key, reason="Client brings own gluten-free paste.")
    event = AuditEvent.objects.get(action="supplies.safety_override")
    assert event.flagged and event.client_ids == f",{mask_session.client_id},"
    assert selectors.session_safety(therapist, mask_session).open_conflicts == []
    with pytest.raises(ValidationError) as refused:
        services.safety_override(by=therapist, session=mask_session, key=key, reason="Again")
    assert _codes(refused) == {"already_overridden"}


def test_no_override_once_the_session_is_over(therapist, mask_session):
    key = selectors.session_safety(None, mask_session).conflicts[0].conflict.key
    mask_session.status = "completed"
    mask_session.save()
    with pytest.raises(ValidationError) as refused:
        services.safety_override(by=therapist, session=mask_session, key=key, reason="Fine")
    assert _codes(refused) == {"override_session_over"}


def test_a_new_practice_starts_with_the_catalogue_and_its_first_sites_rules(db):
    from artchart.core.services import practice_setup

    admin = practice_setup(
        organization_name="Harbour Art Therapy",
        site_name="Harbour Forensic Unit",
        population_type="forensic",
        username="first-admin",
        password="a-long-and-unusual-passphrase-9",
        first_name="Fran",
        last_name="First",
    )
    assert Material.objects.filter(organization_id=admin.organization_id).count() >= 30
    rules = SiteProfile.objects.get(site__name="Harbour Forensic Unit")
    assert rules.profile.kind == "forensic" and "sharp" in rules.forbidden
    assert AuditEvent.objects.filter(action="supplies.catalogue_seed", actor=admin).exists()

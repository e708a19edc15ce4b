"""The demo's materials as a newcomer finds them: each site keeps its population's rules, each
directive lists its materials, and the three unsafe plans the demo used to carry are caught —
the compass at the forensic unit and the wheat paste replaced, the clay with a resident at
choking risk gone ahead with a recorded reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from artchart.core.models import AuditEvent, Site, User
from artchart.programs.models import Directive
from artchart.supplies import selectors
from artchart.supplies.catalogue import PROFILE_FOR_POPULATION
from artchart.supplies.demo import CLAY_OVERRIDE_REASON
from artchart.supplies.models import DirectiveMaterial, SafetyOverride, SiteProfile
from artchart.therapy.models import Session


@pytest.fixture(scope="module")
def demo(demo_practice):
    """The demo, loaded once for the module (see the root conftest)."""


@pytest.fixture(autouse=True)
def _each_test_in_a_savepoint(db):
    pass


def test_each_site_keeps_its_populations_rules_and_each_directive_its_materials(demo):
    for site in Site.objects.all():
        assert SiteProfile.objects.get(site=site).profile.kind == PROFILE_FOR_POPULATION[site.population_type]
    bare = Directive.objects.exclude(pk__in=DirectiveMaterial.objects.values("directive_id"))
    assert not bare.exists(), list(bare)


def _planned(name: str) -> Session:
    return Session.objects.select_related("site", "directive", "client").get(directive__name=name)


def _reasons_with(session: Session, directive_name: str) -> list[str]:
    session.directive = Directive.objects.get(name=directive_name)
    return [f.conflict.reason for f in selectors.session_safety(None, session).conflicts]


def test_the_compass_at_the_forensic_unit_is_caught_and_replaced(demo):
    session = _planned("Mandala (printed circle)")
    assert session.site.name == "Northfield Forensic Unit"
    assert selectors.session_safety(None, session).conflicts == []
    assert "Compass (drawing) — sharps are forbidden at Northfield Forensic Unit" in _reasons_with(session, "Mandala")
    changes = AuditEvent.objects.filter(action="session.update", object_id=str(session.pk))
    assert changes.count() == 2


def test_the_wheat_paste_for_the_client_allergic_to_wheat_is_caught_and_replaced(demo):
    session = _planned("Inside/outside mask (wheat-free)")
    assert "wheat" in session.client.allergies.lower()
    assert selectors.session_safety(None, session).conflicts == []
    expected = f"Papier-mâché wheat paste — {session.client.display_name} is allergic to wheat"
    assert _reasons_with(session, "Inside/outside mask") == [expected]


def test_the_clay_with_a_resident_at_choking_risk_goes_ahead_with_a_reason(demo, client):
    override = SafetyOverride.objects.select_related("session", "session__client").get()
    session = override.session
    assert session.site.name == "Cedar House Memory Care" and session.client.choking_risk
    assert override.reason == CLAY_OVERRIDE_REASON
    found = selectors.session_safety(None, session)
    assert [f.conflict.reason for f in found.conflicts] == [
        f"Air-dry clay — a small-part/choking risk for {session.client.display_name}"
    ]
    assert found.open_conflicts == []
    assert AuditEvent.objects.filter(action="supplies.safety_override", flagged=True).count() == 1
    client.force_login(override.by)
    page = client.get(reverse("therapy:session_detail", args=[session.pk])).content.decode()
    assert "Going ahead:" in page and "choking risk for" in page
    assert User.objects.get(pk=override.by_id).role == "therapist"

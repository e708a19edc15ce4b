from __future__ import annotations

import pytest

from artchart.supplies import services
from artchart.supplies.models import Material, SiteProfile


@pytest.fixture
def catalogue(admin, site):
    """The starting catalogue and profiles; ``site`` (an outpatient studio) takes its profile."""
    services.catalogue_seed(by=admin)
    return {m.name: m for m in Material.objects.filter(organization_id=admin.organization_id)}


@pytest.fixture
def site_rules(catalogue, site):
    return SiteProfile.objects.get(site=site)

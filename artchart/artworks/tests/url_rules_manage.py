"""URL access cases for the practice's assessment types (admins and program admins; others 403).
Editing a shipped assessment is 404 for everyone: they are shared, not the practice's."""

from __future__ import annotations

from artchart.core.models import Role
from artchart.tests.access_rules import Case, Roles

MANAGERS = Roles((Role.ADMIN, Role.PROGRAM_ADMIN))


RULES: dict[str, Case] = {
    "artworks:assessment_type_list": Case(MANAGERS),
    "artworks:assessment_type_create": Case(MANAGERS),
    "artworks:assessment_type_edit": Case(MANAGERS, kwargs=lambda o: {"assessment_id": o["own_assessment"].pk}),
}

API_OPERATIONS: list[tuple[str, str, str]] = []


def objs(base: dict) -> dict:
    from artchart.artworks.models import AssessmentType

    return {
        "own_assessment": AssessmentType.objects.create(
            organization_id=base["client"].organization_id,
            code="bridge-feats",
            name="Bridge drawing (FEATS-adapted)",
            feats_ratable=True,
        )
    }

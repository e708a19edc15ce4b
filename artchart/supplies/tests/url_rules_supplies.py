"""URL access cases for the materials pages: the catalogue and the sites' rules are read by
everyone in the organization and kept by program administrators and admins; a directive's
materials are changed by the library's managers; going ahead with a session's conflict is for
a therapist or supervisor who may write the session (an intern asks; everyone else 403 or 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from artchart.core.models import Role
from artchart.core.permissions import Action, Area
from artchart.tests.access_rules import LIBRARY, OK, Anyone, Case, Chart, Roles

KEEPERS = Roles((Role.ADMIN, Role.PROGRAM_ADMIN))


@dataclass(frozen=True)
class Overrider:
    def expect(self, person, client_id: int):
        answer = Chart(Area.NOTES, Action.WRITE).expect(person, client_id)
        if answer != OK:
            return answer
        return OK if person.role in (Role.THERAPIST, Role.SUPERVISOR) else 403


RULES: dict[str, Case] = {
    "supplies:materials": Case(Anyone()),
    "supplies:catalogue_seed": Case(Roles((Role.ADMIN,)), method="post"),
    "supplies:material_edit": Case(KEEPERS, kwargs=lambda o: {"material_id": o["material"].pk}),
    "supplies:sites": Case(Anyone()),
    "supplies:site_rules": Case(KEEPERS, kwargs=lambda o: {"site_id": o["client"].site_id}),
    "supplies:directive_materials": Case(Anyone(), kwargs=lambda o: {"directive_id": o["directive"].pk}),
    "supplies:directive_material_remove": Case(
        LIBRARY,
        method="post",
        kwargs=lambda o: {"directive_id": o["directive"].pk, "link_id": o["directive_material"].pk},
    ),
    "supplies:safety_override": Case(
        Overrider(),
        method="post",
        kwargs=lambda o: {"session_id": o["supplies_session"].pk},
        data=lambda o: {"key": "0:site:sharp", "reason": "Counted out and in"},
    ),
}

API_OPERATIONS: list[tuple[str, str, str]] = []


def objs(base: dict) -> dict:
    from django.utils import timezone

    from artchart.supplies.models import DirectiveMaterial, Material
    from artchart.tests.factories import SessionFactory

    client = base["client"]
    material = Material.objects.create(
        organization_id=client.organization_id, name="Craft knife", category="tools", unit="knife", hazards=["sharp"]
    )
    return {
        "material": material,
        "directive_material": DirectiveMaterial.objects.create(
            directive=base["directive"], material=material, quantity=1
        ),
        "supplies_session": SessionFactory(
            client=client,
            therapist=base["therapist"],
            status="scheduled",
            starts_at=timezone.now() + dt.timedelta(days=3),
            directive=base["directive"],
        ),
    }

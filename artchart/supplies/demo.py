"""The supplies part of the demo practice: the starting catalogue and profiles (each site takes
its population's rules), the materials each demo directive needs, and the three unsafe plans
the safety check now catches before the session:

* a mandala with a compass at the forensic unit: the conflict is shown, and the plan is
  replaced by the printed-circle mandala with oil pastels;
* papier-mâché with wheat paste for a client allergic to wheat: replaced by the mask made
  with PVA glue;
* air-dry clay with a memory-care resident at choking risk: the therapist goes ahead, with
  the reason recorded (one large piece, worked beside the therapist throughout).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.utils import timezone

from artchart.clients.models import Client
from artchart.core.models import CareTeamRole, PopulationType, Site, User
from artchart.programs import services as program_services
from artchart.programs.models import Directive
from artchart.supplies import selectors, services
from artchart.supplies.models import Material
from artchart.therapy.models import Session, SessionStatus
from artchart.therapy.services import sessions as session_services

# directive name: (material name, quantity per participant)
DIRECTIVE_MATERIALS: dict[str, list[tuple[str, str]]] = {
    "Bridge drawing": [("Drawing paper (A3)", "1"), ("Graphite pencils", "1"), ("Washable markers (set of 12)", "1")],
    "Safe-place drawing": [("Drawing paper (A3)", "1"), ("Oil pastels (set of 24)", "1")],
    "Mandala": [("Drawing paper (A3)", "1"), ("Coloured pencils (set of 24)", "1"), ("Compass (drawing)", "1")],
    "Magazine collage": [("Coloured card (A4)", "1"), ("Collage magazines", "2"), ("Glue stick", "1")],
    "Scribble chase": [("Drawing paper (A3)", "2"), ("Wax crayons (set of 16)", "1")],
    "Clay pinch pot": [("Air-dry clay", "250"), ("Wooden clay tools", "1")],
    "Container box": [("Small cardboard box", "1"), ("Tempera paint", "40"), ("Glue stick", "1")],
    "Inside/outside mask": [
        ("Papier-mâché mask blank", "1"),
        ("Papier-mâché wheat paste", "100"),
        ("Acrylic paint", "30"),
        ("Paintbrushes (large grip)", "1"),
    ],
}
# The safer directives the unsafe plans are replaced by.
SAFER = {
    "Mandala (printed circle)": (
        "A mandala on a circle printed in advance, so no compass is needed.",
        [("Drawing paper (A3)", "1"), ("Oil pastels (set of 24)", "1")],
    ),
    "Inside/outside mask (wheat-free)": (
        "The inside/outside mask built up with PVA glue instead of wheat paste.",
        [
            ("Papier-mâché mask blank", "1"),
            ("PVA glue", "60"),
            ("Acrylic paint", "30"),
            ("Paintbrushes (large grip)", "1"),
        ],
    ),
}
CLAY_OVERRIDE_REASON = (
    "One large piece of clay, worked at the table with the therapist beside them throughout; nothing small is "
    "broken off and the clay is counted back. Their swallowing plan allows supervised tactile work."
)


@dataclass
class SuppliesDemo:
    caught: list[tuple[Session, str]]


def _primary(client: Client) -> User:
    return client.care_team.get(role=CareTeamRole.PRIMARY).user


def _next_session(client: Client) -> Session | None:
    return (
        Session.objects.filter(client=client, status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )


def _plan(client: Client, directive: Directive) -> Session | None:
    session = _next_session(client)
    if session is None:
        return None
    return session_services.session_update(by=_primary(client), session=session, directive=directive)


def build_supplies_demo(
    *, rng: random.Random, people: dict[str, User], sites: list[Site], clients: list[Client]
) -> SuppliesDemo:
    admin, therapist = people["admin"], people["therapist"]
    services.catalogue_seed(by=admin)
    materials = {m.name: m for m in Material.objects.filter(organization_id=admin.organization_id)}
    directives = {d.name: d for d in Directive.objects.filter(organization_id=admin.organization_id)}
    for name, (description, needs) in SAFER.items():
        directives[name] = program_services.directive_create(
            by=therapist, name=name, description=description, materials=", ".join(n for n, _ in needs)
        )
        DIRECTIVE_MATERIALS[name] = needs
    for name, needs in DIRECTIVE_MATERIALS.items():
        if name in directives:
            for material, quantity in needs:
                services.directive_material_set(
                    by=therapist, directive=directives[name], material=materials[material], quantity=quantity
                )
    site_of = {site.pk: site for site in sites}
    active = [c for c in clients if c.status == "active"]
    caught: list[tuple[Session, str]] = []

    def first(population: str, test) -> Client | None:  # type: ignore[no-untyped-def]
        return next(
            (c for c in active if site_of[c.site_id].population_type == population and test(c) and _next_session(c)),
            None,
        )

    forensic = first(PopulationType.FORENSIC, lambda c: True)
    if forensic is not None:
        session = _plan(forensic, directives["Mandala"])
        caught.append((session, "replaced"))
        _plan(forensic, directives["Mandala (printed circle)"])
    wheat = next(
        (c for c in active if "wheat" in c.allergies.lower() and _next_session(c) and not c.sharps_restriction), None
    ) or next((c for c in active if "wheat" in c.allergies.lower() and _next_session(c)), None)
    if wheat is not None:
        session = _plan(wheat, directives["Inside/outside mask"])
        caught.append((session, "replaced"))
        _plan(wheat, directives["Inside/outside mask (wheat-free)"])
    resident = first(PopulationType.NURSING_HOME, lambda c: c.choking_risk)
    if resident is not None:
        session = _plan(resident, directives["Clay pinch pot"])
        if session is not None:
            clay = next(
                f.conflict
                for f in selectors.session_safety(None, session).conflicts
                if f.conflict.client_id == resident.pk and f.conflict.tag == "small_part"
            )
            services.safety_override(by=_primary(resident), session=session, key=clay.key, reason=CLAY_OVERRIDE_REASON)
            caught.append((session, "overridden"))
    return SuppliesDemo(caught=caught)

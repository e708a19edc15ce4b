"""URL access cases for the measures app (gathered by artchart/tests/test_url_access.py).

The link page is public (the token is the key; anyone holding it may answer once). The
hand-off pages answer every signed-in person: with no hand-off under way they send them to
the dashboard. Crisis resources are for admins; program figures for program admins and
clinicians (aggregates of the clients they read), 403 for everyone else.
"""

from __future__ import annotations

from artchart.core.models import Role
from artchart.tests.access_rules import Anyone, Case, Roles

PROGRAM_FIGURES = Roles((Role.PROGRAM_ADMIN, Role.THERAPIST, Role.SUPERVISOR, Role.INTERN))

RULES: dict[str, Case] = {
    "measures:public_link": Case(Anyone(), public=True, kwargs=lambda o: {"token": o["measure_link_token"]}),
    "measures:public_link_save": Case(
        Anyone(), public=True, method="post", kwargs=lambda o: {"token": o["measure_link_token"]}
    ),
    "measures:handoff": Case(Anyone()),
    "measures:handoff_save": Case(Anyone(), method="post"),
    "measures:handoff_return": Case(Anyone()),
    "measures:crisis_resources": Case(Roles((Role.ADMIN,))),
    "measures:program_effectiveness": Case(PROGRAM_FIGURES),
    "measures:program_effectiveness_csv": Case(PROGRAM_FIGURES),
}

# Every API operation of this area as (operationId, method, path); the schema test checks the list is whole.
API_OPERATIONS: list[tuple[str, str, str]] = []


def objs(base: dict) -> dict:
    """An open GAD-7 link to ``client`` sent by ``therapist`` (its raw token: the page's key)."""
    from artchart.measures.services.links import link_create

    _, token = link_create(by=base["therapist"], client=base["client"], instrument="gad7", recipient="Maya")
    return {"measure_link_token": token}

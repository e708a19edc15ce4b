"""URL access cases for the measures API (gathered by artchart/tests/test_url_access.py).

A client's measures and outcomes follow the CLINICAL row of the access table
(a viewer reads them, an outsider gets 404). The instruments are for anyone
signed in; program figures for program admins (aggregates only) and clinicians
(their own clients); others 403.
"""

from __future__ import annotations

from artchart.core.models import Role
from artchart.core.permissions import Action
from artchart.tests.access_rules import CLIN, CLINICAL_CREATORS, NONE, Anyone, Case, Roles, a

BASE = "/api/v1/clients/{client_id}"
PROGRAM_FIGURES = Roles((Role.PROGRAM_ADMIN, *CLINICAL_CREATORS))


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


RULES: dict[str, Case] = {
    "api:instruments_list": a(Anyone(), kwargs=NONE),
    "api:measures_create": a(
        CLIN[Action.WRITE],
        "post",
        data=lambda o: {"instrument": "gad7", "answers": [1, 1, 0, 1, 2, 0, 1], "date": _today()},
    ),
    "api:measures_list": a(CLIN[Action.READ]),
    "api:outcomes_of_client": a(CLIN[Action.READ]),
    "api:program_effectiveness": a(PROGRAM_FIGURES, kwargs=NONE),
}

# Every API operation of this area as (operationId, method, path); the schema test checks the list is whole.
API_OPERATIONS: list[tuple[str, str, str]] = [
    ("instruments_list", "GET", "/api/v1/measures/instruments"),
    ("measures_create", "POST", BASE + "/measures"),
    ("measures_list", "GET", BASE + "/measures"),
    ("outcomes_of_client", "GET", BASE + "/outcomes"),
    ("program_effectiveness", "GET", "/api/v1/measures/programs"),
]


def objs(base: dict) -> dict:
    return {}

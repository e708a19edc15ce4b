"""URL access cases for a client's report page and the report API (gathered by artchart/tests/test_url_access.py).

The page is open to whoever reads the client's plan (the CLINICAL row of the access table); a
progress report, which also shows sessions and artwork, checks the NOTES row when it is made.
"""

from __future__ import annotations

from artchart.core.permissions import Action
from artchart.tests.access_rules import CLIN, Case, a, c

RULES: dict[str, Case] = {
    "reports:page": Case(CLIN[Action.READ], kwargs=c),
    "api:report_export": a(CLIN[Action.READ], "post", data=lambda o: {"kind": "plan", "format": "docx"}),
}

# Every API operation of this area as (operationId, method, path); the schema test checks the list is whole.
API_OPERATIONS: list[tuple[str, str, str]] = [
    ("report_export", "POST", "/api/v1/clients/{client_id}/reports"),
]


def objs(base: dict) -> dict:
    return {}

"""URL access cases for a client's report page (gathered by artchart/tests/test_url_access.py).

The page is open to whoever reads the client's plan (the CLINICAL row of the access table); a
progress report, which also shows sessions and artwork, checks the NOTES row when it is made.
"""

from __future__ import annotations

from artchart.core.permissions import Action
from artchart.tests.access_rules import CLIN, Case, c

RULES: dict[str, Case] = {
    "reports:page": Case(CLIN[Action.READ], kwargs=c),
}

# Reports are made on the page and by `artchart report`; none through the API.
API_OPERATIONS: list[tuple[str, str, str]] = []


def objs(base: dict) -> dict:
    return {}

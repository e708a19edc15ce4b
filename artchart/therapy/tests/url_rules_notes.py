"""URL access cases for the therapy app's notes pages and API (gathered by artchart/tests/test_url_access.py)."""

from __future__ import annotations

from artchart.tests.access_rules import Case  # noqa: F401  (and the other rules as needed)

RULES: dict[str, Case] = {}

# Every API operation of this area as (operationId, method, path), e.g.
# ("sessions_list", "GET", "/api/v1/sessions/"); the schema test checks the list is whole.
API_OPERATIONS: list[tuple[str, str, str]] = []


def objs(base: dict) -> dict:
    """Objects these cases need, made from the shared ones in ``base`` (people, client, plans…)."""
    return {}

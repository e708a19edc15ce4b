"""A restricted client is hidden from the care team members it does not name, at every URL.

Its own module: it reads the URL-access table's records, built once per module
(``module_practice``), which make the same people as the per-test fixtures of
``test_restricted_clients.py``.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from artchart.clients.tests.test_restricted_clients import _restrict
from artchart.core.services import token_issue
from artchart.tests.test_url_access import RULES, Chart, Team, module_objs, objs  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _send(client, case, url, token=None, data=None):
    send = getattr(client, case.method)
    if not case.api:
        return send(url, data or {}) if case.method == "post" else send(url)
    headers = {"Authorization": f"Bearer {token}"}
    if case.multipart:
        return send(url, data, headers=headers)
    if data is not None:
        return send(url, json.dumps(data), content_type="application/json", headers=headers)
    return send(url, headers=headers)


@pytest.mark.parametrize("person_name", ["intern", "teamviewer", "supervisor"])
def test_care_team_member_not_named_gets_404_for_restricted_client(client, objs, person_name):  # noqa: F811 - fixture
    """Every page and API operation about the client (chart, forms, documents, care team) answers 404."""
    record, person = objs["client"], objs[person_name]
    _restrict(record, objs["therapist"])
    client.force_login(person)
    token = token_issue(user=person)[1]
    checked = 0
    for url_name, case in RULES.items():
        if not isinstance(case.rule, (Chart, Team)):
            continue
        url = reverse(url_name, kwargs=case.kwargs(objs))
        assert case.rule.expect(person, record.pk) == 404, url_name
        response = _send(client, case, url, token, case.data(objs) if case.data else None)
        assert response.status_code == 404, f"{person_name} {case.method.upper()} {url}: {response.status_code}"
        checked += 1
    assert checked > 20


def test_restricted_client_is_left_out_of_lists_and_search_for_the_unnamed(client, objs):  # noqa: F811 - fixture
    record, intern = objs["client"], objs["intern"]
    _restrict(record, objs["therapist"])
    chart = reverse("clients:chart", args=[record.pk])
    client.force_login(intern)
    assert chart not in client.get(reverse("clients:list")).content.decode()
    assert chart not in client.get(reverse("clients:list"), {"q": "Maya"}).content.decode()
    assert chart not in client.get(reverse("dashboard")).content.decode()
    api = client.get(
        reverse("api:clients_list"), {"q": "Maya"}, headers={"Authorization": f"Bearer {token_issue(user=intern)[1]}"}
    )
    assert api.json()["count"] == 0
    client.force_login(objs["therapist"])
    assert chart in client.get(reverse("clients:list"), {"q": "Maya"}).content.decode()

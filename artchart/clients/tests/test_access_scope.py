"""Within an access scope (every GET request) the viewer's relations are read once; the answers are the
same as reading them afresh, for every person, area and action: care team, supervision, restriction and
emergency access alike."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from artchart.clients import services
from artchart.clients.models import Client, RestrictionCategory
from artchart.core import permissions
from artchart.core.permissions import (
    ACCESS,
    Action,
    Area,
    access_scope,
    client_ids_allowing,
    client_ids_with_chart_access,
    relations_of,
)
from artchart.tests.factories import CareTeamFactory, ClientFactory

pytestmark = pytest.mark.django_db

REASON = "Client arrived in crisis at the front desk; the care team is at another site"


def _answers(people, client_ids):
    answers = {}
    for name, person in people.items():
        answers[name, "chart"] = sorted(row["pk"] for row in client_ids_with_chart_access(person))
        for area, row in ACCESS.items():
            for action in {action for actions in row.values() for action in actions}:
                answers[name, area, action] = sorted(row["pk"] for row in client_ids_allowing(person, area, action))
        for client_id in client_ids:
            answers[name, client_id] = relations_of(person, client_id)
    return answers


@pytest.fixture
def practice(people, client_record, site, admin):
    """The usual team, plus: a client restricted to the therapist alone (the intern and the viewer on
    its team do not count), the supervisor's intern on another client, and the outsider under a
    running emergency access to the restricted client."""
    therapist, intern, teamviewer = people["therapist"], people["intern"], people["teamviewer"]
    hidden = ClientFactory(site=site)
    for user, role in ((therapist, "primary"), (intern, "intern"), (teamviewer, "viewer")):
        CareTeamFactory(client=hidden, user=user, role=role)
    services.client_restrict(
        by=therapist, client=hidden, category=RestrictionCategory.SHELTER_RESIDENT, named_users=[therapist]
    )
    CareTeamFactory(client=ClientFactory(site=site), user=intern, role="co_therapist")
    services.break_glass_designation_set(by=admin, user=people["outsider"], designated=True)
    services.emergency_access_start(by=people["outsider"], client=hidden, category="clinical_emergency", reason=REASON)
    ClientFactory(site=site)  # on no team at all
    return list(Client.objects.values_list("pk", flat=True))


def test_scoped_answers_are_the_answers_read_afresh(people, practice):
    afresh = _answers(people, practice)
    with access_scope():
        scoped = _answers(people, practice)
    assert scoped == afresh
    # The fixture reaches every kind of relation, so the comparison means something.
    assert afresh["supervisor", "chart"] and afresh["outsider", "chart"] and afresh["intern", "chart"]
    assert afresh["teamviewer", Area.NOTES, Action.READ] == []


def test_a_scope_reads_a_viewers_relations_once(people, practice):
    therapist = people["therapist"]
    with access_scope():
        relations_of(therapist, practice[0])
        with CaptureQueriesContext(connection) as captured:
            for client_id in practice:
                relations_of(therapist, client_id)
            client_ids_allowing(therapist, Area.NOTES, Action.WRITE)
            client_ids_with_chart_access(therapist)
    assert captured.captured_queries == []


def test_outside_a_scope_a_change_is_seen_at_once(people, client_record):
    """Services and commands read afresh: a viewer added to the team counts in the next question."""
    outsider = people["outsider"]
    assert relations_of(outsider, client_record.pk) == frozenset()
    CareTeamFactory(client=client_record, user=outsider, role="viewer")
    assert relations_of(outsider, client_record.pk)


def test_a_page_reads_the_viewers_relations_once(client, people, client_record):
    """The chart asks about access from its view and from each of its cards: one reading answers all."""
    client.force_login(people["therapist"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("clients:chart", args=[client_record.pk])).status_code == 200
    reading = 'SELECT "core_careteammembership"."client_id" AS "client_id", "core_careteammembership"."role" AS "role"'
    reads_of_the_team = [q for q in captured.captured_queries if q["sql"].startswith(reading)]
    assert len(reads_of_the_team) == 1


def test_beyond_the_literal_limit_a_scope_answers_with_the_subquery_and_the_same_ids(people, practice, monkeypatch):
    afresh = _answers(people, practice)
    monkeypatch.setattr(permissions, "LITERAL_IDS_AT_MOST", 0)
    with access_scope():
        assert _answers(people, practice) == afresh

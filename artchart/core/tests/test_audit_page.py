"""The audit log page: newest first, filtered, paginated, and cheap however long the log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.clients.audit_actions import ClientAction
from artchart.core import audit, forms
from artchart.core.audit import AuditAction
from artchart.core.audit_actions import CoreAction
from artchart.core.models import AuditCounter, AuditEvent
from artchart.tests.factories import (
    CareTeamFactory,
    ClientFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _events(n: int, *, actor, action: AuditAction = CoreAction.TOKEN_USE, **kwargs) -> list[AuditEvent]:
    with transaction.atomic():
        return [audit.record(actor=actor, action=action, **kwargs) for _ in range(n)]


def _shown(response) -> list[AuditEvent]:
    return list(response.context["page"].object_list)


def test_therapist_gets_403_on_audit_page(client, therapist):
    _login(client, therapist)
    assert client.get(reverse("core:audit")).status_code == 403


def test_admin_sees_events_newest_first_with_the_chain_head(client, admin, therapist):
    _events(3, actor=therapist)
    _login(client, admin)
    response = client.get(reverse("core:audit"))
    seqs = [event.seq for event in _shown(response)]
    assert seqs == sorted(seqs, reverse=True)
    head = AuditCounter.objects.get().last_seq
    assert response.context["head_seq"] == head
    assert f'<strong class="mono">{head}</strong>' in response.content.decode()


def test_a_row_shows_actor_action_object_clients_flag_and_ip(client, admin, therapist):
    token = audit.begin_request(ip="10.0.0.9")
    try:
        with transaction.atomic():
            # An event recorded before care teams moved to the clients app keeps its old object type.
            audit.record(
                actor=therapist,
                action=ClientAction.CARE_TEAM_ADD,
                object_type="core.careteammembership",
                object_id=77,
                client_ids=[12, 5],
                flagged=True,
            )
    finally:
        audit.end_request(token)
    _login(client, admin)
    body = client.get(reverse("core:audit"), {"action": "care_team."}).content.decode()
    assert "Tess Rivera" in body
    assert "Added someone to a care team" in body
    assert "Care team membership 77" in body
    assert "client 12" in body and "client 5" in body
    assert "Flagged" in body
    assert "10.0.0.9" in body


def test_admin_sees_people_by_name_and_only_the_clients_they_may_see_by_name(client, admin, therapist):
    on_admins_team = CareTeamFactory(user=admin, client=ClientFactory(site__organization=admin.organization)).client
    not_theirs = CareTeamFactory(user=therapist, client=ClientFactory(site__organization=admin.organization)).client
    with transaction.atomic():
        audit.record(actor=admin, action=CoreAction.USER_UPDATE, obj=therapist)
        audit.record(actor=therapist, action=ClientAction.CLIENT_UPDATE, obj=not_theirs, client_ids=[not_theirs.pk])
        audit.record(
            actor=therapist, action=ClientAction.CLIENT_UPDATE, obj=on_admins_team, client_ids=[on_admins_team.pk]
        )
    _login(client, admin)
    rows = client.get(reverse("core:audit")).context["rows"]
    by_seq = {row.event.seq: row for row in rows}
    changed_user, hidden, seen = (by_seq[seq] for seq in sorted(by_seq)[-3:])
    assert changed_user.object == "Tess Rivera" and changed_user.label == "Changed a user"
    assert hidden.object == f"Client {not_theirs.pk}" and hidden.clients == [not_theirs.pk]
    assert seen.object == on_admins_team.display_name and seen.clients == [on_admins_team]
    # Showing a client's name is a read of that client, and is audited as one.
    read = AuditEvent.objects.filter(action="client.read").latest("seq")
    assert read.client_id_list == [on_admins_team.pk]


def test_filter_by_actor(client, admin, therapist, intern):
    _events(2, actor=therapist)
    _events(3, actor=intern)
    _login(client, admin)
    shown = _shown(client.get(reverse("core:audit"), {"actor": intern.pk}))
    assert len(shown) == 3 and {e.actor_id for e in shown} == {intern.pk}


def test_filter_by_client_id_matches_whole_ids_only(client, admin, therapist):
    _events(1, actor=therapist, client_ids=[12])
    _events(1, actor=therapist, client_ids=[120, 4])
    _login(client, admin)
    shown = _shown(client.get(reverse("core:audit"), {"client": 12}))
    assert [e.client_id_list for e in shown] == [[12]]


def test_filter_by_action_prefix_and_flagged(client, admin, therapist):
    _events(2, actor=therapist, action=CoreAction.SITE_UPDATE)
    _events(1, actor=therapist, action=CoreAction.SITE_CREATE, flagged=True)
    _events(1, actor=therapist, action=CoreAction.USER_UPDATE, flagged=True)
    _login(client, admin)
    assert len(_shown(client.get(reverse("core:audit"), {"action": "site."}))) == 3
    flagged_sites = _shown(client.get(reverse("core:audit"), {"action": "site.", "flagged": "on"}))
    assert [e.action for e in flagged_sites] == ["site.create"]


def test_filter_by_date_range_uses_local_days(client, admin, therapist):
    _events(1, actor=therapist)
    today = timezone.localdate()
    _login(client, admin)
    assert _shown(client.get(reverse("core:audit"), {"since": today, "until": today}))
    yesterday = today - dt.timedelta(days=1)
    assert not _shown(client.get(reverse("core:audit"), {"since": yesterday, "until": yesterday}))


def test_dates_the_wrong_way_round_get_a_field_message(client, admin, therapist):
    _events(1, actor=therapist)
    today = timezone.localdate()
    _login(client, admin)
    response = client.get(reverse("core:audit"), {"since": today, "until": today - dt.timedelta(days=3)})
    assert response.status_code == 200
    assert response.context["form"].errors["until"] == [forms.UNTIL_BEFORE_SINCE]
    assert not _shown(response)


def test_events_of_another_organizations_people_are_not_shown(client, admin, therapist):
    stranger = UserFactory(organization=OrganizationFactory())
    _events(2, actor=stranger, action=CoreAction.TOKEN_ISSUE)
    _events(1, actor=therapist, action=CoreAction.TOKEN_REVOKE)
    _login(client, admin)
    actions = {e.action for e in _shown(client.get(reverse("core:audit")))}
    assert "token.revoke" in actions and "token.issue" not in actions
    actor_choices = {u.pk for u in client.get(reverse("core:audit")).context["form"].fields["actor"].queryset}
    assert stranger.pk not in actor_choices


def test_audit_page_is_paginated_by_50(client, admin, therapist):
    _events(60, actor=therapist)
    _login(client, admin)
    page = client.get(reverse("core:audit")).context["page"]
    assert len(page.object_list) == 50
    assert page.has_next()


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_audit_page_query_count_does_not_grow(client, admin, therapist, intern, supervisor):
    seen = [
        CareTeamFactory(user=admin, client=ClientFactory(site__organization=admin.organization)).client
        for _ in range(3)
    ]
    people = [therapist, intern, supervisor, admin]

    def add(count: int) -> None:
        with transaction.atomic():
            for i in range(count):
                audit.record(
                    actor=people[i % len(people)],
                    action=CoreAction.USER_UPDATE,
                    obj=people[i % 3],
                    client_ids=[seen[i % 3].pk, 1000 + i],
                )
                audit.record(
                    actor=therapist, action=ClientAction.CLIENT_UPDATE, obj=seen[i % 3], client_ids=[seen[i % 3].pk]
                )

    _login(client, admin)
    add(3)
    few = _count_queries(client, reverse("core:audit"))
    add(30)
    many = _count_queries(client, reverse("core:audit"))
    assert many == few

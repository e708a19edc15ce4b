"""The audit log page: newest first, filtered, paginated, and cheap however long the log."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.clients.audit_actions import ClientAction
from artchart.clients.models import ClientRestriction, RestrictionCategory
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


def _all(body: str, css_class: str) -> list[str]:
    """The inner HTML of every ``<p class="css_class">`` on the page."""
    return [part.split(">", 1)[1].split("</p>", 1)[0] for part in body.split(f'<p class="{css_class}')[1:]]


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" .", ".").replace(" :", ":").replace(" ,", ",")


def _text(body: str, css_class: str) -> str:
    return _plain(_all(body, css_class)[0])


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


def test_a_row_reads_as_a_sentence_with_its_time_address_and_record_beneath(client, admin, therapist):
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
    sentence = _text(body, "audit-sentence")
    assert sentence.startswith("Tess Rivera added someone to a care team: client no. 5 and client no. 12.")
    assert "Flagged" in sentence
    details = _text(body, "audit-when")
    assert "from 10.0.0.9" in details and "Care team membership 77" in details


def test_the_page_names_people_and_clients_instead_of_codes_and_ids(client, admin, therapist):
    ruth = CareTeamFactory(user=therapist, client=ClientFactory(site__organization=admin.organization)).client
    with transaction.atomic():
        audit.record(actor=therapist, action=CoreAction.CLIENT_READ, obj=ruth, client_ids=[ruth.pk])
        audit.record(actor=admin, action=CoreAction.USER_UPDATE, obj=therapist)
        audit.record(actor=therapist, action=CoreAction.AUTH_LOGIN, obj=therapist)
    _login(client, admin)
    sentences = [_plain(row) for row in _all(client.get(reverse("core:audit")).content.decode(), "audit-sentence")]
    assert f"Tess Rivera read a client record: {ruth.display_name}." in sentences
    assert f"{admin.display_name} changed a user: Tess Rivera." in sentences
    assert "Tess Rivera signed in." in sentences  # not "signed in: Tess Rivera"
    body = client.get(reverse("core:audit")).content.decode()
    assert "client.read" not in _plain(body.split('class="audit-events"')[1].replace('title="client.read"', ""))


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


def test_filter_by_client_name_finds_their_events_but_never_a_restricted_clients(client, admin, therapist):
    ruth = ClientFactory(site__organization=admin.organization, legal_first_name="Ruth", legal_last_name="Abernathy")
    other = ClientFactory(site__organization=admin.organization, legal_first_name="Ruth", legal_last_name="Zeller")
    hidden = ClientFactory(site__organization=admin.organization, legal_first_name="Ruth", legal_last_name="Abbot")
    ClientRestriction.objects.create(client=hidden, category=RestrictionCategory.STAFF, restricted_by=admin)
    for someone in (ruth, other, hidden):
        _events(1, actor=therapist, client_ids=[someone.pk])
    _login(client, admin)

    def found(client_filter) -> list[list[int]]:
        # Only the events made above: each page that names a client records a read of its own.
        response = client.get(reverse("core:audit"), {"client": client_filter, "action": "token."})
        return [e.client_id_list for e in _shown(response)]

    assert found("ruth ab") == [[ruth.pk]]
    assert sorted(found("Ruth")) == sorted([[ruth.pk], [other.pk]])
    # The restricted client is found only by the number the log shows for them.
    assert found(hidden.pk) == [[hidden.pk]]
    assert found("Nobody Here") == []


def test_filter_by_one_action_takes_only_that_action(client, admin, therapist):
    _events(2, actor=therapist, action=CoreAction.AUTH_MFA_RECOVERY_USED)
    _events(1, actor=therapist, action=CoreAction.AUTH_MFA_RECOVERY_REGENERATED)
    _login(client, admin)
    response = client.get(reverse("core:audit"), {"action": "auth.mfa_recovery_used"})
    assert [e.action for e in _shown(response)] == ["auth.mfa_recovery_used"] * 2
    groups = dict(response.context["form"].fields["action"].choices)
    assert ("auth.", "Anything about auth") in groups["Auth"]
    assert ("auth.mfa_recovery_used", "Signed in with a recovery code") in groups["Auth"]


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

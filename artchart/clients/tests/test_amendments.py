"""Requests to amend the record (HIPAA 164.526): recorded, decided once, the original never changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.clients import models as record
from artchart.clients import services
from artchart.clients.models import AmendmentAddendum, AmendmentRequest, GatheredInfo
from artchart.core import services as core_services
from artchart.core.access import NOT_ALLOWED
from artchart.core.models import AuditEvent
from artchart.tests.factories import GatheredInfoFactory


def _today():
    """Today in the practice's zone, read when asked: a run that crosses midnight must not compare two days."""
    return timezone.localdate()


pytestmark = pytest.mark.django_db

CHANGE = "Please say I left the room upset, not calmly."
ADDENDUM = "Client reports she was upset on leaving; recorded at her request."
REASON = "The entry records what was observed and is accurate and complete."
STATEMENT = "I still disagree: nobody asked me how I felt."


@pytest.fixture
def entry(client_record, therapist):
    return GatheredInfoFactory(
        client=client_record, author=therapist, title="First studio observation", body="Left the room calmly."
    )


def _request(client_record, by, entry=None, **fields):
    values = {
        "part": "gathered_info" if entry else "demographics",
        "gathered_info": entry,
        "item": "" if entry else "My address",
        "requested_change": CHANGE,
        "received_on": _today() - dt.timedelta(days=3),
        "received_via": "in_writing",
        **fields,
    }
    return services.amendment_request_record(by=by, client=client_record, **values)


def _as(user) -> Browser:
    _, raw = core_services.token_issue(user=user, name="tests")
    return Browser(headers={"Authorization": f"Bearer {raw}"})


def _api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def _snapshot():
    return (
        AuditEvent.objects.exclude(action__in=["client.read", "token.use"]).count(),
        list(
            AmendmentRequest.objects.order_by("pk").values_list(
                "pk", "decision", "denial_reason", "disagreement", "decided_on"
            )
        ),
        AmendmentAddendum.objects.count(),
        list(GatheredInfo.objects.order_by("pk").values_list("pk", "title", "body")),
    )


# --- recording a request ------------------------------------------------------------------------------


def test_therapist_records_a_request_and_the_chart_shows_its_due_date(client, client_record, therapist, entry):
    client.force_login(therapist)
    received = _today() - dt.timedelta(days=10)
    response = client.post(
        reverse("clients:amendment_add", args=[client_record.pk]),
        {
            "received_on": received.isoformat(),
            "received_via": "email",
            "part": "gathered_info",
            "gathered_info": entry.pk,
            "requested_change": CHANGE,
        },
    )
    amendment = AmendmentRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:amendment_detail", args=[client_record.pk, amendment.pk])
    assert amendment.due_on == received + dt.timedelta(days=60)
    chart = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    assert "Requests to amend the record" in chart
    assert f"response due {amendment.due_on:%-d %b %Y}" in chart
    assert "Overdue" not in chart


def test_a_request_older_than_sixty_days_without_a_decision_is_overdue(client, client_record, therapist):
    amendment = _request(client_record, therapist, received_on=_today() - dt.timedelta(days=61))
    assert amendment.is_overdue
    client.force_login(therapist)
    assert "Overdue" in client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    services.amendment_decide(by=therapist, amendment=amendment, decision="denied", denial_reason=REASON)
    amendment.refresh_from_db()
    assert not amendment.is_overdue


def test_a_request_with_no_text_is_refused_and_writes_nothing(client, client_record, therapist):
    client.force_login(therapist)
    before = _snapshot()
    response = client.post(
        reverse("clients:amendment_add", args=[client_record.pk]),
        {
            "received_on": _today().isoformat(),
            "received_via": "email",
            "part": "demographics",
            "item": "",
            "requested_change": "   ",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert record.AMENDMENT_NEEDS_CHANGE in body
    assert record.AMENDMENT_NEEDS_ITEM in body
    assert _snapshot() == before


def test_an_entry_of_another_client_cannot_be_linked(client_record, therapist):
    other = GatheredInfoFactory(author=therapist)
    with pytest.raises(Exception) as caught:
        _request(client_record, therapist, entry=other)
    assert record.AMENDMENT_ITEM_OTHER_CLIENT in str(caught.value)
    assert not AmendmentRequest.objects.exists()


# --- deciding --------------------------------------------------------------------------------------------


def test_accepting_adds_an_addendum_beside_the_entry_and_leaves_the_entry_unchanged(
    client, client_record, therapist, entry
):
    amendment = _request(client_record, therapist, entry=entry)
    client.force_login(therapist)
    response = client.post(
        reverse("clients:amendment_decide", args=[client_record.pk, amendment.pk]),
        {
            "decision": "accepted",
            "decided_on": _today().isoformat(),
            "addendum": ADDENDUM,
        },
    )
    assert response.status_code == 302
    addendum = AmendmentAddendum.objects.get()
    assert (addendum.request, addendum.author, addendum.written_on, addendum.text) == (
        amendment,
        therapist,
        _today(),
        ADDENDUM,
    )
    entry.refresh_from_db()
    assert (entry.title, entry.body) == ("First studio observation", "Left the room calmly.")
    chart = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    assert "Left the room calmly." in chart
    assert "Amended:" in chart and ADDENDUM in chart


def test_a_denial_without_a_reason_is_refused_and_writes_nothing(client, client_record, therapist, entry):
    amendment = _request(client_record, therapist, entry=entry)
    client.force_login(therapist)
    before = _snapshot()
    response = client.post(
        reverse("clients:amendment_decide", args=[client_record.pk, amendment.pk]),
        {
            "decision": "denied",
            "decided_on": _today().isoformat(),
            "denial_reason": "",
        },
    )
    assert response.status_code == 400
    assert record.DENIAL_NEEDS_REASON in response.content.decode()
    assert _snapshot() == before


def test_accepting_without_addendum_text_is_refused(client_record, therapist, entry):
    amendment = _request(client_record, therapist, entry=entry)
    before = _snapshot()
    with pytest.raises(Exception) as caught:
        services.amendment_decide(by=therapist, amendment=amendment, decision="accepted", addendum=" ")
    assert caught.value.message_dict == {"addendum": [record.ADDENDUM_NEEDS_TEXT]}
    assert _snapshot() == before


def test_a_request_is_decided_once(client_record, therapist, entry):
    amendment = _request(client_record, therapist, entry=entry)
    services.amendment_decide(by=therapist, amendment=amendment, decision="denied", denial_reason=REASON)
    before = _snapshot()
    with pytest.raises(Exception) as caught:
        services.amendment_decide(by=therapist, amendment=amendment, decision="accepted", addendum=ADDENDUM)
    assert record.AMENDMENT_ALREADY_DECIDED in caught.value.messages
    assert _snapshot() == before


def test_a_denial_then_the_clients_disagreement_are_shown_beside_the_entry(
    client, client_record, therapist, teamviewer, entry
):

    amendment = _request(client_record, therapist, entry=entry)
    services.amendment_decide(by=therapist, amendment=amendment, decision="denied", denial_reason=REASON)
    client.force_login(therapist)
    response = client.post(
        reverse("clients:amendment_disagreement", args=[client_record.pk, amendment.pk]),
        {
            "statement": STATEMENT,
            "received_on": _today().isoformat(),
        },
    )
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert (amendment.disagreement, amendment.disagreement_recorded_by) == (STATEMENT, therapist)
    client.force_login(teamviewer)
    chart = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    assert "Disputed:" in chart and STATEMENT in chart and "Left the room calmly." in chart


def test_a_disagreement_needs_a_denial_and_text(client_record, therapist, entry):
    amendment = _request(client_record, therapist, entry=entry)
    with pytest.raises(Exception) as caught:
        services.amendment_disagreement_record(by=therapist, amendment=amendment, statement=STATEMENT)
    assert record.DISAGREEMENT_ONLY_AFTER_DENIAL in caught.value.messages
    services.amendment_decide(by=therapist, amendment=amendment, decision="denied", denial_reason=REASON)
    with pytest.raises(Exception) as caught:
        services.amendment_disagreement_record(by=therapist, amendment=amendment, statement="")
    assert caught.value.message_dict == {"statement": [record.DISAGREEMENT_NEEDS_TEXT]}
    services.amendment_disagreement_record(by=therapist, amendment=amendment, statement=STATEMENT)
    with pytest.raises(Exception) as caught:
        services.amendment_disagreement_record(by=therapist, amendment=amendment, statement="Again")
    assert record.DISAGREEMENT_ALREADY in caught.value.messages


def test_each_step_is_audited_with_ids_and_never_the_text(client_record, therapist, entry):
    amendment = _request(client_record, therapist, entry=entry)
    services.amendment_decide(by=therapist, amendment=amendment, decision="denied", denial_reason=REASON)
    services.amendment_disagreement_record(by=therapist, amendment=amendment, statement=STATEMENT)
    events = list(AuditEvent.objects.filter(object_type="clients.amendmentrequest").order_by("seq"))
    assert [e.action for e in events] == ["amendment.request", "amendment.denied", "amendment.disagreement"]
    assert all(e.object_id == str(amendment.pk) and e.client_id_list == [client_record.pk] for e in events)
    dumped = " ".join(str(e.detail) for e in events)
    for text in (CHANGE, REASON, STATEMENT):
        assert text not in dumped


def test_read_only_members_see_requests_but_cannot_decide(client, client_record, therapist, supervisor, entry):
    amendment = _request(client_record, therapist, entry=entry)
    client.force_login(supervisor)
    page = client.get(reverse("clients:amendment_detail", args=[client_record.pk, amendment.pk]))
    assert page.status_code == 200 and "Record the decision" not in page.content.decode()
    response = client.post(
        reverse("clients:amendment_decide", args=[client_record.pk, amendment.pk]),
        {
            "decision": "denied",
            "decided_on": _today().isoformat(),
            "denial_reason": REASON,
        },
    )
    assert response.status_code == 403
    assert AmendmentRequest.objects.get().is_pending


# --- the API --------------------------------------------------------------------------------------------------

API_OPERATIONS = [
    ("amendments_list", "get"),
    ("amendments_create", "post"),
    ("amendment_decide", "post"),
    ("amendment_disagreement", "post"),
]


def test_api_records_decides_and_lists_requests(client_record, therapist, intern, entry):
    created = _as(intern).post(
        _api("amendments_create", client_id=client_record.pk),
        {
            "part": "gathered_info",
            "gathered_info": entry.pk,
            "requested_change": CHANGE,
            "received_on": _today().isoformat(),
            "received_via": "email",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["due_on"] == (_today() + dt.timedelta(days=60)).isoformat() and body["state"] == "Awaiting decision"
    decided = _as(therapist).post(
        _api("amendment_decide", client_id=client_record.pk, amendment_id=body["id"]),
        {"decision": "accepted", "addendum": ADDENDUM},
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["addendum"]["text"] == ADDENDUM
    listed = _as(therapist).get(_api("amendments_list", client_id=client_record.pk)).json()["results"]
    assert [(row["id"], row["decision"]) for row in listed] == [(body["id"], "accepted")]


def test_api_refuses_bad_input_with_field_messages_and_writes_nothing(client_record, therapist, entry):
    amendment = _request(client_record, therapist, entry=entry)
    before = _snapshot()
    browser = _as(therapist)
    before = (before[0] + 1, *before[1:])  # issuing the token above is itself audited
    empty = browser.post(
        _api("amendments_create", client_id=client_record.pk),
        {
            "part": "demographics",
            "item": "Address",
            "requested_change": "",
            "received_on": _today().isoformat(),
            "received_via": "email",
        },
        content_type="application/json",
    )
    assert empty.status_code == 400
    assert empty.json()["errors"] == {"requested_change": [record.AMENDMENT_NEEDS_CHANGE]}
    denial = browser.post(
        _api("amendment_decide", client_id=client_record.pk, amendment_id=amendment.pk),
        {"decision": "denied"},
        content_type="application/json",
    )
    assert denial.status_code == 400
    assert denial.json()["errors"] == {"denial_reason": [record.DENIAL_NEEDS_REASON]}
    assert _snapshot() == before


@pytest.mark.parametrize(("person", "status"), [("therapist2", 404), ("teamviewer", 403), ("supervisor", 403)])
def test_api_refuses_writes_outside_the_writing_care_team(request, client_record, therapist, entry, person, status):
    amendment = _request(client_record, therapist, entry=entry)
    browser = _as(request.getfixturevalue(person))
    response = browser.post(
        _api("amendment_decide", client_id=client_record.pk, amendment_id=amendment.pk),
        {"decision": "denied", "denial_reason": REASON},
        content_type="application/json",
    )
    assert response.status_code == status
    if status == 403:
        assert response.json()["message"] == NOT_ALLOWED
    assert AmendmentRequest.objects.get().is_pending


def test_api_without_a_token_is_401(client_record):
    assert Browser().get(_api("amendments_list", client_id=client_record.pk)).status_code == 401


# --- query counts ------------------------------------------------------------------------------------------------


def test_chart_query_count_does_not_grow_with_amendments_and_disclosures(client, client_record, therapist):
    client.force_login(therapist)
    url = reverse("clients:chart", args=[client_record.pk])

    def add(n):
        for _ in range(n):
            entry = GatheredInfoFactory(client=client_record, author=therapist)
            accepted = _request(client_record, therapist, entry=entry)
            services.amendment_decide(by=therapist, amendment=accepted, decision="accepted", addendum=ADDENDUM)
            denied = _request(client_record, therapist, entry=entry)
            services.amendment_decide(by=therapist, amendment=denied, decision="denied", denial_reason=REASON)
            services.amendment_disagreement_record(by=therapist, amendment=denied, statement=STATEMENT)
            _request(client_record, therapist)
            services.disclosure_record(
                by=therapist,
                client=client_record,
                kind="report",
                recipient="County",
                purpose="Required report",
                description="Dates",
                legal_basis="required_by_law",
                disclosed_on=_today(),
            )

    def queries_after_adding(n):
        add(n)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few = queries_after_adding(1)
    many = queries_after_adding(8)
    assert many == few, f"{few} queries with few amendments, {many} with many"

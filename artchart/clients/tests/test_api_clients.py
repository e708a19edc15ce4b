"""The client record through the API: who sees what, what is written, and what is refused (writing nothing)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.api import NUL_REFUSED
from artchart.clients import services
from artchart.clients import validation as v
from artchart.clients.models import (
    CareTeamMembership,
    Client,
    Consent,
    Contact,
    Diagnosis,
    GatheredDocument,
    GatheredInfo,
)
from artchart.core import services as core_services
from artchart.core.access import NOT_ALLOWED
from artchart.core.models import AuditEvent
from artchart.tests.access_rules import area_rule_modules
from artchart.tests.factories import (
    CareTeamFactory,
    ClientFactory,
    ContactFactory,
    OrganizationFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/clients"
TODAY = dt.date.today()
SIGNED = (TODAY - dt.timedelta(days=30)).isoformat()
PDF = b"%PDF-1.4\n% a referral letter\n"


def _as(user) -> Browser:
    _, raw = core_services.token_issue(user=user, name="tests")
    return Browser(headers={"Authorization": f"Bearer {raw}"})


def _url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def _send(browser: Browser, method: str, url: str, body=None):
    if method == "multipart":
        return browser.post(url, body or {})
    if method in ("get", "delete"):
        return getattr(browser, method)(url)
    return getattr(browser, method)(url, body if body is not None else {}, content_type="application/json")


def _errors(response) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    return response.json()["errors"]


def _treatment_consent(**fields) -> dict:
    return {
        "kind": "treatment",
        "decision": "granted",
        "signed_on": SIGNED,
        "signer": "client",
        "signer_name": "Maya Lopez",
        "signature_kind": "typed",
        "signature_typed": "Maya Lopez",
        **fields,
    }


def _snapshot() -> tuple:
    """Everything a refused request must leave as it was (the token's own use is recorded apart)."""
    return (
        AuditEvent.objects.exclude(action="token.use").count(),
        list(Client.objects.order_by("pk").values_list("pk", "preferred_name", "date_of_birth", "site_id")),
        list(Contact.objects.order_by("pk").values_list("pk", "name", "phone", "email")),
        list(Consent.objects.order_by("pk").values_list("pk", "revoked_on")),
        list(Diagnosis.objects.order_by("pk").values_list("pk", "icd10_code")),
        GatheredInfo.objects.count(),
        GatheredDocument.objects.count(),
    )


@pytest.fixture
def chart(client_record, therapist):
    """``client_record`` with a guardian, another contact, a consent, a diagnosis and a document."""
    record = client_record
    guardian = services.contact_add(
        by=therapist, client=record, name="Rosa Lopez", relationship="Mother", is_guardian=True
    )
    neighbour = services.contact_add(by=therapist, client=record, name="Sam Next-Door", relationship="Neighbour")
    consent = services.consent_record(
        by=therapist, client=record, **_treatment_consent(signed_on=TODAY - dt.timedelta(days=30))
    )
    diagnosis = services.diagnosis_add(by=therapist, client=record, icd10_code="F43.10", label="PTSD")
    entry = services.gathered_info_add(
        by=therapist,
        client=record,
        source="case_document",
        occurred_on=TODAY,
        title="Referral letter",
        documents=[SimpleUploadedFile("referral.pdf", PDF, content_type="application/pdf")],
    )
    return SimpleNamespace(
        client=record,
        guardian=guardian,
        contact=neighbour,
        consent=consent,
        diagnosis=diagnosis,
        entry=entry,
        document=entry.documents.get(),
    )


# --- every client-scoped operation, for the access tests ----------------------------------------------

READS = [
    ("client_detail", "get", ("client",), None),
    ("contacts_list", "get", ("client",), None),
    ("consents_list", "get", ("client",), None),
    ("gathered_list", "get", ("client",), None),
    ("document_download", "get", ("document",), None),
]
WRITES = [
    ("client_update", "patch", ("client",), {"preferred_name": "Mia"}),
    ("diagnoses_create", "post", ("client",), {"icd10_code": "F41.1", "label": "Generalized anxiety disorder"}),
    ("diagnosis_delete", "delete", ("client", "diagnosis"), None),
    ("contacts_create", "post", ("client",), {"name": "June Lopez", "relationship": "Aunt"}),
    ("contact_update", "patch", ("client", "contact"), {"phone": "555-0101"}),
    ("contact_delete", "delete", ("client", "contact"), None),
    ("consents_create", "post", ("client",), _treatment_consent()),
    ("consent_revoke", "post", ("client", "consent"), {}),
    ("gathered_create", "multipart", ("client",), {"source": "observation", "occurred_on": SIGNED, "title": "Seen"}),
]
OPERATIONS = READS + WRITES


def _operation_url(chart, name: str, ids: tuple[str, ...]) -> str:
    return _url(name, **{f"{attribute}_id": getattr(chart, attribute).pk for attribute in ids})


def test_the_access_tables_cover_every_client_operation():
    from artchart.api import api_operations
    from artchart.clients.tests import test_amendments, test_disclosures
    from artchart.plans.tests import test_plans

    covered = {name for name, *_ in OPERATIONS} | {"clients_list", "clients_create"}
    covered |= {name for name, *_ in test_amendments.API_OPERATIONS + test_disclosures.API_OPERATIONS}
    covered |= set(test_plans.API_OPERATIONS)  # the plans router shares the clients prefix
    # The therapy app's client operations are walked by the URL access test, person by person.
    for module in area_rule_modules():
        # Only their operations under /clients/ count here (sessions, groups… have paths of their own).
        covered |= {op[0] for op in module.API_OPERATIONS if len(op) < 3 or op[2].startswith("/api/v1/clients")}
    assert covered == {op.name for op in api_operations() if op.path.startswith("/api/v1/clients")}


@pytest.mark.parametrize("person", ["outsider", "therapist2", "admin", "programadmin"])
@pytest.mark.parametrize(("name", "method", "ids", "body"), OPERATIONS, ids=[op[0] for op in OPERATIONS])
def test_other_therapists_client_is_404(request, chart, person, name, method, ids, body):
    browser = _as(request.getfixturevalue(person))
    before = _snapshot()
    response = _send(browser, method, _operation_url(chart, name, ids), body)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found.", "errors": {}}
    assert _snapshot() == before


@pytest.mark.parametrize("person", ["teamviewer", "supervisor"])
@pytest.mark.parametrize(("name", "method", "ids", "body"), WRITES, ids=[op[0] for op in WRITES])
def test_read_only_team_members_get_403_writing(request, chart, person, name, method, ids, body):
    browser = _as(request.getfixturevalue(person))
    before = _snapshot()
    response = _send(browser, method, _operation_url(chart, name, ids), body)
    assert response.status_code == 403
    assert response.json() == {"code": "not_allowed", "message": NOT_ALLOWED, "errors": {}}  # the refusal's own code
    assert _snapshot() == before


@pytest.mark.parametrize("person", ["therapist", "intern", "supervisor", "teamviewer"])
@pytest.mark.parametrize(("name", "method", "ids", "body"), READS, ids=[op[0] for op in READS])
def test_the_care_team_reads(request, chart, person, name, method, ids, body):
    response = _send(_as(request.getfixturevalue(person)), method, _operation_url(chart, name, ids), body)
    assert response.status_code == 200


@pytest.mark.parametrize("person", ["therapist", "intern"])
@pytest.mark.parametrize(("name", "method", "ids", "body"), WRITES, ids=[op[0] for op in WRITES])
def test_the_primary_therapist_and_the_intern_write(request, chart, person, name, method, ids, body):
    response = _send(_as(request.getfixturevalue(person)), method, _operation_url(chart, name, ids), body)
    assert response.status_code in (200, 201, 204), response.content


@pytest.mark.parametrize(("name", "method", "ids", "body"), OPERATIONS, ids=[op[0] for op in OPERATIONS])
def test_no_token_is_401(chart, name, method, ids, body):
    before = _snapshot()
    assert _send(Browser(), method, _operation_url(chart, name, ids), body).status_code == 401
    assert _snapshot() == before


def test_no_token_is_401_for_the_list_and_for_creating(site):
    assert Browser().get(LIST).status_code == 401
    assert Browser().post(LIST, {}, content_type="application/json").status_code == 401


# --- the list ------------------------------------------------------------------------------------------


def test_list_shows_only_the_users_clients(client_record, therapist, therapist2, site):
    theirs = ClientFactory(site=site, legal_first_name="Other")
    CareTeamFactory(client=theirs, user=therapist2)
    response = _as(therapist).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body["results"]] == [client_record.pk]
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    assert body["results"][0]["display_name"] == "Maya Lopez"


def test_supervisor_sees_the_supervisees_clients(client_record, supervisor):
    assert [row["id"] for row in _as(supervisor).get(LIST).json()["results"]] == [client_record.pk]


def test_admin_and_program_admin_list_no_clients(client_record, admin, programadmin):
    assert _as(admin).get(LIST).json()["results"] == []
    assert _as(programadmin).get(LIST).json()["results"] == []


def test_list_read_is_audited_with_the_clients_shown(client_record, therapist):
    _as(therapist).get(LIST)
    event = AuditEvent.objects.get(action="client.read")
    assert event.actor == therapist and event.client_id_list == [client_record.pk]


def test_list_filters_by_name_status_and_site(therapist, site, org):
    other_site = SiteFactory(organization=org, name="Hillside Ward")
    for first, last, status, where in [
        ("Ana", "Reyes", "active", site),
        ("Ben", "Reyes", "discharged", site),
        ("Cleo", "Marsh", "active", other_site),
    ]:
        CareTeamFactory(
            client=ClientFactory(site=where, legal_first_name=first, legal_last_name=last, status=status),
            user=therapist,
        )
    browser = _as(therapist)

    def names(**params):
        return [row["legal_first_name"] for row in browser.get(LIST, params).json()["results"]]

    assert names(q="reyes") == ["Ana", "Ben"]
    assert names(q="reyes", status="active") == ["Ana"]
    assert names(site=other_site.pk) == ["Cleo"]
    assert names(q="nobody") == []


def test_list_is_paginated(therapist, site):
    for number in range(30):
        CareTeamFactory(client=ClientFactory(site=site, legal_last_name=f"Family{number:02d}"), user=therapist)
    browser = _as(therapist)
    first = browser.get(LIST).json()
    second = browser.get(first["next"]).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (30, 25, None)
    assert (len(second["results"]), second["next"]) == (5, None)
    assert {row["id"] for row in first["results"]}.isdisjoint(row["id"] for row in second["results"])
    assert browser.get(LIST, {"offset": 99}).json()["results"] == []


def test_list_queries_do_not_grow_with_the_number_of_clients(therapist, site):
    def add(count):
        for _ in range(count):
            CareTeamFactory(client=ClientFactory(site=site, latex_allergy=True, allergies="Nickel"), user=therapist)

    browser = _as(therapist)
    add(3)
    browser.get(LIST)  # the first use marks the token used: one write the later requests skip
    with CaptureQueriesContext(connection) as few:
        assert browser.get(LIST).json()["count"] == 3
    add(17)
    with CaptureQueriesContext(connection) as many:
        assert browser.get(LIST).json()["count"] == 20
    assert len(many) == len(few)


# --- creating a client ------------------------------------------------------------------------------------


def _new_client(site_id: int, **fields) -> dict:
    return {
        "legal_first_name": "Ana",
        "legal_last_name": "Reyes",
        "date_of_birth": "2001-04-02",
        "site": site_id,
        **fields,
    }


def test_therapist_creates_a_client_and_becomes_its_primary_therapist(therapist, site):
    response = _as(therapist).post(
        LIST, _new_client(site.pk, latex_allergy=True, pronouns="she/her"), content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    client = Client.objects.get(pk=body["id"])
    assert (client.legal_first_name, client.site, client.organization_id) == ("Ana", site, therapist.organization_id)
    assert body["precautions"] == ["Latex allergy"] and body["diagnoses"] == []
    assert CareTeamMembership.objects.get(client=client).user == therapist
    assert AuditEvent.objects.filter(action="client.create", actor=therapist, object_id=str(client.pk)).exists()


def test_a_birth_date_in_the_future_is_refused_and_nothing_is_written(therapist, site):
    browser = _as(therapist)
    before = _snapshot()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = browser.post(LIST, _new_client(site.pk, date_of_birth=tomorrow), content_type="application/json")
    assert _errors(response) == {"date_of_birth": [v.DOB_IN_FUTURE]}
    assert response.json()["message"]
    assert _snapshot() == before


@pytest.mark.parametrize("which", ["missing", "another_organization", "inactive"])
def test_an_unknown_site_is_a_field_error_not_a_500(therapist, site, which):
    if which == "missing":
        site_id = 999_999
    elif which == "another_organization":
        site_id = SiteFactory(organization=OrganizationFactory()).pk
    else:
        site_id = SiteFactory(organization=site.organization, is_active=False).pk
    browser = _as(therapist)
    before = _snapshot()
    response = browser.post(LIST, _new_client(site_id), content_type="application/json")
    assert _errors(response) == {"site": [v.SITE_UNKNOWN]}
    assert _snapshot() == before


def test_missing_required_fields_are_each_named(therapist, site):
    browser = _as(therapist)
    before = _snapshot()
    errors = _errors(browser.post(LIST, {"preferred_name": "Ana"}, content_type="application/json"))
    assert set(errors) == {"legal_first_name", "legal_last_name", "date_of_birth", "site"}
    assert _snapshot() == before


def test_over_long_values_get_a_message_on_their_own_field(therapist, site):
    browser = _as(therapist)
    before = _snapshot()
    response = browser.post(
        LIST, _new_client(site.pk, legal_first_name="A" * 101, pronouns="x" * 41), content_type="application/json"
    )
    errors = _errors(response)
    assert set(errors) == {"legal_first_name", "pronouns"}
    assert "at most 100 characters" in errors["legal_first_name"][0]
    assert "at most 40 characters" in errors["pronouns"][0]
    assert _snapshot() == before


def test_a_date_that_is_not_a_date_is_a_field_error(therapist, site):
    errors = _errors(
        _as(therapist).post(LIST, _new_client(site.pk, date_of_birth="31/02/2001"), content_type="application/json")
    )
    assert list(errors) == ["date_of_birth"]


def test_an_unknown_status_and_a_bad_email_are_field_errors(therapist, site):
    errors = _errors(
        _as(therapist).post(
            LIST, _new_client(site.pk, status="gone", email="not-an-email"), content_type="application/json"
        )
    )
    assert set(errors) == {"status", "email"}


def test_an_id_beyond_any_database_key_is_a_field_error(therapist, site):
    browser = _as(therapist)
    huge = 10**30
    assert list(_errors(browser.post(LIST, _new_client(huge), content_type="application/json"))) == ["site"]
    assert list(_errors(browser.get(f"{LIST}/{huge}"))) == ["client_id"]
    assert list(_errors(browser.get(LIST, {"site": huge}))) == ["site"]


def test_a_nul_character_is_a_field_error_in_json_and_in_forms(client_record, therapist, site):
    browser = _as(therapist)
    before = _snapshot()
    response = browser.post(LIST, _new_client(site.pk, legal_first_name="Ana\x00"), content_type="application/json")
    assert _errors(response) == {"legal_first_name": [NUL_REFUSED]}
    assert response.json()["code"] == NUL_REFUSED.code == "nul_character"
    response = browser.post(
        _url("gathered_create", client_id=client_record.pk),
        {"source": "observation", "occurred_on": SIGNED, "title": "Seen\x00"},
    )
    assert _errors(response) == {"title": [NUL_REFUSED]}
    assert _snapshot() == before


def test_a_body_that_is_not_json_is_400_with_a_message(therapist):
    response = _as(therapist).post(LIST, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": "Cannot parse request body", "errors": {}}


@pytest.mark.parametrize("person", ["teamviewer", "admin", "programadmin"])
def test_only_clinicians_open_client_records(request, site, person):
    browser = _as(request.getfixturevalue(person))
    before = _snapshot()
    response = browser.post(LIST, _new_client(site.pk), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["message"] == services.CANNOT_CREATE_CLIENTS
    assert _snapshot() == before


# --- one client --------------------------------------------------------------------------------------------


def test_detail_includes_precautions_and_diagnoses(chart, therapist):
    Client.objects.filter(pk=chart.client.pk).update(sharps_restriction=True, allergies="Nickel")
    response = _as(therapist).get(_url("client_detail", client_id=chart.client.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["precautions"] == ["Sharps restriction", "Allergies: Nickel"]
    assert body["sharps_restriction"] is True and body["latex_allergy"] is False
    assert body["diagnoses"] == [
        {"id": chart.diagnosis.pk, "icd10_code": "F43.10", "label": "PTSD", "is_primary": False}
    ]
    assert body["site"] == chart.client.site_id and body["site_name"] == "Riverbend Studio"


def test_detail_read_is_audited(chart, intern):
    _as(intern).get(_url("client_detail", client_id=chart.client.pk))
    event = AuditEvent.objects.get(action="client.read")
    assert event.actor == intern and event.client_id_list == [chart.client.pk]


def test_a_client_id_that_does_not_exist_is_404(therapist):
    assert _as(therapist).get(_url("client_detail", client_id=424242)).status_code == 404


def test_patch_changes_only_the_fields_sent(client_record, therapist):
    response = _as(therapist).patch(
        _url("client_update", client_id=client_record.pk),
        {"preferred_name": "Mia", "latex_allergy": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "Mia Lopez" and response.json()["precautions"] == ["Latex allergy"]
    client_record.refresh_from_db()
    assert (client_record.legal_first_name, client_record.preferred_name, client_record.latex_allergy) == (
        "Maya",
        "Mia",
        True,
    )
    event = AuditEvent.objects.get(action="client.update")
    assert set(event.detail["fields"]) == {"preferred_name", "latex_allergy"}
    assert "Mia" not in str(event.detail)


def test_patch_moves_a_client_to_another_site_of_the_organization(client_record, therapist, org):
    ward = SiteFactory(organization=org, name="Hillside Ward")
    response = _as(therapist).patch(
        _url("client_update", client_id=client_record.pk), {"site": ward.pk}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["site_name"] == "Hillside Ward"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"date_of_birth": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "date_of_birth", v.DOB_IN_FUTURE),
        ({"site": 999_999}, "site", v.SITE_UNKNOWN),
        ({"legal_last_name": ""}, "legal_last_name", "This field cannot be blank."),
        ({"legal_last_name": None}, "legal_last_name", "Input should be a valid string"),
        ({"preferred_name": None}, "preferred_name", "Input should be a valid string"),
        ({"latex_allergy": None}, "latex_allergy", "Input should be a valid boolean"),
        ({"address": "x" * 501}, "address", "String should have at most 500 characters"),
    ],
)
def test_a_bad_patch_changes_nothing(client_record, therapist, change, field, message):
    browser = _as(therapist)
    before = _snapshot()
    response = browser.patch(_url("client_update", client_id=client_record.pk), change, content_type="application/json")
    assert _errors(response) == {field: [message]}
    assert _snapshot() == before
    client_record.refresh_from_db()
    assert client_record.legal_last_name == "Lopez"


# --- diagnoses ------------------------------------------------------------------------------------------------


def test_a_diagnosis_is_added_and_removed(client_record, therapist):
    browser = _as(therapist)
    created = browser.post(
        _url("diagnoses_create", client_id=client_record.pk),
        {"icd10_code": "f32.a", "label": "Depression, unspecified", "is_primary": True},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["icd10_code"] == "F32.A" and created.json()["is_primary"] is True
    diagnosis_id = created.json()["id"]
    detail = browser.get(_url("client_detail", client_id=client_record.pk)).json()
    assert [row["id"] for row in detail["diagnoses"]] == [diagnosis_id]

    removed = browser.delete(_url("diagnosis_delete", client_id=client_record.pk, diagnosis_id=diagnosis_id))
    assert removed.status_code == 204
    assert not Diagnosis.objects.exists()
    assert AuditEvent.objects.filter(action="diagnosis.remove", object_id=str(diagnosis_id)).exists()


def test_a_malformed_icd10_code_is_refused(client_record, therapist):
    browser = _as(therapist)
    response = browser.post(
        _url("diagnoses_create", client_id=client_record.pk),
        {"icd10_code": "F4", "label": "Depression"},
        content_type="application/json",
    )
    assert _errors(response)["icd10_code"] == [v.ICD10_MALFORMED]
    assert not Diagnosis.objects.exists()


def test_a_diagnosis_of_another_client_is_404(chart, therapist, site):
    mine = ClientFactory(site=site)
    CareTeamFactory(client=mine, user=therapist)
    response = _as(therapist).delete(_url("diagnosis_delete", client_id=mine.pk, diagnosis_id=chart.diagnosis.pk))
    assert response.status_code == 404
    assert Diagnosis.objects.filter(pk=chart.diagnosis.pk).exists()


# --- contacts ---------------------------------------------------------------------------------------------------


def test_contacts_are_listed_added_changed_and_removed(client_record, therapist):
    browser = _as(therapist)
    contacts = _url("contacts_list", client_id=client_record.pk)
    created = browser.post(
        contacts,
        {"name": "Rosa Lopez", "relationship": "Mother", "is_guardian": True, "phone": "555-0100"},
        content_type="application/json",
    )
    assert created.status_code == 201
    contact_id = created.json()["id"]
    assert [row["name"] for row in browser.get(contacts).json()["results"]] == ["Rosa Lopez"]

    one = _url("contact_update", client_id=client_record.pk, contact_id=contact_id)
    changed = browser.patch(one, {"phone": "555-0199"}, content_type="application/json")
    assert changed.status_code == 200
    assert (changed.json()["phone"], changed.json()["is_guardian"]) == ("555-0199", True)

    assert browser.delete(one).status_code == 204
    assert browser.get(contacts).json()["results"] == []
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="contact.").order_by("seq")] == [
        "contact.add",
        "contact.update",
        "contact.remove",
    ]


def test_a_contact_with_bad_values_is_refused_and_nothing_written(client_record, therapist):
    browser = _as(therapist)
    before = _snapshot()
    response = browser.post(
        _url("contacts_create", client_id=client_record.pk),
        {"name": "N" * 201, "relationship": "", "email": "nope"},
        content_type="application/json",
    )
    assert set(_errors(response)) == {"name", "relationship", "email"}
    assert _snapshot() == before


@pytest.mark.parametrize("change", [{"email": "nope", "phone": "555-0111"}, {"email": None}])
def test_a_bad_contact_change_changes_nothing(chart, therapist, change):
    browser = _as(therapist)
    before = _snapshot()
    response = browser.patch(
        _url("contact_update", client_id=chart.client.pk, contact_id=chart.contact.pk),
        change,
        content_type="application/json",
    )
    assert list(_errors(response)) == ["email"]
    assert _snapshot() == before


def test_a_guardian_who_signed_a_consent_cannot_be_removed(chart, therapist):
    services.consent_record(
        by=therapist,
        client=chart.client,
        **_treatment_consent(
            kind="record",
            signer="guardian",
            guardian=chart.guardian,
            signer_name="Rosa Lopez",
            signature_typed="Rosa Lopez",
            signed_on=TODAY,
        ),
    )
    browser = _as(therapist)
    before = _snapshot()
    response = browser.delete(_url("contact_delete", client_id=chart.client.pk, contact_id=chart.guardian.pk))
    assert _errors(response) == {"__all__": [services.CONTACT_SIGNED_CONSENT]}
    assert _snapshot() == before


def test_a_contact_of_another_client_is_404(chart, therapist, site):
    mine = ClientFactory(site=site)
    CareTeamFactory(client=mine, user=therapist)
    elsewhere = ContactFactory(client=mine)
    browser = _as(therapist)
    url = _url("contact_update", client_id=chart.client.pk, contact_id=elsewhere.pk)
    assert browser.patch(url, {"phone": "1"}, content_type="application/json").status_code == 404
    assert browser.delete(url).status_code == 404
    assert Contact.objects.filter(pk=elsewhere.pk, phone="").exists()


# --- consents -----------------------------------------------------------------------------------------------------


def test_a_treatment_consent_is_recorded_and_listed(client_record, therapist):
    browser = _as(therapist)
    consents = _url("consents_list", client_id=client_record.pk)
    response = browser.post(consents, _treatment_consent(), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["state"], body["in_force"], body["revoked_on"]) == ("treatment", "granted", True, None)
    assert [row["id"] for row in browser.get(consents).json()["results"]] == [body["id"]]
    event = AuditEvent.objects.get(action="consent.record")
    assert event.detail == {"kind": "treatment", "decision": "granted"}


def test_a_release_without_recipient_or_expiry_is_refused_with_field_messages(client_record, therapist):
    browser = _as(therapist)
    before = _snapshot()
    release = _treatment_consent(
        kind="release", purpose="Coordination of care", information="Attendance", right_to_revoke_explained=True
    )
    response = browser.post(
        _url("consents_create", client_id=client_record.pk), release, content_type="application/json"
    )
    assert _errors(response) == {"recipient": [v.RELEASE_NEEDS_RECIPIENT], "expires_on": [v.RELEASE_NEEDS_EXPIRY]}
    assert _snapshot() == before


def test_a_complete_release_is_recorded(client_record, therapist):
    release = _treatment_consent(
        kind="release",
        purpose="Coordination of care",
        information="Attendance",
        right_to_revoke_explained=True,
        recipient="Dr. Okafor, school psychologist",
        expiry_event="End of the school year",
    )
    response = _as(therapist).post(
        _url("consents_create", client_id=client_record.pk), release, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["recipient"] == "Dr. Okafor, school psychologist"


@pytest.mark.parametrize("guardian", ["not_a_guardian", "another_clients", "missing"])
def test_a_guardian_signature_must_name_a_guardian_of_this_client(chart, therapist, site, guardian):
    if guardian == "not_a_guardian":
        guardian_id = chart.contact.pk
    elif guardian == "another_clients":
        guardian_id = ContactFactory(client=ClientFactory(site=site), is_guardian=True).pk
    else:
        guardian_id = 999_999
    browser = _as(therapist)
    before = _snapshot()
    response = browser.post(
        _url("consents_create", client_id=chart.client.pk),
        _treatment_consent(signer="guardian", guardian=guardian_id),
        content_type="application/json",
    )
    assert _errors(response) == {"guardian": [v.GUARDIAN_NOT_GUARDIAN]}
    assert _snapshot() == before


def test_a_guardian_signs_for_the_client(chart, therapist):
    response = _as(therapist).post(
        _url("consents_create", client_id=chart.client.pk),
        _treatment_consent(
            signer="guardian", guardian=chart.guardian.pk, signer_name="Rosa Lopez", signature_typed="Rosa Lopez"
        ),
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["guardian"] == chart.guardian.pk


def test_revoking_a_consent_records_the_date_and_note(chart, therapist):
    yesterday = TODAY - dt.timedelta(days=1)
    response = _as(therapist).post(
        _url("consent_revoke", client_id=chart.client.pk, consent_id=chart.consent.pk),
        {"revoked_on": yesterday.isoformat(), "note": "Withdrew by phone"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["revoked_on"], body["revocation_note"], body["state"], body["in_force"]) == (
        yesterday.isoformat(),
        "Withdrew by phone",
        "revoked",
        False,
    )
    event = AuditEvent.objects.get(action="consent.revoke")
    assert event.actor == therapist and "Withdrew" not in str(event.detail)


def test_revoking_without_a_body_revokes_today(chart, therapist):
    response = _as(therapist).generic(
        "POST", _url("consent_revoke", client_id=chart.client.pk, consent_id=chart.consent.pk)
    )
    assert response.status_code == 200
    chart.consent.refresh_from_db()
    assert chart.consent.revoked_on == timezone.localdate() and chart.consent.revoked_by == therapist


def test_revoking_twice_is_refused(chart, therapist):
    browser = _as(therapist)
    url = _url("consent_revoke", client_id=chart.client.pk, consent_id=chart.consent.pk)
    assert browser.post(url, {}, content_type="application/json").status_code == 200
    before = _snapshot()
    refused = browser.post(url, {}, content_type="application/json")
    assert _errors(refused) == {"__all__": [v.REVOKED_ALREADY]}
    assert refused.json()["code"] == "revoked_already"  # the service's message names the refusal
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"revoked_on": (dt.date.today() - dt.timedelta(days=60)).isoformat()}, "revoked_on"),
        ({"note": "n" * 301}, "note"),
        ({"revoked_on": "yesterday"}, "revoked_on"),
    ],
)
def test_a_bad_revocation_changes_nothing(chart, therapist, body, field):
    browser = _as(therapist)
    before = _snapshot()
    response = browser.post(
        _url("consent_revoke", client_id=chart.client.pk, consent_id=chart.consent.pk),
        body,
        content_type="application/json",
    )
    assert list(_errors(response)) == [field]
    assert _snapshot() == before


# --- gathered information --------------------------------------------------------------------------------------------


def test_gathered_information_is_added_without_files(client_record, therapist):
    browser = _as(therapist)
    url = _url("gathered_create", client_id=client_record.pk)
    response = browser.post(
        url,
        {
            "source": "family_interview",
            "occurred_on": SIGNED,
            "title": "Talk with mother",
            "body": "Sleeps poorly since the move.",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["documents"], body["author"]) == ("Talk with mother", [], therapist.display_name)
    assert [row["id"] for row in browser.get(_url("gathered_list", client_id=client_record.pk)).json()["results"]] == [
        body["id"]
    ]
    assert "Sleeps" not in str(AuditEvent.objects.get(action="gathered_info.add").detail)


def test_gathered_information_is_added_with_a_document_that_downloads(client_record, therapist):
    browser = _as(therapist)
    response = browser.post(
        _url("gathered_create", client_id=client_record.pk),
        {
            "source": "case_document",
            "occurred_on": SIGNED,
            "title": "Discharge summary",
            "documents": [
                SimpleUploadedFile("summary.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("notes.txt", b"plain words", content_type="text/plain"),
            ],
        },
    )
    assert response.status_code == 201
    documents = response.json()["documents"]
    assert [(d["original_name"], d["content_type"], d["size"]) for d in documents] == [
        ("notes.txt", "text/plain", 11),
        ("summary.pdf", "application/pdf", len(PDF)),
    ]
    download = browser.get(_url("document_download", document_id=documents[1]["id"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_a_document_of_the_wrong_kind_is_refused_and_nothing_is_stored(client_record, therapist, settings):
    browser = _as(therapist)
    before = _snapshot()
    response = browser.post(
        _url("gathered_create", client_id=client_record.pk),
        {
            "source": "case_document",
            "occurred_on": SIGNED,
            "title": "Letter",
            "documents": [SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")],
        },
    )
    assert _errors(response) == {"documents": [services.DOCUMENT_TYPE]}
    assert _snapshot() == before
    assert not (settings.MEDIA_ROOT / "documents").exists()


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        (
            {
                "source": "rumour",
                "occurred_on": (dt.date.today() + dt.timedelta(days=2)).isoformat(),
                "title": "T" * 201,
            },
            {"source", "occurred_on", "title"},
        ),
        ({"source": "observation", "occurred_on": SIGNED, "title": "Seen", "body": "b" * 20_001}, {"body"}),
    ],
)
def test_bad_gathered_information_is_refused_per_field(client_record, therapist, fields, named):
    browser = _as(therapist)
    before = _snapshot()
    response = browser.post(_url("gathered_create", client_id=client_record.pk), fields)
    assert set(_errors(response)) == named
    assert _snapshot() == before


def test_a_document_download_of_another_therapists_client_is_404(chart, therapist2):
    response = _as(therapist2).get(_url("document_download", document_id=chart.document.pk))
    assert response.status_code == 404

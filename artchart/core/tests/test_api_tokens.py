"""The API's front door: signing in for a token, bearer authentication, listing and revoking tokens, the schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from artchart.api import api_operations
from artchart.core import services
from artchart.core.access import ADMINS_ONLY
from artchart.core.forms import SIGN_IN_FAILED
from artchart.core.models import ApiToken, AuditEvent
from artchart.tests.access_rules import area_rule_modules
from artchart.tests.factories import PASSWORD, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quiet-lantern-harbour-42"
TOKEN_URL = "/api/v1/auth/token"
TOKENS_URL = "/api/v1/tokens"

# Every operation of the API, by name, method and path. A new operation must be
# added here (and to the access tests), so none reaches the schema unnoticed.
EXPECTED_OPERATIONS = sorted(
    [
        ("auth_token", "POST", "/api/v1/auth/token"),
        ("tokens_list", "GET", "/api/v1/tokens"),
        ("token_revoke", "POST", "/api/v1/tokens/{token_id}/revoke"),
        ("lockouts_list", "GET", "/api/v1/lockouts"),
        ("lockout_clear", "DELETE", "/api/v1/lockouts/{throttle_id}"),
        ("clients_list", "GET", "/api/v1/clients"),
        ("clients_create", "POST", "/api/v1/clients"),
        ("client_detail", "GET", "/api/v1/clients/{client_id}"),
        ("client_update", "PATCH", "/api/v1/clients/{client_id}"),
        ("diagnoses_create", "POST", "/api/v1/clients/{client_id}/diagnoses"),
        ("diagnosis_delete", "DELETE", "/api/v1/clients/{client_id}/diagnoses/{diagnosis_id}"),
        ("contacts_list", "GET", "/api/v1/clients/{client_id}/contacts"),
        ("contacts_create", "POST", "/api/v1/clients/{client_id}/contacts"),
        ("contact_update", "PATCH", "/api/v1/clients/{client_id}/contacts/{contact_id}"),
        ("contact_delete", "DELETE", "/api/v1/clients/{client_id}/contacts/{contact_id}"),
        ("consents_list", "GET", "/api/v1/clients/{client_id}/consents"),
        ("consents_create", "POST", "/api/v1/clients/{client_id}/consents"),
        ("consent_revoke", "POST", "/api/v1/clients/{client_id}/consents/{consent_id}/revoke"),
        ("gathered_list", "GET", "/api/v1/clients/{client_id}/gathered"),
        ("gathered_create", "POST", "/api/v1/clients/{client_id}/gathered"),
        ("document_download", "GET", "/api/v1/clients/documents/{document_id}"),
        ("amendments_list", "GET", "/api/v1/clients/{client_id}/amendments"),
        ("amendments_create", "POST", "/api/v1/clients/{client_id}/amendments"),
        ("amendment_decide", "POST", "/api/v1/clients/{client_id}/amendments/{amendment_id}/decision"),
        ("amendment_disagreement", "POST", "/api/v1/clients/{client_id}/amendments/{amendment_id}/disagreement"),
        ("disclosures_list", "GET", "/api/v1/clients/{client_id}/disclosures"),
        ("disclosures_create", "POST", "/api/v1/clients/{client_id}/disclosures"),
        ("disclosure_correct", "POST", "/api/v1/clients/{client_id}/disclosures/{disclosure_id}/corrections"),
        ("accounting", "GET", "/api/v1/clients/{client_id}/accounting"),
        ("plans_list", "GET", "/api/v1/clients/{client_id}/plans"),
        ("plans_create", "POST", "/api/v1/clients/{client_id}/plans"),
        ("plan_detail", "GET", "/api/v1/clients/{client_id}/plans/{plan_id}"),
        ("plan_sign", "POST", "/api/v1/clients/{client_id}/plans/{plan_id}/sign"),
        ("plan_submit", "POST", "/api/v1/clients/{client_id}/plans/{plan_id}/submit"),
        ("plan_cosign", "POST", "/api/v1/clients/{client_id}/plans/{plan_id}/cosign"),
        ("plan_return", "POST", "/api/v1/clients/{client_id}/plans/{plan_id}/return"),
        ("problems_create", "POST", "/api/v1/clients/{client_id}/plans/{plan_id}/problems"),
        ("goals_create", "POST", "/api/v1/clients/{client_id}/plans/{plan_id}/goals"),
        ("objectives_create", "POST", "/api/v1/clients/{client_id}/plans/{plan_id}/goals/{goal_id}/objectives"),
        ("plan_update", "PATCH", "/api/v1/clients/{client_id}/plans/{plan_id}"),
        ("problem_update", "PATCH", "/api/v1/clients/{client_id}/plans/{plan_id}/problems/{problem_id}"),
        ("problem_delete", "DELETE", "/api/v1/clients/{client_id}/plans/{plan_id}/problems/{problem_id}"),
        ("goal_update", "PATCH", "/api/v1/clients/{client_id}/plans/{plan_id}/goals/{goal_id}"),
        ("goal_delete", "DELETE", "/api/v1/clients/{client_id}/plans/{plan_id}/goals/{goal_id}"),
        ("objective_update", "PATCH", "/api/v1/clients/{client_id}/plans/{plan_id}/objectives/{objective_id}"),
        ("objective_delete", "DELETE", "/api/v1/clients/{client_id}/plans/{plan_id}/objectives/{objective_id}"),
        ("interventions_create", "POST", "/api/v1/clients/{client_id}/plans/{plan_id}/interventions"),
        ("intervention_update", "PATCH", "/api/v1/clients/{client_id}/plans/{plan_id}/interventions/{intervention_id}"),
        (
            "intervention_delete",
            "DELETE",
            "/api/v1/clients/{client_id}/plans/{plan_id}/interventions/{intervention_id}",
        ),
        ("conferences_list", "GET", "/api/v1/clients/{client_id}/conferences"),
        ("conferences_create", "POST", "/api/v1/clients/{client_id}/conferences"),
        ("conference_detail", "GET", "/api/v1/clients/{client_id}/conferences/{conference_id}"),
        ("conference_update", "PATCH", "/api/v1/clients/{client_id}/conferences/{conference_id}"),
        ("conference_attendees_create", "POST", "/api/v1/clients/{client_id}/conferences/{conference_id}/attendees"),
        (
            "conference_attendee_delete",
            "DELETE",
            "/api/v1/clients/{client_id}/conferences/{conference_id}/attendees/{attendee_id}",
        ),
        ("conference_plans_link", "POST", "/api/v1/clients/{client_id}/conferences/{conference_id}/plans"),
        ("conference_plan_unlink", "DELETE", "/api/v1/clients/{client_id}/conferences/{conference_id}/plans/{plan_id}"),
        ("programs_list", "GET", "/api/v1/programs"),
        ("programs_create", "POST", "/api/v1/programs"),
        ("directives_list", "GET", "/api/v1/programs/directives"),
        ("directives_create", "POST", "/api/v1/programs/directives"),
    ]
    + [operation for module in area_rule_modules() for operation in module.API_OPERATIONS]
)


def _sign_in(username: str, password: str, **extra):
    return Browser().post(
        TOKEN_URL, {"username": username, "password": password, **extra}, content_type="application/json"
    )


def _bearer(raw: str) -> Browser:
    return Browser(headers={"Authorization": f"Bearer {raw}"})


def _as(user) -> Browser:
    _, raw = services.token_issue(user=user, name="tests")
    return _bearer(raw)


# --- signing in -----------------------------------------------------------------------------


def test_sign_in_returns_a_token_that_works(therapist):
    response = _sign_in("therapist", PASSWORD, name="reports laptop")
    assert response.status_code == 200
    body = response.json()
    token = ApiToken.objects.get(user=therapist)
    assert body["token"].startswith("ac_") and body["token"][3:11] == token.prefix
    assert token.name == "reports laptop" and token.key_hash != body["token"]
    assert abs(dt.datetime.fromisoformat(body["expires_at"]) - token.expires_at) < dt.timedelta(milliseconds=1)
    assert AuditEvent.objects.filter(action="token.issue", actor=therapist, object_id=str(token.pk)).exists()
    assert _bearer(body["token"]).get(TOKENS_URL).status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_answer(therapist):
    wrong = _sign_in("therapist", "nope-nope-nope")
    unknown = _sign_in("nobody-here", "nope-nope-nope")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"code": "unauthenticated", "message": SIGN_IN_FAILED, "errors": {}}
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 2
    assert not ApiToken.objects.exists()


def test_a_deactivated_user_gets_the_same_answer_as_a_wrong_password(therapist):
    therapist.is_active = False
    therapist.save()
    response = _sign_in("therapist", PASSWORD)
    assert response.status_code == 401 and response.json()["message"] == SIGN_IN_FAILED
    assert not ApiToken.objects.exists()


def test_failed_api_sign_in_keeps_no_username_in_the_audit_log(therapist):
    _sign_in("Maya Lopez", "x")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert "Maya" not in str(event.detail)


def test_sign_in_without_a_password_names_the_field(therapist):
    response = Browser().post(TOKEN_URL, {"username": "therapist"}, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["password"]
    assert not ApiToken.objects.exists()


# --- bearer authentication --------------------------------------------------------------------


def test_no_token_is_401(therapist):
    response = Browser().get(TOKENS_URL)
    assert response.status_code == 401
    assert "Bearer" in response.json()["message"]


def test_a_made_up_token_is_401(therapist):
    assert _bearer("ac_not-a-real-token").get(TOKENS_URL).status_code == 401


def test_a_signed_in_browser_session_is_not_an_api_token(client, therapist):
    client.force_login(therapist)
    assert client.get(TOKENS_URL).status_code == 401


def test_an_expired_token_is_401(therapist):
    token, raw = services.token_issue(user=therapist, name="laptop")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _bearer(raw).get(TOKENS_URL).status_code == 401


def test_a_revoked_token_is_401(therapist):
    token, raw = services.token_issue(user=therapist, name="laptop")
    services.token_revoke(by=therapist, token=token)
    assert _bearer(raw).get(TOKENS_URL).status_code == 401


def test_a_password_change_ends_the_token(therapist):
    _, raw = services.token_issue(user=therapist, name="laptop")
    assert _bearer(raw).get(TOKENS_URL).status_code == 200
    services.user_set_password(by=therapist, user=therapist, password=NEW_PASSWORD)
    assert _bearer(raw).get(TOKENS_URL).status_code == 401


def test_a_role_change_ends_the_token(admin, therapist):
    _, raw = services.token_issue(user=therapist, name="laptop")
    services.user_update(by=admin, user=therapist, role="supervisor")
    assert _bearer(raw).get(TOKENS_URL).status_code == 401


def test_deactivation_ends_the_token(admin, therapist):
    _, raw = services.token_issue(user=therapist, name="laptop")
    services.user_update(by=admin, user=therapist, is_active=False)
    assert _bearer(raw).get(TOKENS_URL).status_code == 401


def test_a_new_token_after_a_password_change_works(therapist):
    services.token_issue(user=therapist, name="old")
    services.user_set_password(by=therapist, user=therapist, password=NEW_PASSWORD)
    response = _sign_in("therapist", NEW_PASSWORD)
    assert _bearer(response.json()["token"]).get(TOKENS_URL).status_code == 200


# --- listing tokens ------------------------------------------------------------------------------


def test_tokens_list_shows_ones_own_tokens_and_never_the_hash(therapist, outsider):
    token, raw = services.token_issue(user=therapist, name="laptop")
    services.token_issue(user=outsider, name="not yours")
    response = _bearer(raw).get(TOKENS_URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["name"] for row in rows] == ["laptop"]
    assert set(rows[0]) >= {"id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"}
    assert rows[0]["prefix"] == token.prefix and rows[0]["live"] is True
    body = response.content.decode()
    assert token.key_hash not in body and raw not in body and "key_hash" not in body


def test_using_a_token_marks_it_used(therapist):
    token, raw = services.token_issue(user=therapist, name="laptop")
    _bearer(raw).get(TOKENS_URL)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_admin_lists_the_organizations_tokens_with_all(admin, therapist):
    services.token_issue(user=therapist, name="studio tablet")
    stranger = UserFactory(organization=OrganizationFactory())
    services.token_issue(user=stranger, name="elsewhere")
    browser = _as(admin)
    everyone = browser.get(TOKENS_URL, {"all": "true"}).json()["results"]
    assert sorted(row["name"] for row in everyone) == ["studio tablet", "tests"]
    assert {row["username"] for row in everyone} == {"admin", "therapist"}
    assert [row["name"] for row in browser.get(TOKENS_URL).json()["results"]] == ["tests"]


def test_a_therapist_asking_for_all_tokens_gets_403(therapist):
    response = _as(therapist).get(TOKENS_URL, {"all": "true"})
    assert response.status_code == 403
    assert response.json()["message"] == ADMINS_ONLY


# --- revoking tokens --------------------------------------------------------------------------------


def test_owner_revokes_a_token(therapist):
    token, raw = services.token_issue(user=therapist, name="laptop")
    browser = _as(therapist)
    response = browser.post(reverse("api:token_revoke", kwargs={"token_id": token.pk}))
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None and response.json()["live"] is False
    assert _bearer(raw).get(TOKENS_URL).status_code == 401
    assert AuditEvent.objects.filter(action="token.revoke", actor=therapist, object_id=str(token.pk)).exists()


def test_a_token_can_revoke_itself(therapist):
    token, raw = services.token_issue(user=therapist, name="laptop")
    browser = _bearer(raw)
    assert browser.post(f"/api/v1/tokens/{token.pk}/revoke").status_code == 200
    assert browser.get(TOKENS_URL).status_code == 401


def test_admin_revokes_a_colleagues_token(admin, therapist):
    token, _ = services.token_issue(user=therapist, name="laptop")
    assert _as(admin).post(f"/api/v1/tokens/{token.pk}/revoke").status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.get(action="token.revoke").actor == admin


def test_another_user_gets_404_revoking_a_token(therapist, outsider):
    token, _ = services.token_issue(user=therapist, name="laptop")
    response = _as(outsider).post(f"/api/v1/tokens/{token.pk}/revoke")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_admin_gets_404_for_a_token_of_another_organization(admin):
    stranger = UserFactory(organization=OrganizationFactory())
    token, _ = services.token_issue(user=stranger, name="elsewhere")
    assert _as(admin).post(f"/api/v1/tokens/{token.pk}/revoke").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_without_a_token_is_401(therapist):
    token, _ = services.token_issue(user=therapist, name="laptop")
    assert Browser().post(f"/api/v1/tokens/{token.pk}/revoke").status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is None


# --- the schema ---------------------------------------------------------------------------------------


def test_openapi_schema_is_served_without_a_token_and_lists_every_operation(db):
    response = Browser().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    served = sorted(
        (operation["operationId"], method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    )
    assert served == EXPECTED_OPERATIONS
    assert [tuple(operation) for operation in api_operations()] == EXPECTED_OPERATIONS


def test_every_operation_name_is_unique_and_reverses_to_its_path(db):
    operations = api_operations()
    assert len({operation.name for operation in operations}) == len(operations)
    for operation in operations:
        kwargs = {part.strip("{}"): 7 for part in operation.path.split("/") if part.startswith("{")}
        assert reverse(f"api:{operation.name}", kwargs=kwargs) == _filled(operation.path, kwargs)


def _filled(path: str, kwargs: dict) -> str:
    for name, value in kwargs.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def test_token_use_is_audited_at_most_once_a_minute(client, therapist):
    from artchart.core.models import AuditEvent
    from artchart.core.services import token_issue

    token, raw = token_issue(user=therapist)
    for _ in range(3):
        assert client.get("/api/v1/clients", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    uses = AuditEvent.objects.filter(action="token.use", object_id=str(token.pk))
    assert uses.count() == 1 and uses.get().actor == therapist

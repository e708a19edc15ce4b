"""The account page: one's own API tokens, shown once, revoked by the owner or an admin; one's password."""

from __future__ import annotations

import pytest
from django.test import Client as Browser
from django.urls import reverse

from artchart.core import services
from artchart.core.models import ApiToken, AuditEvent
from artchart.tests.factories import PASSWORD, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quiet-lantern-harbour-42"


def _login(client, user):
    client.force_login(user)
    return client


def test_raw_token_shown_once(client, therapist):
    _login(client, therapist)
    response = client.post(reverse("core:tokens"), {"name": "reports laptop"})
    assert response.status_code == 200
    raw = response.context["raw_token"]
    token = ApiToken.objects.get(user=therapist)
    assert raw.startswith("ac_") and raw[3:11] == token.prefix
    assert raw in response.content.decode()
    assert services.token_authenticate(raw) == therapist
    assert token.key_hash != raw and raw not in token.key_hash

    again = client.get(reverse("core:tokens"))
    body = again.content.decode()
    assert raw not in body
    assert token.prefix in body and "reports laptop" in body
    assert AuditEvent.objects.filter(action="token.issue", object_id=str(token.pk)).exists()


def test_token_needs_a_name(client, therapist):
    _login(client, therapist)
    response = client.post(reverse("core:tokens"), {"name": ""})
    assert "name" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_owner_revokes_a_token(client, therapist):
    token, raw = services.token_issue(user=therapist, name="laptop")
    _login(client, therapist)
    response = client.post(reverse("core:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.token_authenticate(raw) is None
    assert "Revoked" in client.get(reverse("core:tokens")).content.decode()


def test_another_user_gets_404_revoking_a_token(client, therapist, outsider):
    token, _ = services.token_issue(user=therapist, name="laptop")
    _login(client, outsider)
    assert client.post(reverse("core:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_is_post_only(client, therapist):
    token, _ = services.token_issue(user=therapist, name="laptop")
    _login(client, therapist)
    assert client.get(reverse("core:token_revoke", args=[token.pk])).status_code == 405


def test_revoke_needs_the_csrf_token(therapist):
    token, _ = services.token_issue(user=therapist, name="laptop")
    strict = _login(Browser(enforce_csrf_checks=True), therapist)
    assert strict.post(reverse("core:token_revoke", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_admin_sees_and_revokes_the_organizations_tokens(client, admin, therapist):
    token, _ = services.token_issue(user=therapist, name="studio tablet")
    _login(client, admin)
    page = client.get(reverse("core:tokens"))
    assert [row.token for row in page.context["org_tokens"]] == [token]
    assert "studio tablet" in page.content.decode()
    assert client.post(reverse("core:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.get(action="token.revoke").actor == admin


def test_admin_gets_404_for_a_token_of_another_organization(client, admin):
    stranger = UserFactory(organization=OrganizationFactory())
    token, _ = services.token_issue(user=stranger, name="elsewhere")
    _login(client, admin)
    assert client.post(reverse("core:token_revoke", args=[token.pk])).status_code == 404


def test_therapist_sees_only_their_own_tokens(client, therapist, outsider):
    services.token_issue(user=outsider, name="not yours")
    _login(client, therapist)
    response = client.get(reverse("core:tokens"))
    assert "org_tokens" not in response.context
    assert "not yours" not in response.content.decode()


def test_a_role_change_shows_the_token_as_ended(client, admin, therapist):
    token, _ = services.token_issue(user=therapist, name="laptop")
    therapist = services.user_update(by=admin, user=therapist, role="supervisor")
    _login(client, therapist)
    rows = client.get(reverse("core:tokens")).context["tokens"]
    assert [(row.token, row.label) for row in rows] == [(token, "Ended by an account change")]


def test_own_password_change_keeps_the_user_signed_in(therapist):
    theirs = Browser()
    theirs.post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    token, raw = services.token_issue(user=therapist, name="laptop")
    response = theirs.post(
        reverse("core:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert theirs.get(reverse("dashboard")).status_code == 200
    therapist.refresh_from_db()
    assert therapist.check_password(NEW_PASSWORD)
    assert services.token_authenticate(raw) is None
    assert AuditEvent.objects.filter(action="user.password_set", actor=therapist).exists()


def test_wrong_old_password_changes_nothing(client, therapist):
    _login(client, therapist)
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("core:password_change"),
        {
            "old_password": "not-it",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    therapist.refresh_from_db()
    assert therapist.check_password(PASSWORD)
    assert AuditEvent.objects.count() == events


def test_mismatched_new_passwords_get_a_field_message(client, therapist):
    _login(client, therapist)
    response = client.post(
        reverse("core:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD + "x",
        },
    )
    assert "new_password2" in response.context["form"].errors

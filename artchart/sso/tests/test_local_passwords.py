"""An organization that signs in through its provider can turn ArtChart passwords off.

Refused passwords get exactly the answer a wrong password gets, on the web and
from the API; admins keep theirs (break glass for IT when the provider is down).
No provider needs to run: the policy only asks whether single sign-on is configured.
"""

from __future__ import annotations

import json

import pytest
from django.utils.html import escape

from artchart.core.forms import SIGN_IN_FAILED
from artchart.core.models import AuditEvent
from artchart.sso.models import OrganizationSignIn
from artchart.sso.services import SSO_NOT_CONFIGURED
from artchart.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso_configured(settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"
    settings.OIDC_RP_CLIENT_ID = "artchart"
    settings.OIDC_RP_CLIENT_SECRET = "secret"


def _passwords_off(client, admin):
    client.force_login(admin)
    response = client.post("/manage/sign-in/", {})  # the box unticked
    assert response.status_code == 302, response.content[:500]
    client.logout()


def _web_sign_in(client, username: str):
    return client.post("/login/", {"username": username, "password": PASSWORD})


def _api_token(client, username: str):
    return client.post(
        "/api/v1/auth/token", json.dumps({"username": username, "password": PASSWORD}), content_type="application/json"
    )


def test_local_passwords_off_refuses_password_sign_in(client, therapist, admin, sso_configured):
    _passwords_off(client, admin)

    web = _web_sign_in(client, "therapist")
    assert web.status_code == 200 and escape(SIGN_IN_FAILED) in web.content.decode()
    assert client.get("/").status_code == 302  # not signed in
    api = _api_token(client, "therapist")
    assert api.status_code == 401 and api.json()["message"] == SIGN_IN_FAILED
    event = AuditEvent.objects.get(action="sso.local_passwords_set")
    assert event.flagged and event.actor == admin and event.detail == {"local_passwords_enabled": False}


def test_admins_keep_their_password_when_passwords_are_off(client, admin, sso_configured):
    _passwords_off(client, admin)

    web = _web_sign_in(client, "admin")
    # The password was right: on to the second factor (admins must enrol one).
    assert web.status_code == 302 and web["Location"] != "/login/"
    assert _api_token(client, "admin").json()["message"] != SIGN_IN_FAILED


def test_passwords_work_again_when_turned_back_on(client, therapist, admin, sso_configured):
    _passwords_off(client, admin)
    client.force_login(admin)
    client.post("/manage/sign-in/", {"local_passwords_enabled": "on"})
    client.logout()

    assert _web_sign_in(client, "therapist").status_code == 302
    assert _api_token(client, "therapist").status_code == 200


def test_other_organizations_keep_their_passwords(client, therapist, admin, sso_configured):
    from artchart.tests.factories import OrganizationFactory, UserFactory

    _passwords_off(client, admin)
    UserFactory(organization=OrganizationFactory(name="Elsewhere"), username="elsewhere", role="therapist")

    assert _web_sign_in(client, "elsewhere").status_code == 302


def test_passwords_cannot_be_turned_off_without_single_sign_on(client, admin):
    client.force_login(admin)

    response = client.post("/manage/sign-in/", {})

    assert response.status_code == 200 and escape(SSO_NOT_CONFIGURED) in response.content.decode()
    assert not OrganizationSignIn.objects.exists()


def test_the_sign_in_page_states_the_break_glass_for_admins(client, admin):
    client.force_login(admin)
    assert "Break glass for IT" in client.get("/manage/sign-in/").content.decode()


def test_the_admin_menu_calls_the_page_single_sign_on(client, admin):
    client.force_login(admin)
    page = client.get("/manage/sign-in/").content.decode()
    assert '<a href="/manage/sign-in/" aria-current="page">Single sign-on</a>' in page
    assert "<h1>Single sign-on</h1>" in page and ">Sign-in<" not in page


def test_only_admins_reach_the_sign_in_settings(client, therapist):
    client.force_login(therapist)
    assert client.get("/manage/sign-in/").status_code == 403

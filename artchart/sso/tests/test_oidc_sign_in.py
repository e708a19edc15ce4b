"""Signing in through a real OpenID Connect provider on loopback.

Each sign-in is the whole authorization-code round trip: ArtChart's
``/sso/login/`` sends a browser (here a ``requests`` session) to the provider's
authorize endpoint; the person signs in there; the provider sends the browser
back to ``/sso/callback/`` with a code, which ArtChart exchanges at the token
endpoint, checking the ID token against the provider's JWKS, then asks the
userinfo endpoint who it is.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.utils.html import escape

from artchart.core.models import AuditEvent, User
from artchart.sso.backends import SESSION_KEY
from artchart.sso.middleware import SIGNED_OUT_BY_PROVIDER
from artchart.sso.models import OidcIdentity
from artchart.sso.views import REFUSED_LEAD

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/"


def sign_in_through_provider(client, login: str):
    """Drive the round trip for the provider's account ``login``; returns ArtChart's answer to the callback."""
    start = client.get("/sso/login/")
    assert start.status_code == 302, start.status_code
    browser = requests.Session()
    response = browser.get(start["Location"], allow_redirects=False, timeout=10)
    for _ in range(10):
        if response.is_redirect:
            target = urljoin(response.url, response.headers["Location"])
            if target.startswith(CALLBACK):
                parts = urlsplit(target)
                return client.get(f"{parts.path}?{parts.query}")
            response = browser.get(target, allow_redirects=False, timeout=10)
        elif response.status_code == 200 and 'name="login"' in response.text:
            action = re.search(r'action="([^"]+)"', response.text).group(1)
            response = browser.post(
                urljoin(response.url, action),
                data={"login": login, "password": "anything"},
                allow_redirects=False,
                timeout=10,
            )
        else:
            raise AssertionError(f"The provider answered {response.status_code}: {response.text[:500]}")
    raise AssertionError("The provider never sent the browser back to ArtChart")


def test_known_user_signs_in_through_the_provider(client, therapist, sso):
    before = sso.hits()
    response = sign_in_through_provider(client, "tess")
    after = sso.hits()

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").context["user"] == therapist
    identity = OidcIdentity.objects.get(user=therapist)
    assert (identity.issuer, identity.subject) == (sso.issuer, "hosp-0001")
    login = AuditEvent.objects.filter(action="auth.login").latest("seq")
    assert (login.actor, login.detail) == (therapist, {"method": "oidc"})
    assert AuditEvent.objects.filter(action="sso.identity_link", actor=therapist).count() == 1
    for endpoint in ("/auth", "/token", "/me", "/jwks"):  # authorize, token, userinfo, keys
        assert after.get(endpoint, 0) > before.get(endpoint, 0), endpoint


def test_later_sign_ins_match_the_provider_account_not_the_name(client, therapist, therapist2, sso):
    sign_in_through_provider(client, "tess")
    client.logout()
    # Renamed in ArtChart, and someone else now has the old name: the link holds.
    User.objects.filter(pk=therapist.pk).update(username="tess.rivera")
    User.objects.filter(pk=therapist2.pk).update(username="therapist")

    sign_in_through_provider(client, "tess")

    assert client.get("/").context["user"] == therapist


def test_unknown_provider_user_is_refused_not_created(client, therapist, sso):
    users_before = User.objects.count()

    response = sign_in_through_provider(client, "ursula")

    assert response.status_code == 403
    assert escape(REFUSED_LEAD) in response.content.decode()
    assert "ursula" in response.content.decode()  # the name to give the administrator
    assert User.objects.count() == users_before and not User.objects.filter(username__iexact="ursula").exists()
    assert not OidcIdentity.objects.exists()
    event = AuditEvent.objects.get(action="auth.login_refused")
    assert event.flagged and event.detail["method"] == "oidc" and event.detail["reason"] == "unknown_user"
    assert client.get("/").status_code == 302  # not signed in


def test_deactivated_user_is_refused_even_when_linked(client, therapist, sso):
    sign_in_through_provider(client, "tess")
    client.logout()
    User.objects.filter(pk=therapist.pk).update(is_active=False)

    response = sign_in_through_provider(client, "tess")

    assert response.status_code == 403
    assert AuditEvent.objects.get(action="auth.login_refused").detail["reason"] == "inactive"


def _age_last_check(client, minutes: int) -> None:
    session = client.session
    state = session[SESSION_KEY]
    state["checked_at"] = time.time() - minutes * 60
    session[SESSION_KEY] = state
    session.save()


def test_disabled_at_provider_ends_the_session_at_next_check(client, therapist, sso, settings):
    settings.OIDC_RECHECK_SECONDS = 15 * 60
    sign_in_through_provider(client, "tess")
    _age_last_check(client, 16)
    assert client.get("/").status_code == 200  # checked with the provider: still there
    assert time.time() - client.session[SESSION_KEY]["checked_at"] < 60

    sso.disable("tess")
    assert client.get("/").status_code == 200  # the next check is not due yet
    _age_last_check(client, 16)
    response = client.get("/")

    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/").status_code == 302
    event = AuditEvent.objects.filter(action="auth.session_expired").latest("seq")
    assert event.flagged and event.actor == therapist and event.detail["reason"] == "provider_refused"
    assert escape(SIGNED_OUT_BY_PROVIDER) in client.get("/login/").content.decode()


def test_an_expired_access_token_is_renewed_with_the_refresh_token(client, therapist, sso):
    sign_in_through_provider(client, "tess")
    session = client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], "access_token": "expired", "checked_at": 0}
    session.save()

    assert client.get("/").status_code == 200

    assert client.session[SESSION_KEY]["access_token"] not in ("", "expired")


def test_without_a_refresh_token_the_check_asks_userinfo(client, therapist, sso):
    sign_in_through_provider(client, "tess")
    session = client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], "refresh_token": "", "checked_at": 0}
    session.save()
    assert client.get("/").status_code == 200

    sso.disable("tess")
    _age_last_check(client, 16)

    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.session_expired", detail__reason="provider_refused").exists()


def test_a_disabled_account_cannot_sign_in_again(client, therapist, sso):
    sign_in_through_provider(client, "tess")
    client.logout()
    sso.disable("tess")
    with pytest.raises(AssertionError, match="never sent the browser back|answered"):
        sign_in_through_provider(client, "tess")

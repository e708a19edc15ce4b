"""Until the operator configures a provider, single sign-on does not exist."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BUTTON = "Sign in with your organization's account"


def test_sso_urls_are_404_when_not_configured(client, settings, org):
    settings.OIDC_ISSUER = ""

    assert client.get("/sso/login/").status_code == 404
    assert client.get("/sso/callback/", {"code": "c", "state": "s"}).status_code == 404
    assert BUTTON not in client.get("/login/").content.decode()


def test_the_sign_in_page_offers_the_organizations_account_when_configured(client, settings, org):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"
    settings.OIDC_RP_CLIENT_ID = "artchart"
    settings.OIDC_RP_CLIENT_SECRET = "secret"

    page = client.get("/login/?next=/clients/").content.decode()

    assert BUTTON in page and 'href="/sso/login/?next=/clients/"' in page


def test_an_unreachable_provider_gets_a_clear_page(client, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # the discard port: nothing listens
    settings.OIDC_RP_CLIENT_ID = "artchart"
    settings.OIDC_RP_CLIENT_SECRET = "secret"

    response = client.get("/sso/login/")

    assert response.status_code == 502 and "cannot be reached" in response.content.decode()

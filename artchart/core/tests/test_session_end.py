"""Sessions and API tokens end when they must — proved by replaying the old cookie and token."""

from __future__ import annotations

import pytest
from django.test import Client as Browser
from django.urls import reverse

from artchart.clients import services as client_services
from artchart.clients.models import CareTeamMembership
from artchart.core import services

pytestmark = pytest.mark.django_db


def _signed_in(user) -> tuple[str, str]:
    """Sign in on the web and through the API; return the session cookie and the token."""
    browser = Browser()
    browser.force_login(user)
    cookie = browser.cookies["sessionid"].value
    _, token = services.token_issue(user=user)
    return cookie, token


def _replay(cookie: str, token: str, url: str, api_url: str) -> tuple[int, int]:
    browser = Browser()
    browser.cookies["sessionid"] = cookie
    page = browser.get(url)
    api = Browser().get(api_url, headers={"Authorization": f"Bearer {token}"})
    return page.status_code, api.status_code


def test_logout_ends_the_session_cookie(therapist):
    browser = Browser()
    browser.force_login(therapist)
    cookie = browser.cookies["sessionid"].value
    browser.post(reverse("logout"))
    replay = Browser()
    replay.cookies["sessionid"] = cookie
    assert replay.get(reverse("dashboard")).status_code == 302


def test_password_change_ends_the_old_session_and_token(therapist):
    cookie, token = _signed_in(therapist)
    services.user_set_password(by=therapist, user=therapist, password="a-new-long-passphrase-42")
    assert _replay(cookie, token, reverse("dashboard"), "/api/v1/clients") == (302, 401)


def test_role_change_ends_the_old_session_and_token(admin, therapist):
    cookie, token = _signed_in(therapist)
    services.user_update(by=admin, user=therapist, role="supervisor")
    assert _replay(cookie, token, reverse("dashboard"), "/api/v1/clients") == (302, 401)


def test_deactivation_ends_the_old_session_and_token(admin, therapist):
    cookie, token = _signed_in(therapist)
    services.user_update(by=admin, user=therapist, is_active=False)
    assert _replay(cookie, token, reverse("dashboard"), "/api/v1/clients") == (302, 401)


def test_removal_from_a_care_team_ends_access_to_that_clients_pages_only(therapist, intern, client_record, site):
    from artchart.tests.factories import CareTeamFactory, ClientFactory

    other = ClientFactory(site=site)
    CareTeamFactory(client=other, user=intern, role="primary")
    cookie, token = _signed_in(intern)
    membership = CareTeamMembership.objects.get(client=client_record, user=intern)
    client_services.care_team_remove(by=therapist, membership=membership)
    chart = reverse("clients:chart", args=[client_record.pk])
    assert _replay(cookie, token, chart, f"/api/v1/clients/{client_record.pk}") == (404, 404)
    still = reverse("clients:chart", args=[other.pk])
    assert _replay(cookie, token, still, f"/api/v1/clients/{other.pk}") == (200, 200)

"""Repeated failures lock a username, known or not, on the web and the API alike."""

from __future__ import annotations

import datetime as dt
import json
import re

from django.urls import reverse
from django.utils import timezone

from artchart.core import mfa, services
from artchart.core.forms import SIGN_IN_FAILED
from artchart.core.models import AuditEvent, SignInThrottle
from artchart.tests.factories import PASSWORD

LOCKED = services.SIGN_IN_LOCKED.format(minutes=15)


def _fail(client, username: str, times: int = 5):
    for _ in range(times):
        response = client.post(reverse("login"), {"username": username, "password": "not-the-password"})
    return response


def _page(response, username: str) -> str:
    """The page without what differs by design: the CSRF token and the username typed."""
    html = response.content.decode().replace(username, "USERNAME")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_five_failures_lock_the_username_and_even_the_right_password_is_refused(client, therapist):
    assert SIGN_IN_FAILED in _fail(client, "therapist", 4).content.decode()
    assert LOCKED in _fail(client, "therapist", 1).content.decode()

    response = client.post(reverse("login"), {"username": "therapist", "password": PASSWORD})

    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("login"))
    event = AuditEvent.objects.get(action="auth.locked_out")
    assert event.flagged and event.detail["minutes"] == 15
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 5
    assert AuditEvent.objects.filter(action="auth.login_locked").count() == 1


def test_a_locked_unknown_username_looks_exactly_like_a_locked_real_one(client, therapist):
    real = _fail(client, "therapist")
    unknown = _fail(client, "nobody-here")
    assert real.status_code == unknown.status_code == 200
    assert _page(real, "therapist") == _page(unknown, "nobody-here")
    again_real = client.post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    again_unknown = client.post(reverse("login"), {"username": "nobody-here", "password": PASSWORD})
    assert _page(again_real, "therapist") == _page(again_unknown, "nobody-here")
    assert LOCKED in again_unknown.content.decode()


def test_the_lock_ends_after_the_period(client, therapist):
    _fail(client, "therapist")
    SignInThrottle.objects.update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    response = client.post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert not SignInThrottle.objects.exists()


def test_failures_outside_the_window_do_not_add_up(client, therapist):
    _fail(client, "therapist", 4)
    SignInThrottle.objects.update(window_started=timezone.now() - dt.timedelta(minutes=16))
    assert SIGN_IN_FAILED in _fail(client, "therapist", 1).content.decode()


def test_the_limits_come_from_the_settings(client, therapist, settings):
    settings.LOCKOUT_FAILURES = 2
    settings.LOCKOUT_MINUTES = 3
    assert services.SIGN_IN_LOCKED.format(minutes=3) in _fail(client, "therapist", 2).content.decode()


def test_the_username_is_matched_regardless_of_case(client, therapist):
    _fail(client, "Therapist")
    assert LOCKED in client.post(reverse("login"), {"username": "therapist", "password": PASSWORD}).content.decode()


def _api(client, username: str, password: str):
    response = client.post(
        reverse("api:auth_token"),
        json.dumps({"username": username, "password": password}),
        content_type="application/json",
    )
    body = response.json()
    assert set(body) == {"code", "message", "errors"}  # the API's one error shape
    return response.status_code, body["message"]


def test_the_api_token_endpoint_counts_and_honours_the_same_lock(client, therapist):
    for _ in range(4):
        assert _api(client, "therapist", "wrong-wrong-wrong") == (401, SIGN_IN_FAILED)
    assert _api(client, "therapist", "wrong-wrong-wrong") == (401, LOCKED)
    assert _api(client, "therapist", PASSWORD) == (401, LOCKED)
    for _ in range(5):
        _api(client, "nobody-here", "wrong-wrong-wrong")
    assert _api(client, "nobody-here", PASSWORD) == (401, LOCKED)
    # The web sign-in is locked by the API's failures too.
    assert LOCKED in client.post(reverse("login"), {"username": "therapist", "password": PASSWORD}).content.decode()


def test_wrong_second_factor_codes_count_toward_the_lock(client, therapist):
    secret = mfa.new_secret()
    services.mfa_enrol(user=therapist, secret=secret, code=mfa.totp_now(secret))
    client.post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    for _ in range(4):
        response = client.post(reverse("login_verify"), {"code": "999999"})
        assert services.MFA_CODE_WRONG in response.content.decode()
    response = client.post(reverse("login_verify"), {"code": "999999"})
    assert LOCKED in response.content.decode()
    assert client.get(reverse("login_verify"))["Location"] == reverse("login")
    assert AuditEvent.objects.get(action="auth.locked_out").flagged


def test_the_account_holder_is_told_of_the_lock_by_email(
    client, therapist, mailoutbox, django_capture_on_commit_callbacks
):
    therapist.email = "tess@example.org"
    therapist.save()
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, "therapist")
    assert [m.subject for m in mailoutbox] == [services.NOTICE_LOCKED[0]]
    assert mailoutbox[0].to == ["tess@example.org"]

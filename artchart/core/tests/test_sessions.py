"""Sign-in, sign-out, inactivity logoff and the absolute session limit."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from artchart.core.forms import SIGN_IN_FAILED
from artchart.core.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from artchart.core.models import AuditEvent
from artchart.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_therapist_signs_in_and_the_sign_in_is_audited(client, therapist):
    response = client.post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert AuditEvent.objects.filter(action="auth.login", actor=therapist).exists()


def test_wrong_password_and_unknown_user_get_the_same_answer(client, therapist):
    wrong = client.post(reverse("login"), {"username": "therapist", "password": "nope-nope-nope"})
    unknown = client.post(reverse("login"), {"username": "nobody-here", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert SIGN_IN_FAILED in wrong.content.decode() and SIGN_IN_FAILED in unknown.content.decode()
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 2


def test_a_deactivated_user_gets_the_same_answer_as_a_wrong_password(client, therapist):
    therapist.is_active = False
    therapist.save()
    response = client.post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    assert SIGN_IN_FAILED in response.content.decode()


def test_failed_sign_in_keeps_no_username_in_the_audit_log(client, therapist):
    client.post(reverse("login"), {"username": "Maya Lopez", "password": "x"})
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert "Maya" not in str(event.detail)


def test_next_parameter_cannot_send_the_user_off_site(client, therapist):
    response = client.post(
        reverse("login") + "?next=https://evil.example/", {"username": "therapist", "password": PASSWORD}
    )
    assert response["Location"] == reverse("dashboard")


def test_idle_session_is_ended_and_audited(client, therapist, settings):
    client.force_login(therapist)
    client.get(reverse("dashboard"))
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - settings.IDLE_TIMEOUT_SECONDS - 5
    session.save()
    response = client.get(reverse("clients:list"))
    assert response.status_code == 302 and response["Location"].endswith("?expired=1")
    assert AuditEvent.objects.filter(action="auth.session_expired", detail__reason="inactivity").exists()
    assert client.get(reverse("dashboard")).status_code == 302


def test_background_polls_do_not_count_as_activity(client, therapist, settings):
    client.force_login(therapist)
    client.get(reverse("dashboard"))
    before = client.session[SESSION_LAST_SEEN]
    time.sleep(0.01)
    client.get(reverse("keepalive"), headers={"X-ArtChart-Poll": "1"})
    assert client.session[SESSION_LAST_SEEN] == before


def test_busy_session_still_ends_at_the_absolute_limit(client, therapist, settings):
    client.force_login(therapist)
    client.get(reverse("dashboard"))
    session = client.session
    session[SESSION_STARTED] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 5
    session.save()
    assert client.get(reverse("dashboard")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.session_expired", detail__reason="absolute_limit").exists()


def test_sign_out_ends_the_session(client, therapist):
    client.force_login(therapist)
    client.post(reverse("logout"))
    assert client.get(reverse("dashboard")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=therapist).exists()


def test_login_page_is_no_store_with_a_strict_csp(client):
    response = client.get(reverse("login"))
    assert response["Cache-Control"].startswith("no-store")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"

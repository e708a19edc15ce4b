"""Two-step sign-in: TOTP and recovery codes, enrolment, and the API token."""

from __future__ import annotations

import json
import time
from unittest import mock

import pytest
from cryptography.fernet import InvalidToken
from django.test import Client as Browser
from django.urls import reverse

from artchart.core import mfa, services
from artchart.core.api import ENROL_FIRST, OTP_NEEDED
from artchart.core.auth_views import MFA_CODES_REMADE, MFA_ENROLLED, MFA_REMOVED
from artchart.core.models import ApiToken, AuditEvent, MfaDevice, RecoveryCode
from artchart.core.services import (
    MFA_CODE_REUSED,
    MFA_CODE_WRONG,
    MFA_RECOVERY_REPLACED,
    MFA_RECOVERY_USED,
    MFA_REQUIRED_KEEP,
)
from artchart.tests.factories import PASSWORD


class Clock:
    """The TOTP clock, moved by hand so a test never straddles a 30-second step."""

    def __init__(self):
        self.now = (int(time.time()) // 30) * 30 + 1.0

    def step(self, steps: int = 1) -> None:
        self.now += 30 * steps

    def code(self, secret: bytes) -> str:
        return mfa.totp_now(secret, now=self.now)


@pytest.fixture
def clock():
    c = Clock()
    with mock.patch("artchart.core.mfa.time.time", side_effect=lambda: c.now):
        yield c


def enrol(user, clock) -> tuple[bytes, list[str]]:
    """Enrol with the code of the previous step, so the current one is still unused."""
    secret = mfa.new_secret()
    codes = services.mfa_enrol(user=user, secret=secret, code=mfa.totp_now(secret, now=clock.now - 30))
    user.refresh_from_db()
    return secret, codes


def password_step(browser, username: str):
    return browser.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_admin_without_an_authenticator_must_enrol_and_reaches_nothing_else(client, admin):
    response = password_step(client, "admin")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_enrol")
    for url in (reverse("dashboard"), reverse("core:users"), reverse("core:tokens")):
        assert client.get(url)["Location"].startswith(reverse("login"))
    page = client.get(reverse("mfa_enrol"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    assert "<script>" not in html and "style=" not in html
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_enrolment_signs_in_shows_recovery_codes_once_and_ends_other_sessions(client, admin, clock):
    elsewhere = Browser()
    elsewhere.force_login(admin)
    token = services.token_issue(user=admin)[0]
    password_step(client, "admin")
    client.get(reverse("mfa_enrol"))
    secret = mfa.decrypt_secret(client.session["artchart_mfa_enrol_secret"])

    response = client.post(reverse("mfa_enrol"), {"code": clock.code(secret)})

    assert response.status_code == 200
    assert MFA_ENROLLED in response.content.decode()
    assert len(response.context["codes"]) == 10
    assert client.get(reverse("dashboard")).status_code == 200
    assert elsewhere.get(reverse("dashboard"))["Location"].startswith(reverse("login"))
    token.refresh_from_db()
    assert not ApiToken.objects.get(pk=token.pk).is_live
    assert AuditEvent.objects.get(action="auth.mfa_enrol").flagged
    assert AuditEvent.objects.filter(action="auth.login", actor=admin).exists()


def test_a_wrong_code_at_enrolment_is_refused_audited_and_saves_nothing(client, admin, clock):
    password_step(client, "admin")
    client.get(reverse("mfa_enrol"))
    response = client.post(reverse("mfa_enrol"), {"code": "000000"})
    assert MFA_CODE_WRONG in response.content.decode()
    assert not MfaDevice.objects.exists()
    event = AuditEvent.objects.get(action="auth.mfa_failed")
    assert event.flagged and event.detail == {"stage": "enrol", "reason": "wrong"}


def test_the_secret_is_stored_encrypted_with_a_key_outside_the_database(admin, clock, settings):
    secret, _ = enrol(admin, clock)
    stored = MfaDevice.objects.get(user=admin).secret_encrypted
    assert secret.hex() not in stored and mfa.secret_base32(secret).replace(" ", "") not in stored
    assert mfa.decrypt_secret(stored) == secret
    settings.MFA_KEY = "another-key-entirely-" + "x" * 32
    with pytest.raises(InvalidToken):
        mfa.decrypt_secret(stored)


def test_a_key_rotation_still_opens_secrets_made_under_the_old_key(admin, clock, settings):
    secret, _ = enrol(admin, clock)
    settings.MFA_KEY = "the-new-key-" + "n" * 32 + "," + settings.MFA_KEY
    assert mfa.decrypt_secret(MfaDevice.objects.get(user=admin).secret_encrypted) == secret


def test_a_user_with_an_authenticator_signs_in_with_the_code(client, therapist, clock):
    secret, _ = enrol(therapist, clock)
    response = password_step(client, "therapist")
    assert response["Location"] == reverse("login_verify")
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("login"))

    response = client.post(reverse("login_verify"), {"code": clock.code(secret)})

    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.mfa_verified", actor=therapist).exists()


def test_a_reused_code_is_refused_and_audited(client, therapist, clock):
    secret, _ = enrol(therapist, clock)
    code = clock.code(secret)
    password_step(client, "therapist")
    client.post(reverse("login_verify"), {"code": code})
    client.post(reverse("logout"))

    again = Browser()
    password_step(again, "therapist")
    response = again.post(reverse("login_verify"), {"code": code})

    assert response.status_code == 200
    assert MFA_CODE_REUSED in response.content.decode()
    assert again.get(reverse("dashboard"))["Location"].startswith(reverse("login"))
    event = AuditEvent.objects.get(action="auth.mfa_failed")
    assert event.flagged and event.detail["reason"] == "reused"


def test_a_wrong_code_is_refused_and_audited(client, therapist, clock):
    enrol(therapist, clock)
    password_step(client, "therapist")
    response = client.post(reverse("login_verify"), {"code": "123456"})
    assert MFA_CODE_WRONG in response.content.decode()
    assert AuditEvent.objects.get(action="auth.mfa_failed").detail["reason"] == "wrong"


def test_the_next_code_works_after_the_step_moves(client, therapist, clock):
    secret, _ = enrol(therapist, clock)
    password_step(client, "therapist")
    client.post(reverse("login_verify"), {"code": clock.code(secret)})
    client.post(reverse("logout"))
    clock.step()
    password_step(client, "therapist")
    assert client.post(reverse("login_verify"), {"code": clock.code(secret)})["Location"] == reverse("dashboard")


def test_a_recovery_code_works_once(client, therapist, clock):
    _, codes = enrol(therapist, clock)
    password_step(client, "therapist")
    assert client.post(reverse("login_verify"), {"code": codes[0].upper()})["Location"] == reverse("dashboard")
    assert AuditEvent.objects.get(action="auth.mfa_recovery_used").flagged
    client.post(reverse("logout"))

    password_step(client, "therapist")
    response = client.post(reverse("login_verify"), {"code": codes[0]})
    assert MFA_RECOVERY_USED in response.content.decode()
    assert AuditEvent.objects.get(action="auth.mfa_failed").detail["reason"] == "recovery_used"


def test_recovery_codes_are_stored_only_as_keyed_hashes(therapist, clock):
    _, codes = enrol(therapist, clock)
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert not any(code in value or mfa.normalize(code) in value for code in codes for value in stored)


def test_new_recovery_codes_replace_the_old_set_and_end_other_sessions(client, therapist, clock):
    _, old_codes = enrol(therapist, clock)
    client.force_login(therapist)
    elsewhere = Browser()
    elsewhere.force_login(therapist)

    response = client.post(reverse("core:mfa_recovery_codes"))

    assert MFA_CODES_REMADE in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 200
    assert elsewhere.get(reverse("dashboard"))["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.get(action="auth.mfa_recovery_regenerated").flagged
    client.post(reverse("logout"))
    password_step(client, "therapist")
    response = client.post(reverse("login_verify"), {"code": old_codes[1]})
    assert MFA_RECOVERY_REPLACED in response.content.decode()


def test_a_therapist_may_turn_it_off_but_an_admin_may_not(client, therapist, admin, clock):
    enrol(therapist, clock)
    enrol(admin, clock)
    client.force_login(therapist)
    response = client.post(reverse("core:mfa_remove"), follow=True)
    assert MFA_REMOVED in response.content.decode()
    assert not MfaDevice.objects.filter(user=therapist).exists()
    assert AuditEvent.objects.get(action="auth.mfa_remove").flagged

    client.force_login(admin)
    response = client.post(reverse("core:mfa_remove"), follow=True)
    assert MFA_REQUIRED_KEEP in response.content.decode()
    assert MfaDevice.objects.filter(user=admin).exists()


def test_an_admin_resets_a_colleagues_lost_authenticator(admin, supervisor, clock):
    enrol(supervisor, clock)
    services.mfa_remove(by=admin, user=supervisor)
    assert not MfaDevice.objects.filter(user=supervisor).exists()
    assert AuditEvent.objects.get(action="auth.mfa_remove").detail == {"by_admin": True}


def test_an_admin_resets_it_from_the_users_page_and_the_old_session_ends(client, admin, supervisor, clock):
    from artchart.core.views import MFA_RESET

    enrol(supervisor, clock)
    old = Browser()
    old.force_login(supervisor)
    client.force_login(admin)
    edit = reverse("core:user_edit", args=[supervisor.pk])
    assert "Reset two-step sign-in" in client.get(edit).content.decode()
    response = client.post(reverse("core:user_mfa_reset", args=[supervisor.pk]), follow=True)
    from django.utils.html import escape

    assert escape(MFA_RESET.format(name=supervisor.display_name)) in response.content.decode()
    assert not MfaDevice.objects.filter(user=supervisor).exists()
    assert old.get(reverse("dashboard")).status_code == 302


def test_a_therapist_cannot_reset_a_colleagues_two_step_sign_in(client, therapist, supervisor, clock):
    enrol(supervisor, clock)
    client.force_login(therapist)
    assert client.post(reverse("core:user_mfa_reset", args=[supervisor.pk])).status_code == 403
    assert MfaDevice.objects.filter(user=supervisor).exists()


def test_everyone_must_enrol_when_the_operator_says_so(client, therapist, settings):
    assert password_step(client, "therapist")["Location"] == reverse("dashboard")
    client.post(reverse("logout"))
    settings.MFA_REQUIRED_FOR_ALL = True
    assert password_step(client, "therapist")["Location"] == reverse("mfa_enrol")


def test_the_sign_in_step_expires(client, therapist, clock):
    secret, _ = enrol(therapist, clock)
    password_step(client, "therapist")
    clock.now += 301
    response = client.post(reverse("login_verify"), {"code": clock.code(secret)})
    assert response["Location"] == reverse("login")


def test_django_admin_login_is_sent_to_ours(client):
    assert client.get("/django-admin/login/")["Location"].startswith(reverse("login"))


# --- the API token ------------------------------------------------------------------------------


def _token(client, **body):
    response = client.post(
        reverse("api:auth_token"),
        json.dumps({"username": "therapist", "password": PASSWORD, **body}),
        content_type="application/json",
    )
    body = response.json()
    return response.status_code, body["message"] if response.status_code == 401 else body


def test_the_api_token_needs_the_second_factor_for_users_who_have_one(client, therapist, clock):
    secret, _ = enrol(therapist, clock)
    assert _token(client) == (401, OTP_NEEDED)
    assert _token(client, otp="000000") == (401, MFA_CODE_WRONG)
    status, body = _token(client, otp=clock.code(secret))
    assert status == 200 and body["token"].startswith("ac_")
    assert _token(client, otp=clock.code(secret)) == (401, MFA_CODE_REUSED)
    assert AuditEvent.objects.filter(action="auth.mfa_failed", detail__stage="api").count() == 2


def test_the_api_token_waits_for_enrolment_where_the_role_needs_it(client, admin):
    response = client.post(
        reverse("api:auth_token"),
        json.dumps({"username": "admin", "password": PASSWORD}),
        content_type="application/json",
    )
    assert response.status_code == 401 and response.json()["message"] == ENROL_FIRST

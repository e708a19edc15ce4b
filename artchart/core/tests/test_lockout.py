"""The lockout pauses a username from one source (address or known device), with growing pauses,
and one address across usernames; nobody can lock a user out from elsewhere; admins see and
clear pauses; every pause and clear is audited."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from artchart.core import known_devices, mfa, services
from artchart.core.forms import SIGN_IN_FAILED
from artchart.core.known_devices import SignInSource
from artchart.core.models import AuditEvent, MfaDevice, SignInThrottle, ThrottleScope
from artchart.tests.factories import PASSWORD, UserFactory

HOME = "198.51.100.7"  # the therapist's clinic
ELSEWHERE = "203.0.113.66"  # someone guessing passwords


def _locked(wait: str = "a minute") -> str:
    return services.SIGN_IN_LOCKED.format(wait=wait)


def _browser(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _sign_in(browser: Client, username: str, password: str = PASSWORD):
    return browser.post(reverse("login"), {"username": username, "password": password})


def _fail(browser: Client, username: str, times: int = 5):
    for _ in range(times):
        response = _sign_in(browser, username, "not-the-password")
    return response


def _expire_pauses() -> None:
    SignInThrottle.objects.update(locked_until=timezone.now() - dt.timedelta(seconds=1))


def _page(response, username: str) -> str:
    """The page without what differs by design: the CSRF token and the username typed."""
    html = response.content.decode().replace(username, "USERNAME")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_five_wrong_passwords_from_one_address_do_not_stop_the_therapist_from_another(therapist):
    attacker = _browser(ELSEWHERE)
    assert SIGN_IN_FAILED in _fail(attacker, "therapist", 4).content.decode()
    assert _locked() in _fail(attacker, "therapist", 1).content.decode()
    # Even the right password is refused from there, without being checked.
    assert _locked() in _sign_in(attacker, "therapist").content.decode()
    assert AuditEvent.objects.filter(action="auth.login_locked").count() == 1

    response = _sign_in(_browser(HOME), "therapist")

    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    event = AuditEvent.objects.get(action="auth.locked_out")
    assert event.flagged and event.detail["minutes"] == 1 and event.detail["source"] == "address"
    assert event.object_id == str(therapist.pk)
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 5


def test_each_further_failure_doubles_the_pause_up_to_the_cap(therapist, settings):
    settings.LOCKOUT_MAX_MINUTES = 8
    attacker = _browser(ELSEWHERE)
    _fail(attacker, "therapist", 4)
    waits = []
    for _ in range(5):
        response = _fail(attacker, "therapist", 1)
        row = SignInThrottle.objects.get(scope=ThrottleScope.ACCOUNT)
        waits.append(round((row.locked_until - row.last_failure_at).total_seconds() / 60))
        _expire_pauses()  # the pause ran out; the next failure pauses again, for longer
    assert waits == [1, 2, 4, 8, 8]
    assert [e.detail["minutes"] for e in AuditEvent.objects.filter(action="auth.locked_out").order_by("seq")] == waits
    assert _locked("8 minutes") in response.content.decode()


def test_failures_are_forgotten_after_a_quiet_day_and_on_signing_in(therapist, settings):
    home = _browser(HOME)
    _fail(home, "therapist", 4)
    SignInThrottle.objects.update(last_failure_at=timezone.now() - dt.timedelta(hours=25))
    assert SIGN_IN_FAILED in _fail(home, "therapist", 1).content.decode()
    assert SignInThrottle.objects.get(scope=ThrottleScope.ACCOUNT).failures == 1
    assert _sign_in(home, "therapist").status_code == 302
    assert not SignInThrottle.objects.filter(scope=ThrottleScope.ACCOUNT).exists()


def test_one_address_failing_for_many_usernames_is_paused_for_all_of_them(therapist, settings):
    settings.LOCKOUT_ADDRESS_FAILURES = 6
    attacker = _browser(ELSEWHERE)
    for n in range(5):
        assert SIGN_IN_FAILED in _fail(attacker, f"guess{n}", 1).content.decode()
    assert _locked() in _fail(attacker, "guess5", 1).content.decode()
    # Every username is paused from there, the therapist's too, right password or not...
    assert _locked() in _sign_in(attacker, "therapist").content.decode()
    # ...but not from anywhere else.
    assert _sign_in(_browser(HOME), "therapist").status_code == 302
    event = AuditEvent.objects.get(action="auth.address_locked")
    assert event.flagged and event.detail == {"address": ELSEWHERE, "failures": 6, "minutes": 1}
    assert not AuditEvent.objects.filter(action="auth.locked_out").exists()  # no one username reached five


def _enrol(user) -> bytes:
    secret = mfa.new_secret()
    services.mfa_enrol(user=user, secret=secret, code=mfa.totp_now(secret))
    return secret


def _fresh_code(secret: bytes) -> str:
    """The current code, as if no code of this step had been used yet (each is good once)."""
    MfaDevice.objects.update(last_step=0)
    return mfa.totp_now(secret)


def test_a_known_device_gets_in_while_its_own_address_is_hammered(therapist, settings):
    """The clinic's shared address is paused for the therapist's username and for every username;
    the tablet she signed in on with her second factor still gets in with the password and a code."""
    settings.LOCKOUT_ADDRESS_FAILURES = 8
    secret = _enrol(therapist)
    tablet = _browser(HOME)
    assert _sign_in(tablet, "therapist")["Location"] == reverse("login_verify")
    assert tablet.post(reverse("login_verify"), {"code": _fresh_code(secret)})["Location"] == reverse("dashboard")
    cookie = tablet.cookies[known_devices.cookie_name()]
    assert cookie["httponly"] and cookie.value
    tablet.post(reverse("logout"))

    attacker = _browser(HOME)  # the same network address
    _fail(attacker, "therapist", 5)
    _fail(attacker, "someone-else", 3)
    assert _locked() in _sign_in(attacker, "therapist").content.decode()
    assert AuditEvent.objects.filter(action="auth.address_locked").exists()

    assert _sign_in(tablet, "therapist")["Location"] == reverse("login_verify")
    response = tablet.post(reverse("login_verify"), {"code": _fresh_code(secret)})
    assert response["Location"] == reverse("dashboard")


def test_a_known_device_is_bound_to_its_user_and_counts_its_own_failures(therapist, therapist2):
    secret = _enrol(therapist)
    _enrol(therapist2)
    tablet = _browser(HOME)
    _sign_in(tablet, "therapist")
    tablet.post(reverse("login_verify"), {"code": _fresh_code(secret)})
    tablet.post(reverse("logout"))
    request = RequestFactory().get("/", REMOTE_ADDR=HOME)
    request.COOKIES = {name: morsel.value for name, morsel in tablet.cookies.items()}
    assert known_devices.source_for_username(request, "therapist").device
    assert not known_devices.source_for_username(request, "therapist2").device  # another user: just an address
    assert not known_devices.source_for_username(request, "nobody").device
    # A stolen device cookie is its own source, throttled like any other.
    _fail(tablet, "therapist", 5)
    row = SignInThrottle.objects.get(scope=ThrottleScope.ACCOUNT)
    assert row.source.startswith("device:") and row.is_locked
    assert not SignInThrottle.objects.filter(scope=ThrottleScope.ADDRESS).exists()
    assert _sign_in(_browser(HOME), "therapist")["Location"] == reverse("login_verify")  # the address is not paused

    # A password change forgets the devices known under the old one.
    therapist.set_password("a-new-password-for-the-tablet")
    therapist.save(update_fields=["password"])
    assert not known_devices.source_for_username(request, "therapist").device
    therapist.set_password(PASSWORD)
    therapist.save(update_fields=["password"])
    assert not known_devices.source_for_username(request, "therapist").device  # a new hash, not the old one


def test_a_paused_unknown_username_looks_exactly_like_a_paused_real_one(therapist):
    attacker = _browser(ELSEWHERE)
    real = _fail(attacker, "therapist")
    unknown = _fail(attacker, "nobody-here")
    assert real.status_code == unknown.status_code == 200
    assert _page(real, "therapist") == _page(unknown, "nobody-here")
    again_real = _sign_in(attacker, "therapist")
    again_unknown = _sign_in(attacker, "nobody-here")
    assert _page(again_real, "therapist") == _page(again_unknown, "nobody-here")
    assert _locked() in again_unknown.content.decode()
    assert "therapist" not in _locked() and "account" not in _locked()


def test_the_username_is_matched_regardless_of_case(therapist):
    attacker = _browser(ELSEWHERE)
    _fail(attacker, "Therapist")
    assert _locked() in _sign_in(attacker, "therapist").content.decode()


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(therapist, settings):
    spoofed = Client(REMOTE_ADDR=ELSEWHERE, HTTP_X_FORWARDED_FOR="192.0.2.1")
    _fail(spoofed, "therapist")
    assert SignInThrottle.objects.get(scope=ThrottleScope.ACCOUNT).source == f"address:{ELSEWHERE}"
    SignInThrottle.objects.all().delete()
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    proxied = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.1, {ELSEWHERE}")
    _fail(proxied, "therapist")
    assert SignInThrottle.objects.get(scope=ThrottleScope.ACCOUNT).source == f"address:{ELSEWHERE}"
    # The same proxy forwarding the therapist's own address: not paused.
    home = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=HOME)
    assert _sign_in(home, "therapist").status_code == 302


def _api(browser: Client, username: str, password: str, **extra):
    response = browser.post(
        reverse("api:auth_token"),
        json.dumps({"username": username, "password": password, **extra}),
        content_type="application/json",
    )
    body = response.json()
    assert set(body) <= {"code", "message", "errors", "token", "expires_at"}
    return response.status_code, body.get("message")


def test_the_api_token_endpoint_counts_and_honours_the_same_pause(therapist):
    attacker = _browser(ELSEWHERE)
    for _ in range(4):
        assert _api(attacker, "therapist", "wrong-wrong-wrong") == (401, SIGN_IN_FAILED)
    assert _api(attacker, "therapist", "wrong-wrong-wrong") == (401, _locked())
    assert _api(attacker, "therapist", PASSWORD) == (401, _locked())
    for _ in range(5):
        _api(attacker, "nobody-here", "wrong-wrong-wrong")
    assert _api(attacker, "nobody-here", PASSWORD) == (401, _locked())
    assert _locked() in _sign_in(attacker, "therapist").content.decode()  # the web shares it
    assert _api(_browser(HOME), "therapist", PASSWORD)[0] == 200  # from elsewhere, a token


def test_wrong_second_factor_codes_count_toward_the_pause(therapist):
    _enrol(therapist)
    browser = _browser(ELSEWHERE)
    _sign_in(browser, "therapist")
    for _ in range(4):
        response = browser.post(reverse("login_verify"), {"code": "999999"})
        assert services.MFA_CODE_WRONG in response.content.decode()
    response = browser.post(reverse("login_verify"), {"code": "999999"})
    assert _locked() in response.content.decode()
    assert browser.get(reverse("login_verify"))["Location"] == reverse("login")
    assert AuditEvent.objects.get(action="auth.locked_out").flagged


def test_the_account_holder_is_told_of_the_first_pause_by_email(
    therapist, mailoutbox, django_capture_on_commit_callbacks
):
    therapist.email = "tess@example.org"
    therapist.save()
    with django_capture_on_commit_callbacks(execute=True):
        _fail(_browser(ELSEWHERE), "therapist", 5)
        _expire_pauses()
        _fail(_browser(ELSEWHERE), "therapist", 1)  # paused again, longer: no second e-mail
    assert [m.subject for m in mailoutbox] == [services.NOTICE_LOCKED[0]]
    assert mailoutbox[0].to == ["tess@example.org"]


# --- admins see and clear ----------------------------------------------------------------------------


@pytest.fixture
def paused(therapist, settings):
    settings.LOCKOUT_ADDRESS_FAILURES = 7
    attacker = _browser(ELSEWHERE)
    _fail(attacker, "therapist", 5)
    _fail(attacker, "guess", 2)
    return attacker


def test_an_admin_sees_the_pauses_and_clears_one_which_is_audited(client, admin, therapist, paused):
    client.force_login(admin)
    page = client.get(reverse("core:lockouts")).content.decode()
    assert "therapist" in page and ELSEWHERE in page and "Every username" in page
    assert "guess" not in page  # an unknown username locks nobody out
    pair = SignInThrottle.objects.get(scope=ThrottleScope.ACCOUNT, user=therapist)
    address = SignInThrottle.objects.get(scope=ThrottleScope.ADDRESS)

    for row in (pair, address):
        response = client.post(reverse("core:lockout_clear", args=[row.pk]))
        assert response["Location"] == reverse("core:lockouts")

    assert not SignInThrottle.objects.filter(pk__in=[pair.pk, address.pk]).exists()
    cleared = list(AuditEvent.objects.filter(action="auth.lockout_cleared").order_by("seq"))
    assert [e.actor_id for e in cleared] == [admin.pk, admin.pk] and all(e.flagged for e in cleared)
    assert cleared[0].object_id == str(therapist.pk) and cleared[0].detail["scope"] == "account"
    assert cleared[1].detail == {"scope": "address", "failures": 7, "was_locked": True, "address": ELSEWHERE}
    assert _sign_in(paused, "therapist").status_code == 302  # let through at once


def test_the_api_lists_and_clears_pauses_for_admins(client, admin, therapist, paused):
    token = services.token_issue(user=admin)[1]
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get(reverse("api:lockouts_list"), headers=auth).json()
    assert listed["count"] == 2
    account = next(row for row in listed["results"] if row["scope"] == "account")
    assert account["username"] == "therapist" and account["address"] == ELSEWHERE and not account["known_device"]
    response = client.delete(reverse("api:lockout_clear", args=[account["id"]]), headers=auth)
    assert response.status_code == 204
    assert AuditEvent.objects.filter(action="auth.lockout_cleared", actor=admin).count() == 1
    assert client.delete(reverse("api:lockout_clear", args=[account["id"]]), headers=auth).status_code == 404


def test_anyone_but_an_admin_of_the_organization_is_told_nothing(client, therapist, therapist2, paused):
    pair = SignInThrottle.objects.get(scope=ThrottleScope.ACCOUNT, user=therapist)
    other_admin = UserFactory(role="admin", username="elsewhere-admin")  # another organization
    for person in (therapist, therapist2):
        client.force_login(person)
        assert client.get(reverse("core:lockouts")).status_code == 404
        assert client.post(reverse("core:lockout_clear", args=[pair.pk])).status_code == 404
        auth = {"Authorization": f"Bearer {services.token_issue(user=person)[1]}"}
        assert client.get(reverse("api:lockouts_list"), headers=auth).status_code == 404
        assert client.delete(reverse("api:lockout_clear", args=[pair.pk]), headers=auth).status_code == 404
    client.force_login(other_admin)
    assert "(therapist)" not in client.get(reverse("core:lockouts")).content.decode()
    assert client.post(reverse("core:lockout_clear", args=[pair.pk])).status_code == 404
    assert SignInThrottle.objects.filter(pk=pair.pk).exists()
    assert not AuditEvent.objects.filter(action="auth.lockout_cleared").exists()


def test_a_source_key_names_a_known_device_or_an_address():
    assert SignInSource(address="192.0.2.1").key == "address:192.0.2.1"
    assert SignInSource(address="192.0.2.1", device="abc").key == "device:abc"

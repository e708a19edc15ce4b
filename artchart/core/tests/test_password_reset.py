"""Password reset and security notices, delivered through a real SMTP server on loopback."""

from __future__ import annotations

import email
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from artchart.core import mfa, services
from artchart.core.known_devices import SignInSource
from artchart.core.models import AuditEvent, User
from artchart.tests.factories import PASSWORD

NEW_PASSWORD = "a-quiet-green-studio-42"


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def text(self, message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """An SMTP server on 127.0.0.1, and the settings an operator would give for it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "ArtChart <artchart@riverbend.example>"
    yield inbox
    controller.stop()


@pytest.fixture
def tess(therapist):
    therapist.email = "tess@riverbend.example"
    therapist.save()
    return therapist


def test_the_reset_link_arrives_by_smtp_and_sets_a_new_password(client, tess, smtp, django_capture_on_commit_callbacks):
    response = client.post(reverse("password_reset"), {"email": "TESS@riverbend.example"})
    assert response["Location"] == reverse("password_reset_done")
    [message] = smtp.messages
    assert message["To"] == "tess@riverbend.example"
    assert message["From"] == "ArtChart <artchart@riverbend.example>"
    assert message["Subject"] == "Reset your ArtChart password"
    link = re.search(r"http://testserver(/password-reset/\S+/)", smtp.text(message)).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )

    assert done["Location"] == reverse("password_reset_complete")
    tess.refresh_from_db()
    assert tess.check_password(NEW_PASSWORD) and tess.security_epoch == 1
    assert AuditEvent.objects.get(action="user.password_set").detail == {"via": "reset"}
    assert smtp.messages[-1]["Subject"] == services.NOTICE_PASSWORD_CHANGED[0]
    # The link works once.
    assert not client.get(link, follow=True).context["validlink"]


def test_the_answer_is_the_same_whether_or_not_the_address_exists(client, tess, smtp):
    known = client.post(reverse("password_reset"), {"email": "tess@riverbend.example"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@riverbend.example"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(smtp.messages) == 1
    assert [e.detail for e in AuditEvent.objects.filter(action="auth.password_reset_requested").order_by("seq")] == [
        {"accounts": 1},
        {"accounts": 0},
    ]


def test_a_reset_still_needs_the_second_factor(client, tess, smtp):
    secret = mfa.new_secret()
    services.mfa_enrol(user=tess, secret=secret, code=mfa.totp_now(secret))
    services.user_set_password(by=tess, user=tess, password=NEW_PASSWORD, via="reset")
    response = client.post(reverse("login"), {"username": "therapist", "password": NEW_PASSWORD})
    assert response["Location"] == reverse("login_verify")


def test_no_mail_carries_client_data(client, tess, client_record, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "tess@riverbend.example"})
        services.user_set_password(by=tess, user=tess, password=NEW_PASSWORD)
        secret = mfa.new_secret()
        codes = services.mfa_enrol(user=tess, secret=secret, code=mfa.totp_now(secret))
        services.mfa_verify(user=tess, code=codes[0], source=SignInSource(address="127.0.0.1"))
        services.mfa_recovery_codes_regenerate(user=tess)
        services.mfa_remove(by=tess, user=tess)
        for _ in range(5):
            client.post(reverse("login"), {"username": "therapist", "password": "not-the-password"})
    subjects = [m["Subject"] for m in smtp.messages]
    assert len(subjects) == 7, subjects
    for message in smtp.messages:
        whole = message.as_string() + smtp.text(message)
        # Names and date of birth are what would identify the client; a bare
        # primary key is not checked because digits occur in every Date header.
        for word in (
            client_record.legal_first_name,
            client_record.legal_last_name,
            client_record.date_of_birth.isoformat(),
            client_record.date_of_birth.strftime("%m/%d/%Y"),
        ):
            assert word not in whole, (message["Subject"], word)
        assert not any(code in whole for code in codes)


def test_a_mail_server_outage_does_not_undo_the_change(tess, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", _free_port(), False
    with django_capture_on_commit_callbacks(execute=True):
        services.user_set_password(by=tess, user=tess, password=NEW_PASSWORD)
    assert User.objects.get(pk=tess.pk).check_password(NEW_PASSWORD)


def test_the_old_password_no_longer_signs_in_after_a_reset(client, tess):
    services.user_set_password(by=tess, user=tess, password=NEW_PASSWORD, via="reset")
    response = client.post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    assert response.status_code == 200

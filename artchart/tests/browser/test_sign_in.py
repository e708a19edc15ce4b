"""Signing in through the real form."""

import re

import pytest
from playwright.sync_api import expect

from artchart.core.forms import SIGN_IN_FAILED

pytestmark = pytest.mark.browser


def test_therapist_logs_in_and_sees_the_dashboard(page, sign_in, shoot, therapist, client_record):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Sign in to ArtChart")).to_be_visible()
    expect(page.get_by_label("Username")).to_be_focused()
    shoot(page, "login")

    sign_in(page, therapist)

    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Tess")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard")).to_have_attribute(
        "aria-current", "page"
    )
    my_clients = page.get_by_role("region", name="My active clients")
    expect(my_clients.get_by_role("link", name="Maya Lopez")).to_be_visible()
    expect(page.get_by_text("Tess Rivera")).to_be_visible()
    shoot(page, "dashboard")


def test_wrong_password_shows_one_message(page, therapist):
    page.goto("/login/")
    page.get_by_label("Username").fill("therapist")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    alert = page.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_have_text(SIGN_IN_FAILED)
    expect(page.get_by_text(SIGN_IN_FAILED)).to_have_count(1)
    assert "/login/" in page.url
    # The username stays, the password does not.
    expect(page.get_by_label("Username")).to_have_value("therapist")
    expect(page.get_by_label("Password")).to_have_value("")

    # An unknown user reads exactly the same sentence.
    page.get_by_label("Username").fill("nobody-here")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text(SIGN_IN_FAILED)

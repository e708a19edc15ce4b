"""A fresh, empty install in the browser: the first-run page, the admin's second factor, the checklist."""

import base64
import re

import pytest
from playwright.sync_api import expect

from artchart.core import mfa
from artchart.core.models import Role, User

pytestmark = pytest.mark.browser

PASSWORD = "painted-lantern-harbour-7"


def test_a_fresh_install_leads_to_setup_then_two_step_sign_in_then_the_checklist(page, page_watch, shoot, axe):
    page.goto("/clients/")
    expect(page).to_have_url(re.compile(r"/welcome/$"))
    expect(page.get_by_role("heading", name="Set up your practice")).to_be_visible()
    violations = axe(page, "first-run")
    assert not violations.blocking, violations.describe(violations.blocking)
    for field, value in {
        "organization_name": "Harbour Arts Therapy",
        "site_name": "Harbour Studio",
        "username": "mara",
        "first_name": "Mara",
        "last_name": "Okafor",
        "password": PASSWORD,
        "password2": PASSWORD,
    }.items():
        page.locator(f"#id_{field}").fill(value)
    page.locator("#id_site_population_type").select_option("outpatient")
    shoot(page, "first-run")
    with page.expect_navigation():
        page.get_by_role("button", name="Set up the practice").click()

    expect(page).to_have_url(re.compile(r"/login/enrol/$"))
    expect(page.get_by_text("Harbour Arts Therapy is set up.")).to_be_visible()
    key = page.locator("p.mono").inner_text().replace(" ", "")
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    page.get_by_label("Code").fill(mfa.totp_now(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("I have saved them")).click()

    checklist = page.get_by_role("region", name="Getting started")
    for step in ("Add your sites", "Add people and their roles", "Add or import clients", "Set the crisis resources"):
        expect(checklist.get_by_role("link", name=step)).to_be_visible()
    expect(checklist.get_by_text("(done)")).to_have_count(0)
    shoot(page, "checklist")
    violations = axe(page, "checklist")
    assert not violations.blocking, violations.describe(violations.blocking)
    assert User.objects.get().role == Role.ADMIN

    with page.expect_navigation():
        checklist.get_by_role("link", name="Add your sites").click()
    expect(page).to_have_url(re.compile(r"/manage/sites/$"))
    page_watch.allow(r"status of 404")  # the first-run page is gone once the practice exists
    page.goto("/welcome/")
    expect(page.get_by_role("heading", name="Set up your practice")).to_have_count(0)

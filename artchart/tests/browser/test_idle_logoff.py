"""The inactivity warning before the automatic sign-out."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_idle_warning_appears_before_logoff(page, sign_in, shoot, settings, therapist):
    settings.IDLE_TIMEOUT_SECONDS = 4
    settings.IDLE_WARNING_SECONDS = 3
    sign_in(page, therapist)
    dialog = page.locator("#idle-warning")

    expect(dialog).to_be_visible(timeout=4_000)
    expect(page.get_by_role("dialog", name="Still there?")).to_be_visible()
    expect(page.get_by_role("button", name="Continue working")).to_be_visible()
    shoot(page, "warning")

    with page.expect_response(re.compile(r"/keepalive/$")) as keepalive:
        page.get_by_role("button", name="Continue working").click()
    assert keepalive.value.status == 204
    # The dialog closes as soon as the server has counted the activity (it opens
    # again a second later here, since the whole timeout is four seconds).
    page.wait_for_function("() => !document.getElementById('idle-warning').open", polling="raf", timeout=2_000)

    # Left alone, the page signs itself out and says why.
    page.wait_for_url(re.compile(r"/login/\?expired=1$"), timeout=8_000)
    expect(page.get_by_role("status")).to_contain_text("You were signed out after a period of inactivity.")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))

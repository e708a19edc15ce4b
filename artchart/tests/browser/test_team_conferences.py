"""A therapist records a team conference in the browser, from the plan page to the linked version."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from artchart.plans import services

pytestmark = pytest.mark.browser


def test_therapist_records_a_conference_that_led_to_version_2(
    page, sign_in, shoot, axe, therapist, intern, client_record
):
    services.plan_create(by=therapist, client=client_record)
    sign_in(page, therapist)
    page.goto(f"/clients/{client_record.pk}/plans/")
    page.get_by_role("link", name="Record a conference").click()
    page.get_by_label("Held on").fill("2026-01-15")
    page.get_by_label("Discussion").fill("Maya withdraws in the Tuesday group; sleeps poorly since the move.")
    page.get_by_label("Decisions").fill("Add a goal about group work; psychiatry reviews medication.")
    page.get_by_label("Ian Novak").check()
    page.get_by_label("Outside professionals").fill("Dr. Ana Ruiz, psychiatrist")
    page.get_by_label("Version 1 (Draft)").check()
    shoot(page, "form")
    assert not axe(page, "form").blocking
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Team conference of 15 January 2026")
    expect(page.get_by_role("region", name="Attendees")).to_contain_text("Dr. Ana Ruiz · psychiatrist")
    shoot(page, "detail")
    assert not axe(page, "detail").blocking
    page.get_by_role("link", name="Led to version 1").click()
    expect(page.get_by_role("link", name="Discussed at the team conference of 15 January 2026")).to_be_visible()

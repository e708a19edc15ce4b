"""The admin reads what clinicians did, in the audit log."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_admin_sees_audit_page(page, new_page, sign_in, shoot, therapist, admin, client_record):
    # The therapist signs in, reads the chart and changes the record.
    clinician = new_page()
    sign_in(clinician, therapist)
    clinician.goto(f"/clients/{client_record.pk}/edit/")
    clinician.get_by_label("Pronouns").fill("she/her")
    clinician.get_by_role("button", name="Save changes").click()
    expect(clinician.get_by_role("status")).to_have_text("The record was saved.")

    sign_in(page, admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    expect(page).to_have_url(re.compile(r"/manage/audit/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Audit")

    events = page.get_by_role("list").filter(has_text="Tess Rivera signed in")
    therapist_rows = events.get_by_role("listitem").filter(has_text="Tess Rivera")
    # Each event is a sentence in names and words; the admin sees the client's name, which is itself audited.
    expect(therapist_rows.filter(has_text="Tess Rivera signed in.").first).to_be_visible()
    for sentence in ["read a client record", "updated a client record"]:
        expect(therapist_rows.filter(has_text=f"{sentence}: {client_record.display_name}").first).to_be_visible()
    expect(page.get_by_text("client.read")).to_have_count(0)
    # Audit rows hold ids and actions, never what was written in the record.
    expect(page.get_by_text("she/her")).to_have_count(0)
    shoot(page, "audit")

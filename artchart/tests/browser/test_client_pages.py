"""Finding a client, reading the chart, and opening a record through the form."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from artchart.clients.models import Client
from artchart.clients.validation import DOB_IN_FUTURE
from artchart.tests.factories import CareTeamFactory, ClientFactory

pytestmark = pytest.mark.browser


def _on_caseload(therapist, site, **fields):
    client = ClientFactory(site=site, **fields)
    CareTeamFactory(client=client, user=therapist, role="primary")
    return client


def test_search_finds_a_client_as_you_type(page, sign_in, shoot, therapist, site, client_record):
    _on_caseload(therapist, site, legal_first_name="Jonah", legal_last_name="Baptiste")
    _on_caseload(therapist, site, legal_first_name="Priya", legal_last_name="Anand", status="on_hold")
    sign_in(page, therapist)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    results = page.locator("#client-results")
    expect(results.get_by_role("row")).to_have_count(4)  # header and three clients
    shoot(page, "list")

    with page.expect_response(lambda r: "/clients/?" in r.url and r.request.headers.get("hx-request") == "true"):
        page.locator("#q").press_sequentially("Lop", delay=40)

    expect(results.get_by_role("link", name="Maya Lopez")).to_be_visible()
    expect(results.get_by_role("link", name="Jonah Baptiste")).to_have_count(0)
    expect(results.get_by_role("link", name="Priya Anand")).to_have_count(0)
    expect(results).to_contain_text("1 client on your care teams matching your search")
    # The search lands in the address bar, so Back and a reload keep it.
    expect(page).to_have_url(re.compile(r"/clients/\?q=Lop"))
    shoot(page, "searched")

    results.get_by_role("link", name="Maya Lopez").click()
    expect(page).to_have_url(re.compile(rf"/clients/{client_record.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya Lopez")


def test_status_filter_narrows_the_list(page, sign_in, therapist, site, client_record):
    _on_caseload(therapist, site, legal_first_name="Priya", legal_last_name="Anand", status="on_hold")
    sign_in(page, therapist)
    page.goto("/clients/")
    results = page.locator("#client-results")
    with page.expect_response(lambda r: "/clients/?" in r.url and r.request.headers.get("hx-request") == "true"):
        page.locator("#status").select_option(label="On hold")
    expect(results.get_by_role("link", name="Priya Anand")).to_be_visible()
    expect(results.get_by_role("link", name="Maya Lopez")).to_have_count(0)


def test_open_chart_shows_precautions_banner(page, sign_in, shoot, therapist, site):
    _on_caseload(
        therapist,
        site,
        legal_first_name="Maya",
        legal_last_name="Lopez",
        latex_allergy=True,
        sharps_restriction=True,
        precautions_note="Sits near the door; offer breaks.",
    )
    sign_in(page, therapist)
    page.get_by_role("region", name="My active clients").get_by_role("link", name="Maya Lopez").click()

    banner = page.get_by_role("note", name="Precautions")
    expect(banner).to_be_visible()
    expect(banner.get_by_role("listitem")).to_have_text(
        ["Latex allergy", "Sharps restriction", "Sits near the door; offer breaks."]
    )
    # The banner comes before anything else on the chart: it is the first thing read.
    banner_top = banner.bounding_box()["y"]
    details_top = page.get_by_role("region", name="Details").bounding_box()["y"]
    assert banner_top < details_top
    for heading in ["Details", "Contacts and guardians", "Consents", "Care team", "Gathered information"]:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    shoot(page, "chart")


def test_chart_without_precautions_says_so(page, sign_in, therapist, client_record):
    sign_in(page, therapist)
    page.goto(f"/clients/{client_record.pk}/")
    expect(page.get_by_text("No precautions recorded.")).to_be_visible()
    expect(page.get_by_role("note", name="Precautions")).to_have_count(0)


def test_client_form_error_then_fix_then_save(page, sign_in, shoot, therapist, site):
    sign_in(page, therapist)
    page.goto("/clients/new/")
    page.get_by_label("Legal first name").fill("Rowan")
    page.get_by_label("Legal last name").fill("Achebe")
    future = timezone.localdate() + dt.timedelta(days=30)
    page.get_by_label("Date of birth").fill(future.isoformat())
    page.get_by_label("Site").select_option(label="Riverbend Studio")
    page.get_by_label("Sharps restriction").check()
    page.get_by_role("button", name="Open record").click()

    dob = page.get_by_label("Date of birth")
    expect(page.get_by_text(DOB_IN_FUTURE)).to_be_visible()
    shoot(page, "errors")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved.")
    expect(dob).to_have_attribute("aria-invalid", "true")
    # What was typed is kept.
    expect(page.get_by_label("Legal first name")).to_have_value("Rowan")
    expect(page.get_by_label("Sharps restriction")).to_be_checked()
    assert not Client.objects.filter(legal_last_name="Achebe").exists()

    dob.fill("2012-03-04")
    page.get_by_role("button", name="Open record").click()

    expect(page).to_have_url(re.compile(r"/clients/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("Rowan Achebe's record is open.")
    client = Client.objects.get(legal_last_name="Achebe")
    assert page.url.endswith(f"/clients/{client.pk}/")
    expect(page.get_by_role("note", name="Precautions")).to_contain_text("Sharps restriction")
    assert client.date_of_birth == dt.date(2012, 3, 4)


def _save_with_a_future_birth_date(page, sign_in, therapist):
    sign_in(page, therapist)
    page.goto("/clients/new/")
    page.get_by_label("Legal first name").fill("Rowan")
    page.get_by_label("Legal last name").fill("Achebe")
    page.get_by_label("Date of birth").fill((timezone.localdate() + dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Open record").click()
    expect(page.get_by_role("alert")).to_be_visible()


def test_failed_save_moves_focus_to_the_errors(page, sign_in, therapist, site):
    _save_with_a_future_birth_date(page, sign_in, therapist)
    # A summary already on the page when it loads is not announced by screen
    # readers, role="alert" or not; moving focus to it (or to the first field in
    # error) is what makes them read it, and starts keyboard users there.
    focused = page.evaluate("() => document.activeElement.id || document.activeElement.tagName")
    assert focused in {"form-errors", "id_date_of_birth"}, f"focus is on {focused!r} after a failed save"


def test_field_error_is_part_of_the_field_description(page, sign_in, therapist, site):
    _save_with_a_future_birth_date(page, sign_in, therapist)
    dob = page.get_by_label("Date of birth")
    expect(dob).to_have_attribute("aria-invalid", "true")
    # Read out on reaching the field, not only seen beside it.
    expect(dob).to_have_accessible_description(re.compile(re.escape(DOB_IN_FUTURE)))


def test_edit_keeps_the_record_and_returns_to_the_chart(page, sign_in, therapist, client_record):
    sign_in(page, therapist)
    page.goto(f"/clients/{client_record.pk}/")
    page.get_by_role("link", name="Edit record and precautions").click()
    expect(page.get_by_label("Legal first name")).to_have_value("Maya")
    page.get_by_label("Preferred name").fill("May")
    page.get_by_label("Choking or ingestion risk").check()
    page.get_by_role("button", name="Save changes").click()

    expect(page).to_have_url(re.compile(rf"/clients/{client_record.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("May Lopez")
    expect(page.get_by_role("note", name="Precautions")).to_contain_text("Choking / ingestion risk")

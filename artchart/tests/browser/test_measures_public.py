"""Measures outside the record, tried as a new user would: a client
completes a GAD-7 through a link in a fresh browser with no login; a risk answer on a PHQ-9
brings the crisis resources up at once; the tablet hand-off shows only the questionnaire and
needs the therapist's password back; the program page shows effect sizes for a group of
clients with first and last scores. The links and the scores are arranged through services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from artchart.measures.models import Administration, MeasureLink, RiskAlert
from artchart.measures.services.administrations import administration_record
from artchart.measures.services.links import link_create
from artchart.tests.factories import PASSWORD, CareTeamFactory, ClientFactory, SessionFactory

pytestmark = pytest.mark.browser

GAD7_ANSWERS = [
    "Several days",
    "More than half the days",
    "Not at all",
    "Several days",
    "Not at all",
    "Several days",
    "Not at all",
]


def _no_blocking(axe, page, label: str) -> None:
    violations = axe(page, label)
    assert not violations.blocking, violations.describe(violations.blocking)


def _choose(page, number: int, label: str) -> None:
    """Choose an answer and wait for the page to save it (each answer is saved as it is given). Waiting
    keeps the saves one at a time: the test server's in-memory SQLite refuses concurrent writers."""
    with page.expect_response(lambda r: r.url.endswith("/save") and r.status == 204):
        page.locator(f"#question-{number}").get_by_text(label, exact=True).click()


def test_a_client_completes_a_gad7_through_a_link(page, shoot, axe, page_watch, therapist, client_record):
    link, token = link_create(by=therapist, client=client_record, instrument="gad7", recipient="Maya")
    page.goto(f"/m/{token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("GAD-7")
    expect(page.get_by_text("Nobody watches these answers as you give them.")).to_be_visible()
    expect(page.get_by_text("call or text 988").first).to_be_visible()
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(client_record.legal_last_name)
    expect(page.locator("#crisis-now")).to_be_hidden()
    shoot(page, "01-link-questionnaire")
    _no_blocking(axe, page, "link questionnaire")

    # Sending with one answer missing keeps what was chosen (on the page and, unscored, in the record)
    # and names the question.
    for number, label in enumerate(GAD7_ANSWERS[:-1], start=1):
        _choose(page, number, label)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Your answers so far are saved.")).to_be_visible()
    expect(page.locator("#question-7")).to_contain_text("Please choose an answer to this question.")
    expect(page.locator("#question-2").get_by_label("More than half the days")).to_be_checked()
    shoot(page, "02-link-missing-answer")
    assert not Administration.objects.get().is_complete

    _choose(page, 7, GAD7_ANSWERS[-1])
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you — your answers were sent")
    expect(page.get_by_text("nobody watches these answers as they arrive")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    shoot(page, "03-link-thanks")
    _no_blocking(axe, page, "link thanks")
    administration = Administration.objects.get()
    assert (administration.instrument, administration.total, administration.mode) == ("gad7", 5, "link")
    assert MeasureLink.objects.get(pk=link.pk).status == "completed"

    # The link works once: opening it again says only that it no longer works (a 404, as expected).
    page_watch.allow(r"status of 404")
    response = page.goto(f"/m/{token}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    shoot(page, "04-link-gone")


def test_a_risk_answer_brings_up_the_crisis_resources_at_once(page, new_page, shoot, axe, therapist, client_record):
    _, token = link_create(by=therapist, client=client_record, instrument="phq9", recipient="Maya")
    phone = new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"/m/{token}/")
    _choose(phone, 9, "Several days")
    expect(phone.locator("#crisis-now")).to_be_visible()
    shoot(phone, "00-phone")
    page.goto(f"/m/{token}/")
    crisis = page.locator("#crisis-now")
    expect(crisis).to_be_hidden()
    _choose(page, 9, "Several days")
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("Please reach out now")
    shoot(page, "01-risk-chosen")
    _choose(page, 9, "Not at all")
    expect(crisis).to_be_hidden()
    for number in range(1, 9):
        _choose(page, number, "Several days")
    _choose(page, 9, "More than half the days")
    page.get_by_role("button", name="Send my answers").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Please reach out now")
    expect(alert).to_contain_text("988")
    shoot(page, "02-risk-thanks")
    _no_blocking(axe, page, "risk thanks")
    assert RiskAlert.objects.filter(administration__risk=True).count() == 1


def test_a_link_closed_after_a_risk_answer_still_alerts_the_therapist(
    page, new_page, sign_in, shoot, therapist, client_record
):
    """A client opens a PHQ-9 link, answers item 9 = 2, skips item 4 and closes the tab, never sending it."""
    _, token = link_create(by=therapist, client=client_record, instrument="phq9", recipient="Maya")
    phone = new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"/m/{token}/")
    for number in (1, 2, 3, 5, 6, 7, 8):
        _choose(phone, number, "Several days")
    _choose(phone, 9, "More than half the days")
    expect(phone.locator("#crisis-now")).to_be_visible()
    phone.close()

    kept = Administration.objects.get()
    assert not kept.is_complete and kept.answers[3] is None and kept.answers[8] == 2 and kept.mode == "link"
    sign_in(page, therapist)
    alerts = page.locator(".panel-alerts")
    expect(alerts).to_contain_text(client_record.display_name)
    shoot(page, "01-dashboard-alert")
    page.goto(f"/clients/{client_record.pk}/measures/{kept.pk}/")
    expect(page.get_by_role("heading", name="Incomplete — not scored")).to_be_visible()
    expect(page.locator("body")).to_contain_text("8 of 9 items were answered")


def _start_handoff(page, therapist, client_record, session):
    """What measures:handoff_start stores, written into the browser's signed-in session."""
    from importlib import import_module

    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    store["measures_handoff"] = {
        "client_id": client_record.pk,
        "instrument": "phq9",
        "session_id": session.pk,
        "by": therapist.pk,
    }
    store.save()


def test_the_tablet_handoff_shows_only_the_questionnaire(page, sign_in, shoot, axe, therapist, client_record):
    session = SessionFactory(client=client_record, therapist=therapist)
    sign_in(page, therapist)
    _start_handoff(page, therapist, client_record, session)
    page.goto("/measures/handoff/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("PHQ-9")
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(client_record.legal_last_name)
    shoot(page, "01-handoff-questionnaire")
    _no_blocking(axe, page, "handoff questionnaire")
    if "artchart.measures.middleware.HandoffMiddleware" in settings.MIDDLEWARE:
        page.goto(f"/clients/{client_record.pk}/")
        assert page.url.endswith("/measures/handoff/")
    for number in range(1, 10):
        _choose(page, number, "Not at all" if number > 3 else "Several days")
    page.get_by_role("button", name="I’m done").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you — please hand the tablet back")
    shoot(page, "02-handoff-thanks")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you — please hand the tablet back")

    page.get_by_role("link", name="Therapist: return to ArtChart").click()
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Return to the record").click()
    expect(page.get_by_text("That is not the password of Tess Rivera")).to_be_visible()
    shoot(page, "03-handoff-wrong-password")
    _no_blocking(axe, page, "handoff return")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Return to the record").click()
    expect(page.get_by_text("Welcome back. The questionnaire was saved.")).to_be_visible()
    shoot(page, "04-handoff-back")
    administration = Administration.objects.get()
    assert (administration.mode, administration.total, administration.session_id) == ("tablet", 3, session.pk)


def test_the_program_page_shows_effect_sizes(page, sign_in, shoot, axe, therapist, programadmin, site):
    today = timezone.localdate()
    for number, (pre, post) in enumerate([(20, 8), (18, 10), (16, 14), (22, 9), (15, 16), (19, 7)]):
        person = ClientFactory(site=site, legal_first_name=f"Kim{number}", legal_last_name=f"Ito{number}")
        CareTeamFactory(client=person, user=therapist, role="primary")
        for days_ago, total in ((60, pre), (5, post)):
            answers = []
            for _ in range(8):
                answers.append(min(3, total))
                total -= answers[-1]
            administration_record(
                by=therapist,
                client=person,
                instrument="phq9",
                answers=answers + [0],
                administered_on=today - dt.timedelta(days=days_ago),
            )
    sign_in(page, programadmin)
    page.goto("/measures/programs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Program effectiveness")
    figures = page.get_by_role("region", name="PHQ-9 — 6 clients with a first and a last score")
    expect(figures).to_contain_text("Hedges’ gz")
    expect(figures).to_contain_text("95 % CI")
    expect(figures).to_contain_text("large effect")
    expect(page.locator("body")).not_to_contain_text("Ito0")
    shoot(page, "01-program-figures")
    _no_blocking(axe, page, "program figures")
    page.get_by_label("Site").select_option(label=site.name)
    page.get_by_label("From").fill((today - dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_text("no figures are shown so no one can be singled out")).to_be_visible()
    shoot(page, "02-program-too-few")
    with page.expect_download() as download:
        page.goto("/measures/programs/")
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename.startswith("program-effectiveness-")


def test_an_admin_sets_the_crisis_resources_a_link_shows(
    page, new_page, sign_in, shoot, axe, admin, therapist, client_record
):
    sign_in(page, admin)
    page.goto("/manage/crisis-resources/")
    expect(page.get_by_text("has not set its own text")).to_be_visible()
    shoot(page, "01-crisis-default")
    _no_blocking(axe, page, "crisis resources")
    page.get_by_label("What a client in crisis is told").fill(
        "Call the Riverbend crisis line, 555-0100, day and night. In danger now: call 911."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The crisis resources were saved.")).to_be_visible()
    shoot(page, "02-crisis-saved")
    _, token = link_create(by=therapist, client=client_record, instrument="gad7", recipient="Maya")
    client_page = new_page()
    client_page.goto(f"/m/{token}/")
    expect(client_page.get_by_text("Riverbend crisis line, 555-0100")).to_be_visible()

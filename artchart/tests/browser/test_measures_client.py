"""Measures tried as a new user would, through the pages: a PHQ-9 with
item 9 above 0 entered in a session raises the alert, which shows on the dashboard and the chart
until it is acknowledged by writing a safety plan; the trajectory shows reliable improvement.
Only the client, the session and an intake PHQ-9 are arranged; everything else is clicked and typed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from artchart.measures.models import Administration, RiskAlert
from artchart.measures.services.administrations import administration_record
from artchart.plans.models import Goal, Problem, TreatmentPlan
from artchart.tests.factories import SessionFactory

pytestmark = pytest.mark.browser


def _no_blocking(axe, page, label: str) -> None:
    violations = axe(page, label)
    assert not violations.blocking, violations.describe(violations.blocking)


def test_a_risk_answer_in_session_raises_the_alert_until_a_safety_plan_is_signed(
    page, sign_in, shoot, axe, therapist, client_record
):
    # Intake, six weeks ago: PHQ-9 19 (moderately severe).
    administration_record(
        by=therapist,
        client=client_record,
        instrument="phq9",
        answers=[3, 3, 2, 2, 2, 2, 2, 3, 0],
        administered_on=timezone.localdate() - dt.timedelta(weeks=6),
    )
    session = SessionFactory(
        client=client_record, therapist=therapist, status="completed", starts_at=timezone.now() - dt.timedelta(hours=2)
    )
    plan = TreatmentPlan.objects.create(client=client_record, version=1, author=therapist)
    Goal.objects.create(
        problem=Problem.objects.create(plan=plan, statement="Low mood"),
        statement="Names a feeling in session",
        level_0="Names one feeling with a prompt",
        level_plus_1="Names one feeling unprompted",
    )
    sign_in(page, therapist)

    # From the session's page, record a PHQ-9 in this session.
    page.goto(f"/sessions/{session.pk}/")
    card = page.locator("section", has=page.get_by_role("heading", name="Measures in this session"))
    expect(card).to_contain_text("None recorded in this session.")
    card.get_by_role("link", name="Record a measure").click()
    page.wait_for_load_state()
    with page.expect_navigation():
        page.get_by_role("combobox", name="Measure").select_option("phq9")  # choosing it shows its questions at once
    expect(page.get_by_role("heading", name=re.compile("^PHQ-9"))).to_be_visible()
    expect(page.get_by_label("Session")).to_have_value(str(session.pk))
    for number, value in enumerate([1, 1, 1, 2, 1, 1, 1, 1, 1], start=1):  # 10, item 9 "Several days"
        page.check(f'input[name="item_{number}"][value="{value}"]')
    page.check('input[name="extra_difficulty"][value="1"]')
    shoot(page, "01-phq9-filled")
    _no_blocking(axe, page, "administer")
    page.get_by_role("button", name="Save").click()

    # The result: every answer beside the total, and the alert.
    expect(page.get_by_role("heading", level=1)).to_contain_text("PHQ-9 on")
    expect(page.get_by_text("This measure raised a risk alert")).to_be_visible()
    expect(page.locator(".kpi", has_text="Total")).to_contain_text("10")
    expect(page.locator("li.is-flagged")).to_contain_text("Several days (1)")
    shoot(page, "02-result-with-alert")
    assert RiskAlert.objects.filter(acknowledged_at__isnull=True).count() == 1
    assert Administration.objects.get(session=session).total == 10

    # The dashboard and the chart both show it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    alerts = page.locator("section", has=page.get_by_role("heading", name="Risk alerts"))
    expect(alerts).to_contain_text("Maya Lopez")
    expect(alerts).to_contain_text("PHQ-9")
    shoot(page, "03-dashboard-alert")
    _no_blocking(axe, page, "dashboard")
    page.goto(f"/clients/{client_record.pk}/")
    measures_card = page.locator("section", has=page.get_by_role("heading", name="Measures", exact=True))
    expect(measures_card).to_contain_text("Risk alert:")
    shoot(page, "04-chart-card")

    # Acknowledge it by writing a safety plan: one with no one to contact is refused, a whole one
    # is signed and clears the alert everywhere.
    measures_card.get_by_role("link", name="Acknowledge").click()
    expect(page.get_by_role("heading", name="The answers that raised it")).to_be_visible()
    page.get_by_role("link", name="Write a safety plan").click()
    expect(page.get_by_label(re.compile("^Crisis line"))).to_contain_text("988")
    page.get_by_label(re.compile("^1. Warning signs")).fill("Staying in bed all day\nNot answering texts")
    page.get_by_role("button", name="Sign the safety plan").click()
    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    page.get_by_label(re.compile("^4. People I can ask for help")).fill("Aunt Rosa — 555 0101")
    shoot(page, "05-safety-plan")
    _no_blocking(axe, page, "safety plan")
    page.get_by_role("button", name="Sign the safety plan").click()
    expect(page.get_by_text("the risk alert is acknowledged")).to_be_visible()
    expect(page.get_by_text("Aunt Rosa — 555 0101")).to_be_visible()
    assert not RiskAlert.objects.filter(acknowledged_at__isnull=True).exists()
    page.goto(f"/clients/{client_record.pk}/measures/")

    # The trajectory: 19 at intake to 10 now is a reliable improvement by the published PHQ-9 rule.
    course = page.locator(".measure-course")
    expect(course).to_contain_text("Reliable improvement: from 19 to 10 over 2 administrations.")
    expect(page.get_by_text(re.compile("Rule used: PHQ-9 published threshold: a drop of 6 or more"))).to_be_visible()
    expect(page.locator("svg.measures-trajectory circle.point")).to_have_count(2)
    page.locator("details.measure-answers summary").first.click()
    expect(page.locator("details.measure-answers").first).to_contain_text("Little interest or pleasure in doing things")
    shoot(page, "06-trajectory")
    _no_blocking(axe, page, "measures")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Risk alerts")).to_have_count(0)


def test_a_link_is_shown_once_and_a_goal_is_rated(page, sign_in, shoot, axe, therapist, client_record):
    plan = TreatmentPlan.objects.create(client=client_record, version=1, author=therapist)
    goal = Goal.objects.create(
        problem=Problem.objects.create(plan=plan, statement="Low mood"),
        statement="Names a feeling in session",
        level_minus_1="Names none",
        level_0="Names one feeling with a prompt",
        level_plus_1="Names one unprompted",
    )
    sign_in(page, therapist)
    page.goto(f"/clients/{client_record.pk}/measures/")
    expect(page.get_by_text("No measures recorded yet.")).to_be_visible()
    page.get_by_role("link", name="Send a link").first.click()
    page.get_by_role("combobox", name="Measure").select_option("gad7")
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", name="The link, shown this once")).to_be_visible()
    expect(page.locator("svg.segno")).to_be_visible()
    expect(page.get_by_label("Link", exact=True)).to_have_value(re.compile(r"^http://.+/m/.+/$"))
    shoot(page, "01-link-shown-once")
    _no_blocking(axe, page, "link")
    page.get_by_role("link", name="Done").click()
    expect(page.locator("#h-links").locator("xpath=..")).to_contain_text("Waiting")

    page.get_by_role("link", name="Rate this goal").click()
    page.get_by_label(re.compile("somewhat more than expected: Names one unprompted")).check()
    page.get_by_role("button", name="Save the rating").click()
    expect(page.get_by_text(re.compile(r"GAS T-score: 6\d\.\d"))).to_be_visible()
    shoot(page, "02-gas")
    assert goal.attainments.get().level == 1


@pytest.mark.parametrize(
    "viewport", [{"width": 1024, "height": 768}, {"width": 390, "height": 844}], ids=["tablet", "phone"]
)
def test_the_alert_and_safety_plan_pages_fit_a_tablet_and_a_phone(
    new_page, sign_in, shoot, therapist, client_record, viewport
):
    from artchart.measures.models import DEFAULT_CRISIS_RESOURCES
    from artchart.measures.services.safety import safety_plan_sign

    plan = safety_plan_sign(
        by=therapist,
        client=client_record,
        crisis_resources=DEFAULT_CRISIS_RESOURCES,
        warning_signs=["Staying in bed all day"],
        help_contacts=["Aunt Rosa — 555 0101"],
        reviewed_on=timezone.localdate(),
    )
    alert = administration_record(
        by=therapist, client=client_record, instrument="phq9", answers=[1] * 9, administered_on=timezone.localdate()
    ).alert
    page = new_page(viewport=viewport)
    sign_in(page, therapist)
    base = f"/clients/{client_record.pk}"
    for path in [
        f"{base}/measures/alerts/{alert.pk}/",
        f"{base}/safety-plan/",
        f"{base}/safety-plan/new/",
        f"{base}/safety-plan/{plan.pk}/print/",
    ]:
        page.goto(path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {viewport['width']}px"
    page.goto(f"{base}/measures/alerts/{alert.pk}/")
    shoot(page, "alert-choices")
    # Touch targets of at least 44 px: the main action, a reason to choose, the review button.
    for control in [
        page.get_by_role("link", name="Write a new version of the safety plan"),
        page.locator("label.check", has_text="Client declined"),
        page.get_by_role("button", name="Reviewed the safety plan with the client"),
    ]:
        assert control.bounding_box()["height"] >= 44

"""The hours log on the demo practice, as the intern and her supervisor use it on a tablet and a
phone: finger-sized targets, no sideways scroll, and a week logged then confirmed."""

import datetime as dt

import pytest
from django.utils import timezone

from artchart.core.models import User
from artchart.supervision.models import HoursEntry, HoursStatus
from artchart.supervision.selectors import week_start
from artchart.tests.browser.test_touch_targets import DEMO_PASSWORD, PHONE, TABLET, TARGETS_TOO_SMALL

pytestmark = pytest.mark.browser


def _problems(page, paths) -> dict:
    found = {}
    for path in paths:
        page.goto(path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        small = page.evaluate(TARGETS_TOO_SMALL, 44)
        if overflow > 0 or small:
            found[path] = {"scrolls sideways by": overflow, "too small": small}
    return found


def test_the_intern_logs_a_week_and_the_supervisor_confirms_it(new_page, sign_in, shoot, load_demo):
    load_demo()
    intern = User.objects.get(username="intern")
    supervisor = User.objects.get(username="supervisor")
    this_week = week_start(timezone.localdate())
    last_week = this_week - dt.timedelta(days=7)
    problems = {}
    for size, viewport, options in [("tablet", TABLET, {}), ("phone", PHONE, {"is_mobile": True})]:
        page = new_page(viewport=viewport, has_touch=True, **options)
        sign_in(page, intern, password=DEMO_PASSWORD)
        own = f"/hours/{intern.pk}/"
        problems |= {
            f"{size} {path}": found
            for path, found in _problems(
                page,
                [own, f"{own}?week={last_week}", f"{own}progress/", f"{own}from-sessions/", f"{own}print/"],
            ).items()
        }
        shoot(page, f"intern-{size}")
    assert not problems, problems

    # This week, on the tablet: two days of direct hours and an hour of individual supervision.
    page = new_page(viewport=TABLET, has_touch=True)
    sign_in(page, intern, password=DEMO_PASSWORD)
    page.goto(f"/hours/{intern.pk}/?week={this_week}")
    page.get_by_label(f"Direct client contact, {this_week:%A} {this_week.day} {this_week:%B}").fill("4")
    page.get_by_label(f"Individual supervision, {this_week:%A} {this_week.day} {this_week:%B}").fill("1")
    page.get_by_role("button", name="Log the week's hours").click()
    page.get_by_text("Logged 1 day(s) of hours").wait_for()
    entry = HoursEntry.objects.get(supervisee=intern, date=this_week)
    assert (entry.direct_hours, entry.individual_hours, entry.status) == (4, 1, HoursStatus.ENTERED)

    for size, viewport, options in [("tablet", TABLET, {}), ("phone", PHONE, {"is_mobile": True})]:
        page = new_page(viewport=viewport, has_touch=True, **options)
        sign_in(page, supervisor, password=DEMO_PASSWORD)
        found = _problems(page, ["/hours/supervisees/", f"/hours/{intern.pk}/progress/"])
        assert not found, (size, found)
        shoot(page, f"supervisor-{size}")
    page.goto("/hours/supervisees/")
    page.get_by_role("button", name=f"Confirm the hours of {this_week.day} {this_week:%B}").click()
    page.get_by_text("The hours were confirmed.").wait_for()
    entry.refresh_from_db()
    assert entry.status == HoursStatus.CONFIRMED

"""The materials pages and the session's materials card on the demo practice, at tablet
(1024 × 768, touch) and phone (390 px) size: every control a finger aims at is at least 44 px
and no page scrolls sideways. The therapist who went ahead with the memory-care clay opens that
session; the program administrator opens the catalogue, the sites' rules and a site's form."""

import pytest

from artchart.core.models import Site, User
from artchart.programs.models import Directive
from artchart.supplies.models import SafetyOverride
from artchart.tests.browser.test_touch_targets import DEMO_PASSWORD, PHONE, TABLET, TARGETS_TOO_SMALL

pytestmark = pytest.mark.browser


def test_supplies_pages_have_finger_sized_targets_and_no_sideways_scroll(new_page, sign_in, shoot, load_demo):
    load_demo()
    override = SafetyOverride.objects.select_related("session", "by").get()
    directive = Directive.objects.get(name="Inside/outside mask")
    site = Site.objects.get(name="Northfield Forensic Unit")
    visits = [
        (override.by, [f"/sessions/{override.session_id}/", f"/programs/directives/{directive.pk}/materials/"]),
        (
            User.objects.get(username="programadmin"),
            ["/materials/", "/materials/sites/", f"/materials/sites/{site.pk}/", "/materials/?category=tools"],
        ),
    ]
    problems = {}
    for size, viewport, options in [("tablet", TABLET, {}), ("phone", PHONE, {"is_mobile": True})]:
        for user, paths in visits:
            page = new_page(viewport=viewport, has_touch=True, **options)
            sign_in(page, user, password=DEMO_PASSWORD)
            for path in paths:
                page.goto(path)
                overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                small = page.evaluate(TARGETS_TOO_SMALL, 44)
                if overflow > 0 or small:
                    problems[f"{size} {path}"] = {"scrolls sideways by": overflow, "too small": small}
            shoot(page, f"{size}-{user.username}")
    assert not problems, problems

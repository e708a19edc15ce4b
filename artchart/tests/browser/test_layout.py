"""Tablets and phones: the pages fit the screen, with no sideways scrolling."""

import pytest
from playwright.sync_api import expect

from artchart.tests.factories import ConsentFactory, ContactFactory, GatheredInfoFactory

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}
PHONE = {"width": 390, "height": 844}


def _overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet", "phone"])
def test_tablet_layout(new_page, sign_in, shoot, therapist, client_record, viewport):
    client_record.latex_allergy = True
    client_record.precautions_note = "Uses the quiet corner; no glitter (sensory)."
    client_record.address = "41 Orchard Lane\nRiverbend"
    client_record.save()
    ContactFactory(
        client=client_record,
        name="Rosa Lopez",
        relationship="Mother",
        is_guardian=True,
        phone="555-0134",
        email="rosa.lopez@example.org",
    )
    ConsentFactory(client=client_record, recorded_by=therapist)
    GatheredInfoFactory(client=client_record, author=therapist, body="Chose clay first; worked for 40 minutes.")
    page = new_page(viewport=viewport)
    sign_in(page, therapist)

    for path in [
        f"/clients/{client_record.pk}/",
        "/clients/",
        f"/clients/{client_record.pk}/edit/",
        f"/clients/{client_record.pk}/consents/new/",
        "/",
    ]:
        page.goto(path)
        assert _overflow(page) <= 0, f"{path} scrolls sideways by {_overflow(page)}px at {viewport['width']}px"

    page.goto(f"/clients/{client_record.pk}/")
    expect(page.get_by_role("note", name="Precautions")).to_be_visible()
    # Touch targets: the main actions are at least 44 px high (WCAG 2.5.5).
    edit = page.get_by_role("link", name="Edit record and precautions")
    assert edit.bounding_box()["height"] >= 44
    shoot(page, "chart")


TOUCH_TABLET = {"width": 1024, "height": 768}
TARGET = 44  # px, WCAG 2.5.5


def _menu_link_boxes(page) -> list[dict]:
    return [link.bounding_box() for link in page.locator("#main-menu a, #account-menu a").all()]


def test_the_menu_folds_on_a_phone_and_every_entry_is_a_finger_wide(new_page, sign_in, shoot, therapist):
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    sign_in(page, therapist)
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    assert toggle.bounding_box()["height"] >= TARGET
    shoot(page, "folded")

    toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Schedule")).to_be_visible()
    boxes = _menu_link_boxes(page)
    assert boxes and all(box["height"] >= TARGET and box["width"] >= TARGET for box in boxes)
    sign_out = page.get_by_role("button", name="Sign out")
    assert sign_out.bounding_box()["height"] >= TARGET
    assert _overflow(page) <= 0
    shoot(page, "open")

    toggle.tap()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()


def test_on_a_tablet_the_menu_stays_open_with_finger_sized_entries(new_page, sign_in, therapist):
    page = new_page(viewport=TOUCH_TABLET, has_touch=True)
    sign_in(page, therapist)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    boxes = _menu_link_boxes(page)
    assert boxes and all(box["height"] >= TARGET and box["width"] >= TARGET for box in boxes)

"""A page the computer could not find, fixed on a tablet: the artwork page says so, the therapist
drags the four corners onto the sheet with a finger (and nudges one with the keyboard), and the
drawing is measured on the straightened page. Screens at 1024 × 768 and 390 px wide."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from artchart.artworks.models import Analysis
from artchart.artworks.services.artworks import artwork_create
from artchart.imaging import FEATURES_VERSION
from artchart.imaging.corners import CROSSED
from artchart.tests.factories import SHEET_AT_EDGE_CORNERS, photo_upload, record_consent, sheet_at_edge_jpeg

pytestmark = pytest.mark.browser

TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
# Where each corner is dragged to, in pixels of the 1000 × 700 photo: the sheet's corners,
# a little inside so a finger lands on the photo.
TARGETS = [[4, 154], [596, 154], [596, 546], [4, 546]]


def _touch_drag(page, cdp, start: tuple[float, float], end: tuple[float, float], steps: int = 8) -> None:
    """A finger on the screen: touch start, moves, touch end (Chromium makes them pointer events)."""
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": start[0], "y": start[1]}]})
    for step in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * step / steps
        y = start[1] + (end[1] - start[1]) * step / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def _centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _on_screen(page, x: float, y: float) -> tuple[float, float]:
    box = page.locator("#corners-stage img").bounding_box()
    return box["x"] + x / 1000 * box["width"], box["y"] + y / 700 * box["height"]


def _drag_corner(page, cdp, index: int, target) -> None:
    _touch_drag(page, cdp, _centre(page.locator(f".corner-handle[data-corner='{index}']")), _on_screen(page, *target))


def test_therapist_drags_the_corners_by_touch_and_the_page_is_measured(
    new_page, sign_in, shoot, axe, images_from_storage, therapist, client_record
):
    record_consent(client_record, therapist)
    artwork = artwork_create(
        by=therapist,
        client=client_record,
        photos=[photo_upload("table.jpg", data=sheet_at_edge_jpeg())],
        made_on=dt.date(2026, 2, 10),
        title="House and tree",
    )
    photo = artwork.photos.get()
    page = new_page(TABLET, has_touch=True)
    images_from_storage(page)
    sign_in(page, therapist)

    page.goto(reverse("artworks:detail", args=[client_record.pk, artwork.pk]))
    notice = page.locator(".page-notice")
    expect(notice).to_contain_text("Page not found")
    expect(page.locator("table.features")).to_have_count(0)
    shoot(page, "01-not-found-1024")
    notice.get_by_role("link", name="Mark the page's corners").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mark the page")
    handles = page.locator(".corner-handle")
    expect(handles).to_have_count(4)
    for i in range(4):
        # The handles are placed once the photo has loaded: wait for that, or there is no box yet.
        expect(handles.nth(i)).to_be_visible()
        box = handles.nth(i).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
    for control in page.locator("#corners-form input[type=number], #corners-form button[type=submit]").all():
        assert control.bounding_box()["height"] >= 44
    violations = axe(page, "corners")
    assert not violations.blocking, violations.describe(violations.blocking)
    shoot(page, "02-corners-start-1024")

    cdp = page.context.new_cdp_session(page)
    # A finger only reaches what is on the screen: the whole photo, with its handles, in view.
    page.evaluate("document.getElementById('corners-stage').scrollIntoView({block: 'center'})")
    # Crossing two sides is said at once, before anything is sent.
    _drag_corner(page, cdp, 0, [950, 400])
    expect(page.locator("#corners-check")).to_contain_text(CROSSED)
    expect(page.locator("#corners-page")).to_have_class("is-refused")
    shoot(page, "03-crossed-1024")
    for index, target in enumerate(TARGETS):
        _drag_corner(page, cdp, index, target)
    expect(page.locator("#corners-check")).to_have_text("")
    # Photo pixels per screen pixel, and a little more for where a finger lands.
    scale = 1000 / page.locator("#corners-stage img").bounding_box()["width"]
    for index, (x, y) in enumerate(TARGETS):
        assert abs(float(page.locator(f"[name=x{index}]").input_value()) - x) <= 2 * scale + 1
        assert abs(float(page.locator(f"[name=y{index}]").input_value()) - y) <= 2 * scale + 1
    # The keyboard moves a focused corner: two steps left, to the photo's edge.
    page.locator(".corner-handle[data-corner='3']").focus()
    before = float(page.locator("[name=x3]").input_value())
    page.keyboard.press("ArrowLeft")
    assert float(page.locator("[name=x3]").input_value()) < before
    page.keyboard.press("Shift+ArrowLeft")
    assert page.locator("[name=x3]").input_value() == "0"
    shoot(page, "04-corners-placed-1024")

    page.get_by_role("button", name="Measure the drawing on this page").click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text("The page is marked")
    expect(page.locator(".page-notice")).to_have_count(0)
    expect(page.get_by_text("Measured on the page whose corners were marked by hand.")).to_be_visible()
    expect(page.locator("table.features")).to_be_visible()
    expect(page.locator("img.page-thumb")).to_be_visible()
    shoot(page, "05-measured-1024")
    features = Analysis.objects.get(photo=photo, version=FEATURES_VERSION).features
    assert features["page_source"] == "corners" and features["coverage"] > 0
    corners = features["page_corners"]
    for (x, y), (want_x, want_y) in zip(corners, SHEET_AT_EDGE_CORNERS, strict=True):
        assert abs(x - want_x) <= 12 and abs(y - want_y) <= 12

    # The timeline shows the straightened page now.
    page.goto(reverse("artworks:timeline", args=[client_record.pk]))
    expect(page.locator(f"img[src*='/artworks/images/{photo.pk}/page_small/']")).to_be_visible()
    expect(page.get_by_text("Analysed without a page")).to_have_count(0)


def test_the_corner_page_fits_a_phone_and_refuses_crossed_corners_typed_without_dragging(
    new_page, sign_in, shoot, images_from_storage, page_watch, therapist, client_record
):
    record_consent(client_record, therapist)
    artwork = artwork_create(
        by=therapist,
        client=client_record,
        photos=[photo_upload("table.jpg", data=sheet_at_edge_jpeg())],
        made_on=dt.date(2026, 2, 10),
    )
    photo = artwork.photos.get()
    page = new_page(PHONE, has_touch=True)
    images_from_storage(page)
    sign_in(page, therapist)
    page.goto(reverse("artworks:photo_corners", args=[client_record.pk, artwork.pk, photo.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for i in range(4):
        box = page.locator(".corner-handle").nth(i).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    shoot(page, "01-corners-390")
    # Typed numbers that make a bow tie: the page warns, the server refuses with the reason.
    for name, value in (("x1", "600"), ("y1", "550"), ("x2", "600"), ("y2", "150")):
        page.locator(f"[name={name}]").fill(value)
    expect(page.locator("#corners-check")).to_contain_text(CROSSED)
    page_watch.allow(r"status of 400 \(Bad Request\)")  # the refused form comes back as a 400
    page.get_by_role("button", name="Measure the drawing on this page").click()
    expect(page.locator(".form-errors")).to_contain_text(CROSSED)
    expect(page.locator("#corners-check")).to_have_text("")  # said once, by the server
    shoot(page, "02-refused-390")
    photo.refresh_from_db()
    assert photo.page_corners is None

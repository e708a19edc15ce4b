"""Artwork tried as a new user would, through the pages only: filing, viewing and marking a piece.

A therapist opens the session, files two photographed drawings at once from the session page, sees
them on the client's timeline with thumbnails, opens one (photo, palette, features), marks it as a
PPAT drawing and rates it on FEATS; the intern rates it too; the computer's estimates sit in a block of
their own, not among the ratings; the agreement page gives each FEATS scale its own line. A
hostile file (a web page named .jpg) is refused with a message and nothing is filed. Only people,
the client, the consent and the session are arranged with factories.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from artchart.artworks.models import FEATS_SCALES, Artwork, Rating
from artchart.tests.factories import SessionFactory, jpeg_bytes, record_consent

pytestmark = pytest.mark.browser


def _file(name: str, data: bytes, mime: str = "image/jpeg") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def _rate(page, value: str) -> None:
    for key, name in FEATS_SCALES:
        expect(page.locator(f"label[for=id_{key}]")).to_contain_text(name)
        page.locator(f"#id_{key}").select_option(value)
    page.get_by_role("button", name="Sign and save the rating").click()
    expect(page.get_by_text("Your rating is signed and saved.")).to_be_visible()


def test_photos_filed_from_the_session_are_seen_rated_and_compared(
    page, sign_in, shoot, axe, page_watch, images_from_storage, therapist, intern, client_record
):
    page_watch.allow(r"status of 400")  # the refused upload answers 400 on purpose
    images_from_storage(page)
    record_consent(client_record, therapist)
    session = SessionFactory(client=client_record, therapist=therapist)
    sign_in(page, therapist)

    # From the session page: a hostile file first, then two drawings at once.
    page.goto(f"/sessions/{session.pk}/")
    page.get_by_role("link", name="Add photos").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Artwork made in the session")
    row = f"#photos-{client_record.pk}"
    pieces = page.locator("[data-piece]")
    page.set_input_files(row, [_file("drawing.jpg", b"<html><script>alert(1)</script></html>")])
    pieces.first.get_by_label("Media").select_option("marker")
    page.get_by_role("button", name="File the artwork").click()
    expect(pieces.first).to_contain_text("This photo was not filed: drawing.jpg")
    shoot(page, "01-hostile-file-refused")
    assert not Artwork.objects.exists()
    pieces.first.get_by_role("button", name="Remove").click()
    expect(pieces).to_have_count(0)

    page.set_input_files(
        row,
        [
            _file("tree.jpg", jpeg_bytes(900, 700, (40, 120, 60), seed=1)),
            _file("house.jpg", jpeg_bytes(900, 700, (200, 60, 40), seed=2)),
        ],
    )
    expect(pieces).to_have_count(2)
    for index, title in enumerate(("Tree", "House")):
        pieces.nth(index).get_by_label("Title").fill(title)
        pieces.nth(index).get_by_label("Media").select_option("marker")
    shoot(page, "02-session-upload")
    page.get_by_role("button", name="File the artwork").click()
    expect(page.get_by_text("Filed 2 piece(s).")).to_be_visible()
    page.get_by_role("link", name="Back to the session").click()
    expect(page.get_by_role("heading", name="Artwork made in this session")).to_be_visible()
    shoot(page, "03-session-page-with-artwork")
    assert Artwork.objects.filter(session=session).count() == 2

    # The timeline shows both with thumbnails.
    page.goto(f"/clients/{client_record.pk}/artworks/")
    thumbs = page.locator(".artwork-grid img")
    expect(thumbs).to_have_count(2)
    assert all(thumbs.nth(i).evaluate("img => img.naturalWidth") > 0 for i in range(2))
    shoot(page, "04-timeline")
    violations = axe(page, "timeline")
    assert not violations.blocking, violations.describe(violations.blocking)

    # The chart's Artwork card and the form for one more piece.
    page.goto(f"/clients/{client_record.pk}/")
    expect(page.get_by_role("heading", name="Artwork (2)")).to_be_visible()
    shoot(page, "04b-chart-card")
    page.get_by_role("link", name="Add artwork").first.click()
    expect(page.locator("input[capture=environment]")).to_have_count(1)
    shoot(page, "04c-add-artwork-form")
    page.goto(f"/clients/{client_record.pk}/artworks/")

    # The artwork page: photo, palette, features; then mark it a PPAT drawing.
    page.locator(".artwork-grid a").first.click()
    expect(page.get_by_role("heading", name="Palette")).to_be_visible()
    expect(page.get_by_text("Page covered")).to_be_visible()
    assert page.locator(".photo-main img").evaluate("img => img.naturalWidth") > 0
    page.locator(".photo-main").click()
    expect(page.locator("#zoom")).to_be_visible()
    shoot(page, "05-zoom")
    page.get_by_role("button", name="Close").click()
    page.get_by_role("link", name="Edit details").click()
    page.get_by_label("Assessment", exact=True).select_option(label="PPAT — Person Picking an Apple from a Tree")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    artwork_url = page.url
    page.get_by_role("link", name="Rate on FEATS").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("on FEATS")
    shoot(page, "06-rate")
    _rate(page, "3")

    # The intern rates it too.
    page.context.clear_cookies()
    sign_in(page, intern)
    page.goto(artwork_url)
    page.get_by_role("link", name="Rate on FEATS").click()
    _rate(page, "2.5")
    expect(page.get_by_role("heading", name="Computer estimates (not ratings)")).to_be_visible()
    expect(page.locator("table.ratings")).not_to_contain_text("stimate")
    shoot(page, "07-ratings-side-by-side")
    violations = axe(page, "artwork page")
    assert not violations.blocking, violations.describe(violations.blocking)
    assert Rating.objects.count() == 2

    # Agreement, from the artwork page.
    page.get_by_role("link", name="Agreement between raters").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agreement between raters")
    expect(page.get_by_role("rowheader", name="Prominence of Color")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Perseveration")).to_be_visible()
    expect(page.get_by_text("Too few artworks: 1 rated by two or more raters").first).to_be_visible()
    shoot(page, "08-agreement")

"""The artworks studio in a browser: a mask drawn with the mouse over a photo and the de-identified
copy it makes; the retrospective on a tablet, full screen and as a printed booklet; the trends page's
SVG charts; two pieces compared through the choosers."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from artchart.artworks.models import Annotation, Photo
from artchart.artworks.services.artworks import artwork_create
from artchart.imaging import synthetic
from artchart.tests.factories import photo_upload, record_consent

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}


STYLES = ("sparse", "line", "colourful", "filled", "mandala")


def _pieces(therapist, client, n=3):
    """Photographed synthetic drawings, a different style each, a fortnight apart."""
    record_consent(client, therapist)
    pieces = []
    for i in range(n):
        image = synthetic.photograph(synthetic.drawing(i, width=900, height=600, style=STYLES[i % len(STYLES)]), seed=i)
        data = io.BytesIO()
        image.save(data, "JPEG", quality=88)
        pieces.append(
            artwork_create(
                by=therapist,
                client=client,
                photos=[photo_upload(f"piece-{i + 1}.jpg", data.getvalue())],
                title=f"Piece {i + 1}",
                statement=f"In my words: piece {i + 1}",
                observations="CLINICAL NOTE",
                made_on=dt.date(2026, 1, 5) + dt.timedelta(days=14 * i),
            )
        )
    return pieces


def _no_blocking(axe, page, label: str) -> None:
    violations = axe(page, label)
    assert not violations.blocking, violations.describe(violations.blocking)


def test_therapist_draws_a_mask_and_sees_the_deidentified_copy(
    page, sign_in, shoot, axe, images_from_storage, therapist, client_record
):
    (artwork,) = _pieces(therapist, client_record, 1)
    photo = artwork.photos.get()
    images_from_storage(page)
    sign_in(page, therapist)
    page.goto(reverse("artworks:annotate", args=[client_record.pk, artwork.pk, photo.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Annotate: Piece 1")
    expect(page.get_by_text("No annotations on this photo yet.")).to_be_visible()
    _no_blocking(axe, page, "annotate")

    # Drag from 10 % / 20 % to 50 % / 60 % of the photo.
    box = page.locator(".annotation-layer").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.4, steps=4)
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.6, steps=4)
    page.mouse.up()
    expect(page.locator("#annotate-chosen")).to_contain_text("40% wide, 40% high")
    assert abs(float(page.locator("[name=x]").input_value()) - 0.1) < 0.01
    assert abs(float(page.locator("[name=h]").input_value()) - 0.4) < 0.01
    expect(page.locator("#annotate-new")).to_have_attribute("visibility", "visible")
    page.get_by_label("Mask: cover this area").check()
    page.get_by_label("Note", exact=True).fill("Client's name")
    shoot(page, "01-drawn")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the annotation").click()

    expect(page.get_by_text("Mask added.")).to_be_visible()
    expect(page.get_by_role("heading", name="De-identified copy")).to_be_visible()
    expect(page.get_by_text("the original photo above is kept", exact=False)).to_be_visible()
    expect(page.locator("rect.annotation-cover")).to_have_count(1)
    annotation = Annotation.objects.get()
    assert annotation.kind == "cover" and annotation.note == "Client's name"
    assert abs(annotation.x - 0.1) < 0.01 and abs(annotation.w - 0.4) < 0.01
    assert Photo.objects.get(pk=photo.pk).deidentified
    shoot(page, "02-masked")
    _no_blocking(axe, page, "annotate with a mask")

    with page.expect_navigation():
        page.get_by_role("button", name="Remove this mask").click()
    expect(page.get_by_text("Mask removed.")).to_be_visible()
    expect(page.get_by_role("heading", name="De-identified copy")).to_have_count(0)


def test_retrospective_on_a_tablet_full_screen_and_as_a_booklet(
    new_page, sign_in, shoot, axe, images_from_storage, therapist, client_record
):
    _pieces(therapist, client_record, 3)
    page = new_page(viewport=TABLET)
    images_from_storage(page)
    sign_in(page, therapist)
    page.goto(reverse("artworks:retrospective", args=[client_record.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Retrospective")
    shoot(page, "01-overview")
    _no_blocking(axe, page, "retrospective")

    page.get_by_role("button", name="Show full screen").click()
    show = page.locator("#retro")
    expect(show).to_have_class("retro is-full")
    expect(page.locator(".retro-page.is-current .retro-name")).to_have_text("Maya")
    expect(page.locator(".retro-position")).to_have_text("Cover")
    shoot(page, "02-cover")
    page.keyboard.press("ArrowRight")
    expect(page.locator(".retro-page.is-current .retro-title")).to_have_text("Piece 1")
    expect(page.locator(".retro-position")).to_have_text("1 of 3")
    page.get_by_role("button", name="Next →").click()
    expect(page.locator(".retro-page.is-current .retro-title")).to_have_text("Piece 2")
    expect(page.locator(".retro-page.is-current .retro-statement")).to_have_text("In my words: piece 2")
    shoot(page, "03-piece")
    page.keyboard.press("End")
    expect(page.get_by_role("button", name="Next →")).to_be_disabled()
    page.keyboard.press("Escape")
    expect(show).not_to_have_class("retro is-full")

    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator(".retro-chrome")).to_be_hidden()
    expect(page.locator(".retro-page")).to_have_count(4)
    expect(page.locator(".retro-name")).to_be_visible()
    assert "CLINICAL NOTE" not in page.content()
    shoot(page, "04-print")
    booklet = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", booklet)) == 4  # the cover and one page per piece


def test_trends_page_draws_svg_charts(page, sign_in, shoot, axe, therapist, client_record):
    _pieces(therapist, client_record, 5)
    sign_in(page, therapist)
    page.goto(reverse("artworks:trends", args=[client_record.pk]))
    charts = page.locator("svg[role=img]")
    expect(charts).to_have_count(4)
    expect(page.locator("svg[aria-label='Page covered over treatment'] circle.point")).to_have_count(5)
    expect(page.locator("svg.palette-strip g.strip-row")).to_have_count(5)
    expect(page.get_by_text("not a diagnosis", exact=False)).to_be_visible()
    shoot(page)
    _no_blocking(axe, page, "trends")


def test_compare_two_pieces_through_the_choosers(
    page, sign_in, shoot, axe, images_from_storage, therapist, client_record
):
    first, _, third = _pieces(therapist, client_record, 3)
    images_from_storage(page)
    sign_in(page, therapist)
    page.goto(reverse("artworks:compare", args=[client_record.pk]))
    page.get_by_label("First piece").select_option(str(first.pk))
    page.get_by_label("Second piece").select_option(str(third.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Compare").click()
    expect(page.locator(".compare-side h2")).to_have_text(["Piece 1", "Piece 3"])
    expect(page.get_by_role("row", name="Page covered", exact=False)).to_be_visible()
    shoot(page)
    _no_blocking(axe, page, "compare")

"""The session's photo page on a tablet: two photos taken in a row, each given its own title, media and
client's words, shrunk on the device before they go, each with its own progress bar; one upload is cut
off on the way and tried again without touching the other, and the retry makes no second piece."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from artchart.artworks.models import Artwork
from artchart.programs.models import Directive
from artchart.tests.factories import SessionFactory, jpeg_bytes, record_consent

pytestmark = pytest.mark.browser

TABLET = {"width": 1024, "height": 768}


def _jpeg_in(body: bytes) -> Image.Image:
    """The picture carried by a multipart body (the first JPEG in it)."""
    start = body.index(b"\xff\xd8\xff")
    end = body.rindex(b"\xff\xd9") + 2
    return Image.open(io.BytesIO(body[start:end]))


def test_two_photos_taken_in_a_row_are_shrunk_sent_one_by_one_and_one_retried(
    new_page, sign_in, shoot, axe, page_watch, images_from_storage, therapist, client_record, settings
):
    # The stored size is the practice's setting; smaller than the camera's 1024 px here, so the
    # shrinking shows on the photos this test can make.
    settings.ARTWORK_STORED_LONG_SIDE = 800
    page_watch.allow(r"net::ERR_FAILED")  # the upload cut off on purpose
    record_consent(client_record, therapist)
    directive = Directive.objects.create(
        organization=client_record.organization, name="Safe-place drawing", materials="Drawing paper, oil pastels"
    )
    session = SessionFactory(client=client_record, therapist=therapist, directive=directive)
    page = new_page(TABLET, has_touch=True)
    images_from_storage(page)
    sign_in(page, therapist)

    sent: list[bytes] = []
    cut_off = {"done": False}

    def upload(route):
        body = route.request.post_data_buffer or b""
        if b"Mountain" in body and not cut_off["done"]:
            cut_off["done"] = True
            route.abort()  # the answer never arrives: the tablet lost the network
            return
        sent.append(body)
        route.continue_()

    page.route(re.compile(rf"/sessions/{session.pk}/artworks/photo/$"), upload)

    page.goto(f"/sessions/{session.pk}/")
    page.get_by_role("link", name="Add photos").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Artwork made in the session")
    target = page.locator("label.capture-target")
    box = target.bounding_box()
    assert box is not None and box["height"] >= 100 and box["width"] >= 300  # a target, not a 21 px input

    camera = f"#camera-{client_record.pk}"
    for name, seed in (("IMG_0001.jpg", 1), ("IMG_0002.jpg", 2)):  # one shot, then the next
        page.set_input_files(
            camera, [{"name": name, "mimeType": "image/jpeg", "buffer": jpeg_bytes(1024, 768, seed=seed)}]
        )
    pieces = page.locator("[data-piece]")
    expect(pieces).to_have_count(2)
    # The media comes from the directive's materials, on both, and can be changed.
    expect(pieces.nth(0).get_by_label("Media")).to_have_value("crayon")
    pieces.nth(0).get_by_label("Title").fill("Tide pool")
    pieces.nth(0).get_by_label("Client's words").fill("The water is calm here.")
    pieces.nth(1).get_by_label("Title").fill("Mountain")
    pieces.nth(1).get_by_label("Media").select_option("chalk_pastel")
    shoot(page, "01-two-photos-on-cards")
    violations = axe(page, "photo page")
    assert not violations.blocking, violations.describe(violations.blocking)

    page.get_by_role("button", name="File the artwork").click()
    expect(pieces.nth(0)).to_contain_text("Filed: Tide pool")
    expect(pieces.nth(1)).to_contain_text("The upload was interrupted")
    expect(pieces.nth(0).locator("progress")).to_have_attribute("value", "100")
    shoot(page, "02-one-filed-one-cut-off")
    assert list(Artwork.objects.values_list("title", flat=True)) == ["Tide pool"]

    pieces.nth(1).get_by_role("button", name="Try again").click()
    expect(pieces.nth(1)).to_contain_text("Filed: Mountain")
    expect(page.get_by_text("Filed 2 piece(s).")).to_be_visible()
    shoot(page, "03-both-filed")

    artworks = {a.title: a for a in Artwork.objects.filter(session=session)}
    assert set(artworks) == {"Tide pool", "Mountain"}
    assert artworks["Tide pool"].media == "crayon" and artworks["Tide pool"].statement == "The water is calm here."
    assert artworks["Mountain"].media == "chalk_pastel"
    # Shrunk on the device: what went over the wire is 800 × 600, and so is what was stored.
    assert [_jpeg_in(body).size for body in sent] == [(800, 600), (800, 600)]
    assert {(p.width, p.height) for a in artworks.values() for p in a.photos.all()} == {(800, 600)}
    # Each card shows its piece's thumbnail from the server, linked to the piece.
    for index in range(2):
        expect(pieces.nth(index).locator("a")).to_have_attribute("href", re.compile(r"/artworks/\d+/$"))
        assert pieces.nth(index).locator("img").evaluate("img => img.naturalWidth") > 0

    page.get_by_role("link", name="Back to the session").click()
    expect(page.get_by_text("Tide pool")).to_be_visible()
    expect(page.get_by_text("Mountain")).to_be_visible()


def test_without_scripts_the_same_form_files_the_photos_with_the_row_s_details(
    new_page, sign_in, page_watch, therapist, client_record
):
    page_watch.allow(r"status of 400")  # the photo sent without media is refused on purpose
    record_consent(client_record, therapist)
    session = SessionFactory(client=client_record, therapist=therapist)
    page = new_page(TABLET, java_script_enabled=False)
    sign_in(page, therapist)
    page.goto(f"/sessions/{session.pk}/artworks/")
    page.set_input_files(
        f"#camera-{client_record.pk}",
        [{"name": "IMG_0003.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(1024, 768, seed=4)}],
    )
    page.get_by_role("button", name="File the artwork").click()
    expect(page.get_by_text("Choose what the piece was made with").first).to_be_visible()
    assert not Artwork.objects.exists()

    page.set_input_files(
        f"#camera-{client_record.pk}",
        [{"name": "IMG_0003.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(1024, 768, seed=4)}],
    )
    page.get_by_label("Title").fill("Lighthouse")
    page.get_by_label("Media").select_option("ink")
    page.get_by_role("button", name="File the artwork").click()
    expect(page.get_by_text("Filed 1 piece(s): Maya Lopez (1)")).to_be_visible()
    artwork = Artwork.objects.get()
    assert (artwork.title, artwork.media, artwork.session_id) == ("Lighthouse", "ink", session.pk)

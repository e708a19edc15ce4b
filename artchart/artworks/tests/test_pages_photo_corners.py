"""The pages around a page that was not found: the artwork page says so and leads to the corner
page; corners typed or dragged there are checked; the timeline, trends and retrospective mark
pieces analysed without a page and show the straightened page where there is one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from artchart.artworks.models import Analysis, Photo
from artchart.artworks.services.artworks import artwork_create
from artchart.artworks.services.photos import NO_PAGE_ON_SCULPTURE
from artchart.artworks.views.photos import CORNERS_RESET, CORNERS_SAVED
from artchart.imaging import FEATURES_VERSION
from artchart.imaging.corners import CROSSED, OUTSIDE
from artchart.tests.factories import (
    SHEET_AT_EDGE_CORNERS,
    artwork_with_photo,
    photo_upload,
    record_consent,
    sheet_at_edge_jpeg,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unfound(therapist, client_record) -> Photo:
    record_consent(client_record, therapist)
    artwork = artwork_create(
        by=therapist,
        client=client_record,
        photos=[photo_upload("table.jpg", data=sheet_at_edge_jpeg())],
        made_on="2026-02-10",
        title="On the table",
    )
    return artwork.photos.get()


def url(name: str, photo: Photo) -> str:
    return reverse(f"artworks:{name}", args=[photo.artwork.client_id, photo.artwork_id, photo.pk])


def detail(photo: Photo) -> str:
    return reverse("artworks:detail", args=[photo.artwork.client_id, photo.artwork_id])


def fields(corners) -> dict:
    return {f"{axis}{i}": value for i, point in enumerate(corners) for axis, value in zip("xy", point, strict=True)}


def test_the_artwork_page_says_the_page_was_not_found_and_leads_to_the_corners(client, therapist, unfound) -> None:
    client.force_login(therapist)
    page = client.get(detail(unfound)).content.decode()
    assert "Page not found" in page and "no figures are given" in page
    assert url("photo_corners", unfound) in page
    assert "Page covered" not in page  # no numbers from an unstraightened photo


def test_a_viewer_without_write_is_told_who_can_mark_the_corners(client, supervisor, unfound) -> None:
    client.force_login(supervisor)
    page = client.get(detail(unfound)).content.decode()
    assert "Page not found" in page and url("photo_corners", unfound) not in page


def test_the_corner_page_offers_handles_and_the_eight_numbers(client, therapist, unfound) -> None:
    client.force_login(therapist)
    response = client.get(url("photo_corners", unfound))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="corner-handle"') == 4 and "corners.js" in page
    assert 'name="x0" value="100"' in page and 'name="y2" value="630"' in page  # inset a tenth of 1000 × 700
    assert "Page not found" in page and "Let the computer find the page instead" not in page


def test_typed_corners_measure_the_page_and_the_artwork_page_shows_it(client, therapist, unfound) -> None:
    client.force_login(therapist)
    response = client.post(url("photo_corners", unfound), fields(SHEET_AT_EDGE_CORNERS), follow=True)
    page = response.content.decode()
    assert CORNERS_SAVED in page and "Page not found" not in page
    assert "Measured on the page whose corners were marked by hand" in page
    assert reverse("artworks:image", args=[unfound.pk, "page_small"]) in page
    assert Analysis.objects.get(photo=unfound, version=FEATURES_VERSION).features["coverage"] > 0


@pytest.mark.parametrize(
    ("corners", "message"),
    [
        ([[0, 150], [1200, 150], [600, 550], [0, 550]], OUTSIDE.format(width=1000, height=700)),
        ([[0, 150], [600, 550], [600, 150], [0, 550]], CROSSED),
    ],
)
def test_bad_corners_are_refused_with_the_reason_and_nothing_changes(
    client, therapist, unfound, corners, message
) -> None:
    client.force_login(therapist)
    response = client.post(url("photo_corners", unfound), fields(corners))
    assert response.status_code == 400
    assert message in response.content.decode()
    unfound.refresh_from_db()
    assert unfound.page_corners is None and unfound.thumb_page == ""


def test_missing_numbers_are_refused(client, therapist, unfound) -> None:
    client.force_login(therapist)
    response = client.post(url("photo_corners", unfound), {"x0": "10", "y0": "abc"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_marked_corners_can_be_handed_back_to_the_computer(client, therapist, unfound) -> None:
    client.force_login(therapist)
    client.post(url("photo_corners", unfound), fields(SHEET_AT_EDGE_CORNERS))
    assert "Let the computer find the page instead" in client.get(url("photo_corners", unfound)).content.decode()
    page = client.post(url("photo_corners_reset", unfound), follow=True).content.decode()
    assert CORNERS_RESET in page and "Page not found" in page


def test_a_sculpture_has_no_corner_page(client, therapist, client_record) -> None:
    record_consent(client_record, therapist)
    artwork = artwork_create(
        by=therapist, client=client_record, photos=[photo_upload()], made_on="2026-02-10", dimension="3d"
    )
    client.force_login(therapist)
    response = client.get(url("photo_corners", artwork.photos.get()), follow=True)
    assert NO_PAGE_ON_SCULPTURE in response.content.decode()


def test_timeline_trends_and_retrospective_mark_the_piece_then_show_its_page(
    client, therapist, client_record, unfound
) -> None:
    artwork_with_photo(by=therapist, client=client_record, seed=1, title="Found one")
    artwork_with_photo(by=therapist, client=client_record, seed=2, title="Found two")
    client.force_login(therapist)
    pages = {
        name: reverse(f"artworks:{name}", args=[client_record.pk]) for name in ("timeline", "trends", "retrospective")
    }
    page_small = reverse("artworks:image", args=[unfound.pk, "page_small"])
    for name, address in pages.items():
        shown = client.get(address).content.decode()
        assert "Analysed without a page" in shown, name
        assert page_small not in shown, name
    assert (
        "1 piece was analysed without a page and is left out of the charts"
        in client.get(pages["trends"]).content.decode()
    )

    client.post(url("photo_corners", unfound), fields(SHEET_AT_EDGE_CORNERS))
    for name, address in pages.items():
        shown = client.get(address).content.decode()
        assert "Analysed without a page" not in shown, name
    assert page_small in client.get(pages["timeline"]).content.decode()
    assert page_small in client.get(pages["trends"]).content.decode()
    retrospective = client.get(pages["retrospective"]).content.decode()
    assert reverse("artworks:image", args=[unfound.pk, "page"]) in retrospective
    assert 'width="600" height="400"' in retrospective  # the page's own proportions, not the photo's

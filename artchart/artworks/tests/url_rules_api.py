"""URL access cases for the artworks API (gathered by artchart/tests/test_url_access.py).

The objects are made by ``url_rules_pages.objs`` (the pages and the API share them).
"""

from __future__ import annotations

from artchart.artworks.tests.url_rules_pages import NOTES, Rater, art
from artchart.core.permissions import Action
from artchart.tests.access_rules import Case, a

BASE = "/api/v1/clients/{client_id}/artworks"


def _upload(name: str = "drawing.jpg", seed: int = 7):
    from artchart.tests.factories import photo_upload

    return photo_upload(name, seed=seed)


def _inside(photo) -> list[list[int]]:
    """Corners of the page 10 px inside the photo's edges."""
    right, bottom = photo.width - 10, photo.height - 10
    return [[10, 10], [right, 10], [right, bottom], [10, bottom]]


def _scores() -> dict:
    from artchart.artworks.models import FEATS_SCALES

    return {key: 2.5 for key, _ in FEATS_SCALES}


RULES: dict[str, Case] = {
    "api:artworks_list": a(NOTES[Action.READ]),
    "api:artworks_create": a(
        NOTES[Action.WRITE],
        "post",
        multipart=True,
        data=lambda o: {"photos": _upload(), "title": "Studio piece", "media": "paint"},
    ),
    "api:artwork_detail": a(NOTES[Action.READ], kwargs=art()),
    "api:artwork_update": a(NOTES[Action.WRITE], "patch", kwargs=art(), data=lambda o: {"title": "Apple picking"}),
    "api:artwork_photos_add": a(
        NOTES[Action.WRITE],
        "post",
        kwargs=art(),
        multipart=True,
        data=lambda o: {"photos": _upload("side.jpg", seed=11)},
    ),
    "api:artwork_photo_download": a(
        NOTES[Action.READ], kwargs=art(photo_id=lambda o: o["photo"].pk, variant=lambda o: "original")
    ),
    "api:artwork_photo_corners_set": a(
        NOTES[Action.WRITE],
        "put",
        kwargs=art(photo_id=lambda o: o["photo"].pk),
        data=lambda o: {"corners": _inside(o["photo"])},
    ),
    "api:artwork_photo_corners_reset": a(NOTES[Action.WRITE], "delete", kwargs=art(photo_id=lambda o: o["photo"].pk)),
    "api:artwork_ratings_list": a(NOTES[Action.READ], kwargs=art()),
    # A rating is final, but each test case is its own transaction: every person rates the piece once.
    "api:artwork_ratings_create": a(
        Rater(), "post", kwargs=art(), data=lambda o: {"system": "feats", "scores": _scores(), "comment": ""}
    ),
}

# Every API operation of this area as (operationId, method, path); the schema test checks the list is whole.
API_OPERATIONS: list[tuple[str, str, str]] = [
    ("artworks_list", "GET", BASE),
    ("artworks_create", "POST", BASE),
    ("artwork_detail", "GET", BASE + "/{artwork_id}"),
    ("artwork_update", "PATCH", BASE + "/{artwork_id}"),
    ("artwork_photos_add", "POST", BASE + "/{artwork_id}/photos"),
    ("artwork_photo_corners_set", "PUT", BASE + "/{artwork_id}/photos/{photo_id}/corners"),
    ("artwork_photo_corners_reset", "DELETE", BASE + "/{artwork_id}/photos/{photo_id}/corners"),
    ("artwork_photo_download", "GET", BASE + "/{artwork_id}/photos/{photo_id}/{variant}"),
    ("artwork_ratings_list", "GET", BASE + "/{artwork_id}/ratings"),
    ("artwork_ratings_create", "POST", BASE + "/{artwork_id}/ratings"),
]


def objs(base: dict) -> dict:
    return {}

"""When the page is not found, no numbers from it; the therapist marks its corners and the
drawing is measured on the straightened page. Bad corners are refused and change nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.http import Http404

from artchart.artworks.models import Analysis, Photo
from artchart.artworks.services.artworks import artwork_create
from artchart.artworks.services.photos import (
    NO_PAGE_ON_SCULPTURE,
    photo_analyse,
    photo_reset_corners,
    photo_set_corners,
)
from artchart.artworks.stored_files import names_in_use
from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.imaging import FEATURES_VERSION
from artchart.imaging.corners import CROSSED, OUTSIDE
from artchart.imaging.derived import NOTHING_MEASURED
from artchart.tests.factories import SHEET_AT_EDGE_CORNERS, photo_upload, record_consent, sheet_at_edge_jpeg

pytestmark = pytest.mark.django_db

PAGE_LEVEL = ("coverage", "palette", "color_count", "saturation_mean", "components", "feats_estimates")


@pytest.fixture
def unfound(therapist, client_record) -> Photo:
    """A photo of a drawing whose sheet the page finder cannot find."""
    record_consent(client_record, therapist)
    artwork = artwork_create(
        by=therapist,
        client=client_record,
        photos=[photo_upload("table.jpg", data=sheet_at_edge_jpeg())],
        made_on="2026-02-10",
    )
    return artwork.photos.get()


def features(photo: Photo) -> dict:
    return Analysis.objects.get(photo=photo, version=FEATURES_VERSION).features


def test_a_photo_without_a_page_gets_no_figures_and_no_page_image(unfound) -> None:
    analysed = features(unfound)
    assert analysed["page_found"] is False and analysed["page_message"].endswith(NOTHING_MEASURED)
    assert all(analysed[key] is None for key in PAGE_LEVEL)
    unfound.refresh_from_db()
    assert unfound.thumb_small and unfound.thumb_page == "" and unfound.thumb_page_small == ""


def test_marked_corners_measure_the_drawing_on_the_straightened_page(unfound, therapist) -> None:
    photo_set_corners(by=therapist, photo=unfound, corners=SHEET_AT_EDGE_CORNERS)
    unfound.refresh_from_db()
    analysed = features(unfound)
    assert analysed["page_found"] is True and analysed["page_source"] == "corners"
    assert analysed["page_corners"] == unfound.page_corners == [[float(x), float(y)] for x, y in SHEET_AT_EDGE_CORNERS]
    assert analysed["coverage"] > 0 and analysed["color_count"] >= 2 and analysed["feats_estimates"]
    assert default_storage.exists(unfound.thumb_page) and default_storage.exists(unfound.thumb_page_small)
    assert names_in_use([unfound.thumb_page, unfound.thumb_page_small]) == {
        unfound.thumb_page,
        unfound.thumb_page_small,
    }
    event = AuditEvent.objects.filter(action="artwork.photo_corners_set").get()
    assert event.actor_id == therapist.pk and event.object_id == str(unfound.pk)
    assert event.detail == {"version": FEATURES_VERSION, "page_found": True}


@pytest.mark.parametrize(
    ("corners", "message"),
    [
        ([[-5, 150], [600, 150], [600, 550], [0, 550]], OUTSIDE.format(width=1000, height=700)),
        ([[0, 150], [600, 550], [600, 150], [0, 550]], CROSSED),
    ],
)
def test_corners_off_the_photo_or_crossed_are_refused_and_nothing_changes(unfound, therapist, corners, message) -> None:
    before = features(unfound)
    with pytest.raises(ValidationError) as refused:
        photo_set_corners(by=therapist, photo=unfound, corners=corners)
    assert refused.value.message_dict == {"corners": [message]}
    unfound.refresh_from_db()
    assert unfound.page_corners is None and unfound.thumb_page == ""
    assert features(unfound) == before
    assert not AuditEvent.objects.filter(action="artwork.photo_corners_set").exists()


def test_only_those_who_write_the_notes_may_mark_corners(unfound, teamviewer, outsider) -> None:
    with pytest.raises(PermissionDenied):
        photo_set_corners(by=teamviewer, photo=unfound, corners=SHEET_AT_EDGE_CORNERS)
    with pytest.raises(Http404):
        photo_set_corners(by=outsider, photo=unfound, corners=SHEET_AT_EDGE_CORNERS)
    unfound.refresh_from_db()
    assert unfound.page_corners is None


def test_a_sculpture_has_no_page_to_mark(therapist, client_record) -> None:
    record_consent(client_record, therapist)
    artwork = artwork_create(
        by=therapist, client=client_record, photos=[photo_upload()], made_on="2026-02-10", dimension="3d"
    )
    with pytest.raises(ValidationError) as refused:
        photo_set_corners(by=therapist, photo=artwork.photos.get(), corners=SHEET_AT_EDGE_CORNERS)
    assert refused.value.message_dict == {"corners": [NO_PAGE_ON_SCULPTURE]}


def test_resetting_lets_the_finder_look_again(unfound, therapist) -> None:
    photo_set_corners(by=therapist, photo=unfound, corners=SHEET_AT_EDGE_CORNERS)
    photo_reset_corners(by=therapist, photo=unfound)
    unfound.refresh_from_db()
    assert unfound.page_corners is None and unfound.thumb_page == ""
    assert features(unfound)["coverage"] is None
    assert AuditEvent.objects.filter(action="artwork.photo_corners_reset", actor=therapist).count() == 1


def test_analysing_again_keeps_the_marked_corners(unfound, therapist) -> None:
    photo_set_corners(by=therapist, photo=unfound, corners=SHEET_AT_EDGE_CORNERS)
    assert photo_analyse(unfound.pk) == "ready"
    assert features(unfound)["page_source"] == "corners"


def test_reanalyze_brings_older_analyses_to_the_current_version(unfound) -> None:
    Analysis.objects.filter(photo=unfound).update(version="1")
    out = io.StringIO()
    call_command("reanalyze", "--dry-run", stdout=out)
    assert "1 photo(s) would be analysed again" in out.getvalue()
    assert not Analysis.objects.filter(version=FEATURES_VERSION).exists()
    call_command("reanalyze", stdout=out)
    assert sorted(Analysis.objects.filter(photo=unfound).values_list("version", flat=True)) == ["1", FEATURES_VERSION]
    assert features(unfound)["page_source"] is None
    out = io.StringIO()
    call_command("reanalyze", stdout=out)
    assert "Analysed 0 photo(s) again" in out.getvalue()


def _api(client, therapist, method: str, url: str, payload=None):
    headers = {"Authorization": f"Bearer {token_issue(user=therapist)[1]}"}
    send = getattr(client, method)
    if payload is None:
        return send(url, headers=headers)
    return send(url, json.dumps(payload), content_type="application/json", headers=headers)


def test_the_api_marks_and_forgets_corners(client, unfound, therapist) -> None:
    url = f"/api/v1/clients/{unfound.artwork.client_id}/artworks/{unfound.artwork_id}/photos/{unfound.pk}/corners"
    bad = _api(client, therapist, "put", url, {"corners": [[0, 150], [600, 550], [600, 150], [0, 550]]})
    assert bad.status_code == 400 and bad.json()["errors"] == {"corners": [CROSSED]}
    answer = _api(client, therapist, "put", url, {"corners": SHEET_AT_EDGE_CORNERS})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["page_corners"] == [[float(x), float(y)] for x, y in SHEET_AT_EDGE_CORNERS]
    assert {"page", "page_small"} <= set(body["thumbnails"])
    assert body["analysis"]["features"]["page_source"] == "corners"
    page = client.get(body["thumbnails"]["page"], headers={"Authorization": f"Bearer {token_issue(user=therapist)[1]}"})
    assert page.status_code == 200 and page["Content-Type"] == "image/jpeg"
    reset = _api(client, therapist, "delete", url)
    assert reset.status_code == 200 and reset.json()["page_corners"] is None
    assert "page" not in reset.json()["thumbnails"]

"""The artworks API: multipart intake with analysis, downloads, corrections and ratings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from artchart.artworks.models import FEATS_SCALES, Analysis, Artwork, AssessmentType, InquiryItem, Photo, Rating
from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.tests.factories import (
    CareTeamFactory,
    ClientFactory,
    SessionFactory,
    _at,
    artwork_with_photo,
    jpeg_bytes,
    photo_upload,
    record_consent,
)

pytestmark = pytest.mark.django_db


def _headers(user) -> dict:
    return {"Authorization": f"Bearer {token_issue(user=user)[1]}"}


def _base(client_record) -> str:
    return f"/api/v1/clients/{client_record.pk}/artworks"


def _files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def _scores(value=2.5) -> dict:
    return {key: value for key, _ in FEATS_SCALES}


@pytest.fixture
def consented(client_record, therapist):
    record_consent(client_record, therapist)
    return client_record


@pytest.fixture
def ppat_artwork(consented, therapist):
    ppat = AssessmentType.objects.get(code="ppat", organization=None)
    return artwork_with_photo(by=therapist, client=consented, seed=3, assessment=ppat, title="Apple tree")


# --- create ------------------------------------------------------------------------------------------


def test_create_with_several_photos_returns_the_artwork_with_download_urls_and_analysis(
    client, consented, therapist, settings
):
    session = SessionFactory(client=consented, therapist=therapist, starts_at=_at(dt.date(2026, 3, 4)))
    inquiry = [
        {"question": "What is happening?", "answer": "Picking apples with my sister."},
        {"question": "Anything else?", "answer": ""},
    ]
    response = client.post(
        _base(consented),
        {
            "photos": [photo_upload("front.jpg", seed=1), photo_upload("back.jpg", seed=2, colour=(30, 90, 190))],
            "captions": ["front", "back"],
            "title": "Orchard",
            "statement": "My sister and me",
            "media": "crayon",
            "assessment": "ppat",
            "session": session.pk,
            "time_taken_minutes": "18",
            "time_limit_minutes": "20",
            "protocol_variant": "12 markers",
            "inquiry": json.dumps(inquiry),
        },
        headers=_headers(therapist),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    artwork = Artwork.objects.get()
    assert body["id"] == artwork.pk and body["title"] == "Orchard" and body["assessment"] == "ppat"
    assert body["made_on"] == "2026-03-04"  # the session's day when none is given
    assert body["session"] == session.pk and body["time_taken_minutes"] == 18
    assert body["inquiry"] == inquiry
    assert body["feats_ratable"] is True and body["rating_systems"] == ["feats"]
    # Estimates in a block of their own, labelled; given only when the photo's sheet was found.
    # The photo's own features leave them out: the checked block above is the only way to them.
    estimates, features = body["feats_estimates"], body["photos"][0]["analysis"]["features"]
    assert estimates["kind"] == "estimate" and "not a validated instrument" in estimates["caution"]
    assert "feats_estimates" not in features
    if features["page_found"]:
        stored = artwork.photos.get(is_primary=True).analysis.features["feats_estimates"]
        assert estimates["scores"] == stored and not estimates["reason"]
    else:
        assert estimates["scores"] is None and "sheet of paper was not found" in estimates["reason"]
    assert [p["caption"] for p in body["photos"]] == ["front", "back"]
    assert [p["is_primary"] for p in body["photos"]] == [True, False]
    for photo in body["photos"]:
        # The immediate task backend has analysed the photos before the answer.
        assert photo["analysis"]["status"] == "ready"
        assert photo["analysis"]["version"] and 0 <= photo["analysis"]["features"]["coverage"] <= 1
        assert set(photo["thumbnails"]) == {"small", "large", "page", "page_small"}
        assert photo["url"].startswith("http://testserver/api/v1/clients")

    stored = Photo.objects.get(pk=body["photos"][0]["id"])
    download = client.get(body["photos"][0]["url"], headers=_headers(therapist))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == (settings.MEDIA_ROOT / stored.file).read_bytes()
    assert download["Content-Type"] == "image/jpeg"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("inline;")
    assert "front" not in download["Content-Disposition"]  # the uploaded name is never sent back
    event = AuditEvent.objects.filter(action="artwork.image_view").get()
    assert event.actor == therapist and event.detail == {"variant": "original"}
    assert event.client_ids == f",{consented.pk},"

    small = client.get(body["photos"][1]["thumbnails"]["small"], headers=_headers(therapist))
    assert small.status_code == 200 and small["Content-Type"] == "image/jpeg"
    assert AuditEvent.objects.filter(action="artwork.create").count() == 1


def test_create_with_a_bad_file_is_refused_naming_it_and_stores_nothing(client, consented, therapist, settings):
    before = _files(settings.MEDIA_ROOT)
    response = client.post(
        _base(consented),
        {
            "photos": [photo_upload("good.jpg"), photo_upload("notes.jpg", b"Dear diary, today I drew.")],
            "title": "Two pieces",
        },
        headers=_headers(therapist),
    )

    assert response.status_code == 400, response.content
    messages = response.json()["errors"]["photos"]
    assert len(messages) == 1 and messages[0].startswith("notes.jpg")
    assert not Artwork.objects.exists() and not Photo.objects.exists() and not Analysis.objects.exists()
    assert _files(settings.MEDIA_ROOT) == before
    assert not AuditEvent.objects.filter(action__startswith="artwork.").exists()


def test_create_needs_at_least_one_photo_and_valid_fields(client, consented, therapist):
    headers = _headers(therapist)
    no_photo = client.post(_base(consented), {"title": "Nothing"}, headers=headers)
    assert no_photo.status_code == 400 and "photos" in no_photo.json()["errors"]

    bad = client.post(
        _base(consented), {"photos": [photo_upload()], "assessment": "nope", "inquiry": "[{"}, headers=headers
    )
    assert bad.status_code == 400 and "assessment" in bad.json()["errors"]

    future = client.post(_base(consented), {"photos": [photo_upload()], "made_on": "2099-01-01"}, headers=headers)
    assert future.status_code == 400 and "made_on" in future.json()["errors"]
    broken_inquiry = client.post(
        _base(consented), {"photos": [photo_upload()], "assessment": "ppat", "inquiry": "not json"}, headers=headers
    )
    assert broken_inquiry.json()["errors"] == {
        "inquiry": ['Send the inquiry as a JSON list of {"question": "…", "answer": "…"}.']
    }
    assert not Artwork.objects.exists() and not InquiryItem.objects.exists()


def test_create_without_the_record_consent_stores_nothing(client, client_record, therapist):
    response = client.post(_base(client_record), {"photos": [photo_upload()]}, headers=_headers(therapist))
    assert response.status_code == 400
    assert "consent" in response.json()["errors"]["photos"][0]
    assert not Artwork.objects.exists()


def test_another_therapists_client_is_not_found_and_nothing_is_stored(client, consented, therapist2, settings):
    response = client.post(_base(consented), {"photos": [photo_upload()]}, headers=_headers(therapist2))
    assert response.status_code == 404
    assert not Artwork.objects.exists() and _files(settings.MEDIA_ROOT) == []
    assert client.get(_base(consented), headers=_headers(therapist2)).status_code == 404


# --- read, filter, correct -----------------------------------------------------------------------------


def test_list_filters_and_its_queries_do_not_grow_with_the_artworks(client, consented, therapist):
    headers = _headers(therapist)
    ppat = AssessmentType.objects.get(code="ppat", organization=None)
    artwork_with_photo(by=therapist, client=consented, seed=1, media="paint", assessment=ppat)
    artwork_with_photo(by=therapist, client=consented, seed=2, media="pencil")

    with CaptureQueriesContext(connection) as few:
        response = client.get(_base(consented), headers=headers)
    assert response.status_code == 200 and len(response.json()["results"]) == 2
    for seed in range(3, 7):
        artwork_with_photo(by=therapist, client=consented, seed=seed, media="pencil")
    with CaptureQueriesContext(connection) as many:
        response = client.get(_base(consented), headers=headers)
    assert len(response.json()["results"]) == 6
    assert len(many) <= len(few)

    assert [
        a["media"] for a in client.get(_base(consented), {"media": "paint"}, headers=headers).json()["results"]
    ] == ["paint"]
    by_code = client.get(_base(consented), {"assessment": "ppat"}, headers=headers).json()["results"]
    assert [a["assessment"] for a in by_code] == ["ppat"]
    assert client.get(_base(consented), {"assessment": "nope"}, headers=headers).status_code == 400


def test_detail_shows_fields_photos_ratings_and_consent(client, ppat_artwork, therapist):
    response = client.get(f"{_base(ppat_artwork.client)}/{ppat_artwork.pk}", headers=_headers(therapist))
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Apple tree" and len(body["photos"]) == 1 and body["ratings"] == []
    assert {b["scope"]: b["allowed"] for b in body["consent"]}["record"] is True
    assert {b["scope"]: b["why"] for b in body["consent"]}["exhibit"] == "no consent in force"


def test_update_changes_only_what_is_sent_and_refuses_bad_input(client, ppat_artwork, therapist):
    url = f"{_base(ppat_artwork.client)}/{ppat_artwork.pk}"
    headers = _headers(therapist)
    response = client.patch(
        url,
        json.dumps({"observations": "Strong diagonal", "inquiry": [{"question": "Who is this?", "answer": "Me"}]}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200, response.content
    assert response.json()["observations"] == "Strong diagonal" and response.json()["title"] == "Apple tree"
    assert response.json()["inquiry"] == [{"question": "Who is this?", "answer": "Me"}]

    other = SessionFactory(client=ClientFactory(site=ppat_artwork.client.site), starts_at=_at(dt.date(2026, 1, 5)))
    refused = client.patch(
        url, json.dumps({"title": "Changed", "session": other.pk}), content_type="application/json", headers=headers
    )
    assert refused.status_code == 400 and "session" in refused.json()["errors"]
    ppat_artwork.refresh_from_db()
    assert ppat_artwork.title == "Apple tree" and ppat_artwork.session_id is None

    cleared = client.patch(
        url, json.dumps({"assessment": None, "inquiry": []}), content_type="application/json", headers=headers
    )
    assert cleared.status_code == 200 and cleared.json()["assessment"] is None


def test_photos_add_adds_sides_and_a_retried_upload_is_not_a_duplicate(client, ppat_artwork, therapist):
    url = f"{_base(ppat_artwork.client)}/{ppat_artwork.pk}/photos"
    data = jpeg_bytes(seed=9, colour=(40, 150, 60))
    first = client.post(
        url, {"photos": [photo_upload("left.jpg", data)], "captions": ["left side"]}, headers=_headers(therapist)
    )
    assert first.status_code == 201, first.content
    assert [p["caption"] for p in first.json()] == ["left side"]
    again = client.post(url, {"photos": [photo_upload("left.jpg", data)]}, headers=_headers(therapist))
    assert again.status_code == 201 and again.json()[0]["id"] == first.json()[0]["id"]
    assert ppat_artwork.photos.count() == 2


# --- downloads ------------------------------------------------------------------------------------------


def test_download_is_not_found_for_an_outsider_or_a_photo_of_another_piece(client, ppat_artwork, therapist, therapist2):
    photo = ppat_artwork.photos.get()
    url = f"{_base(ppat_artwork.client)}/{ppat_artwork.pk}/photos/{photo.pk}/original"
    assert client.get(url, headers=_headers(therapist2)).status_code == 404
    other = artwork_with_photo(by=therapist, client=ppat_artwork.client, seed=5)
    wrong = f"{_base(ppat_artwork.client)}/{other.pk}/photos/{photo.pk}/original"
    assert client.get(wrong, headers=_headers(therapist)).status_code == 404
    assert client.get(url.replace("/original", "/deidentified"), headers=_headers(therapist)).status_code == 404
    assert client.get(url.replace("/original", "/huge"), headers=_headers(therapist)).status_code == 404
    assert not AuditEvent.objects.filter(action="artwork.image_view").exists()


def test_download_refuses_a_supervisor_without_the_supervision_consent(client, site, therapist, intern, supervisor):
    client_record = ClientFactory(site=site)
    CareTeamFactory(client=client_record, user=intern, role="primary")
    artwork = artwork_with_photo(by=intern, client=client_record, seed=4)
    photo = artwork.photos.get()
    url = f"{_base(client_record)}/{artwork.pk}/photos/{photo.pk}/small"
    response = client.get(url, headers=_headers(supervisor))
    assert response.status_code == 403 and "supervision" in response.json()["message"]
    assert client.get(url, headers=_headers(intern)).status_code == 200


# --- ratings ------------------------------------------------------------------------------------------


def test_ratings_are_signed_once_checked_and_limited_to_raters(client, ppat_artwork, therapist, intern, teamviewer):
    url = f"{_base(ppat_artwork.client)}/{ppat_artwork.pk}/ratings"
    payload = {"system": "feats", "scores": _scores(), "comment": "First look"}

    created = client.post(url, json.dumps(payload), content_type="application/json", headers=_headers(therapist))
    assert created.status_code == 201, created.content
    assert created.json()["intact"] is True and created.json()["rater_name"] == "Tess Rivera"

    again = client.post(url, json.dumps(payload), content_type="application/json", headers=_headers(therapist))
    assert again.status_code == 409 and "final" in again.json()["message"]

    out_of_range = client.post(
        url,
        json.dumps({**payload, "scores": {**_scores(), "space": 7}}),
        content_type="application/json",
        headers=_headers(intern),
    )
    assert out_of_range.status_code == 400
    assert "is outside 0–5" in out_of_range.json()["errors"]["space"][0]

    viewer = client.post(url, json.dumps(payload), content_type="application/json", headers=_headers(teamviewer))
    assert viewer.status_code == 403
    assert (
        client.post(url, json.dumps(payload), content_type="application/json", headers=_headers(intern)).status_code
        == 201
    )

    listed = client.get(url, headers=_headers(therapist)).json()["results"]
    assert [r["rater_name"] for r in listed] == ["Tess Rivera", "Ian Novak"] and all(r["intact"] for r in listed)
    Rating.objects.filter(rater=intern).update(comment="changed behind the app's back")
    assert [r["intact"] for r in client.get(url, headers=_headers(therapist)).json()["results"]] == [True, False]
    assert Rating.objects.count() == 2


def test_a_piece_without_an_assessment_cannot_be_rated(client, consented, therapist):
    artwork = artwork_with_photo(by=therapist, client=consented, seed=8)
    response = client.post(
        f"{_base(consented)}/{artwork.pk}/ratings",
        json.dumps({"scores": _scores()}),
        content_type="application/json",
        headers=_headers(therapist),
    )
    assert response.status_code == 400 and "system" in response.json()["errors"]
    assert not Rating.objects.exists()

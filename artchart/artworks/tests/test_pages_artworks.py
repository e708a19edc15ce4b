"""The artwork pages: the timeline, recording and editing a piece, the artwork page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from artchart.artworks.models import AnalysisStatus, Artwork, AssessmentType, Photo
from artchart.artworks.services.ratings import rating_sign
from artchart.tests.factories import (
    ConsentFactory,
    SessionFactory,
    artwork_with_photo,
    jpeg_bytes,
    photo_upload,
    record_consent,
)

pytestmark = pytest.mark.django_db


def ppat():
    return AssessmentType.objects.get(code="ppat", organization=None)


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def feats_scores(value=3):
    from artchart.artworks.models import FEATS_SCALES

    return {key: value for key, _ in FEATS_SCALES}


# --- the timeline ------------------------------------------------------------------------------------


def test_timeline_lists_pieces_oldest_first_with_their_straightened_pages(client, therapist, client_record):
    artwork_with_photo(by=therapist, client=client_record, seed=1, title="Later", made_on=dt.date(2026, 3, 2))
    first = artwork_with_photo(
        by=therapist, client=client_record, seed=2, title="Earlier", made_on=dt.date(2026, 1, 20), assessment=ppat()
    )
    client.force_login(therapist)
    response = client.get(reverse("artworks:timeline", args=[client_record.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Earlier") < body.index("Later")
    assert "January 2026" in body and "March 2026" in body
    page = reverse("artworks:image", args=[first.photos.get().pk, "page_small"])
    assert f'src="{page}"' in body and 'loading="lazy"' in body
    assert "PPAT" in body
    for name in ("compare", "retrospective", "trends"):
        assert reverse(f"artworks:{name}", args=[client_record.pk]) in body


def test_timeline_filters_by_media_assessment_and_session(client, therapist, client_record):
    session = SessionFactory(client=client_record, therapist=therapist)
    record_consent(client_record, therapist)
    Artwork.objects.create(
        client=client_record,
        title="Clay bowl",
        media="clay",
        dimension="3d",
        made_on=dt.date(2026, 1, 5),
        created_by=therapist,
    )
    Artwork.objects.create(
        client=client_record,
        title="PPAT drawing",
        media="marker",
        assessment=ppat(),
        made_on=dt.date(2026, 1, 6),
        created_by=therapist,
    )
    Artwork.objects.create(
        client=client_record,
        title="Session piece",
        media="paint",
        session=session,
        made_on=session.starts_at.date(),
        created_by=therapist,
    )
    client.force_login(therapist)
    url = reverse("artworks:timeline", args=[client_record.pk])
    body = client.get(url, {"media": "clay"}).content.decode()
    assert "Clay bowl" in body and "PPAT drawing" not in body
    body = client.get(url, {"assessment": ppat().pk}).content.decode()
    assert "PPAT drawing" in body and "Clay bowl" not in body
    body = client.get(url, {"session": session.pk}).content.decode()
    assert "Session piece" in body and "Clay bowl" not in body


def test_timeline_queries_do_not_grow_with_the_pieces(client, therapist, client_record):
    client.force_login(therapist)
    url = reverse("artworks:timeline", args=[client_record.pk])
    artwork_with_photo(by=therapist, client=client_record, seed=1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for seed in range(2, 7):
        artwork_with_photo(by=therapist, client=client_record, seed=seed)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_other_therapist_gets_404_for_the_timeline(client, therapist2, client_record):
    client.force_login(therapist2)
    assert client.get(reverse("artworks:timeline", args=[client_record.pk])).status_code == 404


# --- recording a piece ----------------------------------------------------------------------------------


def test_create_form_offers_several_photos_and_the_tablet_camera(client, therapist, client_record):
    session = SessionFactory(client=client_record, therapist=therapist)
    client.force_login(therapist)
    response = client.get(reverse("artworks:create", args=[client_record.pk]), {"session": session.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "multiple" in body and 'accept="image/*"' in body and 'capture="environment"' in body
    assert f'<option value="{session.pk}" selected>' in body
    assert 'name="question-0"' in body and 'name="answer-2"' in body
    assert 'enctype="multipart/form-data"' in body


def test_create_records_a_piece_with_photos_and_inquiry(client, therapist, client_record):
    record_consent(client_record, therapist)
    client.force_login(therapist)
    response = client.post(
        reverse("artworks:create", args=[client_record.pk]),
        {
            "title": "House in the rain",
            "made_on": "2026-02-01",
            "media": "marker",
            "dimension": "2d",
            "disposition": "in_studio",
            "assessment": ppat().pk,
            "time_taken_minutes": "18",
            "statement": "It's my grandmother's house.",
            "question-0": "Who lives here?",
            "answer-0": "My gran.",
            "photos": [photo_upload("front.jpg", seed=1), photo_upload("back.jpg", seed=2)],
        },
    )
    artwork = Artwork.objects.get(title="House in the rain")
    assert response.status_code == 302 and response["Location"] == reverse(
        "artworks:detail", args=[client_record.pk, artwork.pk]
    )
    assert artwork.photos.count() == 2 and artwork.photos.filter(is_primary=True).count() == 1
    assert list(artwork.inquiry.values_list("question", "answer")) == [("Who lives here?", "My gran.")]


def test_create_with_a_hostile_file_stores_nothing_and_names_it(client, therapist, client_record, settings):
    record_consent(client_record, therapist)
    client.force_login(therapist)
    response = client.post(
        reverse("artworks:create", args=[client_record.pk]),
        {
            "title": "Sneaky",
            "made_on": "2026-02-01",
            "media": "marker",
            "dimension": "2d",
            "disposition": "in_studio",
            "photos": [photo_upload("good.jpg"), photo_upload("evil.jpg", b"<html><script>alert(1)</script></html>")],
        },
    )
    assert response.status_code == 400
    assert "evil.jpg" in response.content.decode()
    assert not Artwork.objects.exists() and not Photo.objects.exists()
    assert media_files(settings) == []


def test_create_without_record_consent_says_so(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(
        reverse("artworks:create", args=[client_record.pk]),
        {
            "made_on": "2026-02-01",
            "media": "marker",
            "dimension": "2d",
            "disposition": "in_studio",
            "photos": [photo_upload()],
        },
    )
    assert response.status_code == 400
    assert "no consent in force to photograph" in response.content.decode()
    assert not Artwork.objects.exists()


def test_create_with_a_future_date_is_refused(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(
        reverse("artworks:create", args=[client_record.pk]),
        {
            "made_on": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
            "media": "marker",
            "dimension": "2d",
            "disposition": "in_studio",
        },
    )
    assert response.status_code == 400 and not Artwork.objects.exists()


def test_edit_changes_details_and_inquiry(client, therapist, client_record):
    artwork = artwork_with_photo(
        by=therapist, client=client_record, title="Old title", assessment=ppat(), inquiry=[("First question", "answer")]
    )
    client.force_login(therapist)
    url = reverse("artworks:edit", args=[client_record.pk, artwork.pk])
    body = client.get(url).content.decode()
    assert 'value="First question"' in body
    response = client.post(
        url,
        {
            "title": "New title",
            "made_on": "2026-02-10",
            "media": "crayon",
            "dimension": "2d",
            "disposition": "with_client",
            "assessment": ppat().pk,
            "question-0": "First question",
            "answer-0": "a better answer",
            "question-1": "Second?",
            "answer-1": "yes",
        },
    )
    assert response.status_code == 302
    artwork.refresh_from_db()
    assert artwork.title == "New title" and artwork.media == "crayon"
    assert list(artwork.inquiry.values_list("question", "answer")) == [
        ("First question", "a better answer"),
        ("Second?", "yes"),
    ]


def test_edit_with_bad_input_changes_nothing(client, therapist, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record, title="Kept")
    client.force_login(therapist)
    response = client.post(
        reverse("artworks:edit", args=[client_record.pk, artwork.pk]),
        {
            "title": "Changed",
            "made_on": "2026-02-10",
            "media": "marker",
            "dimension": "3d",
            "disposition": "in_studio",
            "assessment": ppat().pk,
        },
    )
    assert response.status_code == 400
    assert "recorded without one" in response.content.decode()
    artwork.refresh_from_db()
    assert artwork.title == "Kept"


# --- the artwork page ------------------------------------------------------------------------------------


def test_artwork_page_shows_photos_analysis_and_consent(client, therapist, client_record):
    artwork = artwork_with_photo(
        by=therapist,
        client=client_record,
        title="Apple picking",
        assessment=ppat(),
        statement="The tree is me.",
        observations="Worked steadily.",
    )
    photo = artwork.photos.get()
    client.force_login(therapist)
    response = client.get(reverse("artworks:detail", args=[client_record.pk, artwork.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "The tree is me." in body and "Worked steadily." in body
    assert reverse("artworks:image", args=[photo.pk, "large"]) in body
    assert "data-zoom" in body and "artworks/zoom.js" in body
    assert "Page covered" in body and "Colours" in body and "Palette" in body
    assert "Edge share" in body and "Line and detail" not in body
    for color in photo.analysis.features["palette"]:
        assert color["hex"] in body
    assert "Exhibit in a showcase: no" in body
    assert reverse("artworks:annotate", args=[client_record.pk, artwork.pk, photo.pk]) in body
    assert reverse("artworks:rate", args=[client_record.pk, artwork.pk]) in body


def _analysed_as(artwork, *, page_found=True, estimates=None):
    """Set the main photo's analysis to a found (or not found) sheet with these estimates."""
    analysis = artwork.photos.get().analysis
    estimates = estimates or {"prominence_of_color": 3.5, "space": 2.5, "details": 4.0}
    analysis.features = {**analysis.features, "page_found": page_found, "feats_estimates": estimates}
    analysis.save(update_fields=["features"])


def _estimates_block(body: str) -> str:
    start = body.index('id="h-estimates"')
    return body[start : body.index("</section>", start)]


def _ratings_block(body: str) -> str:
    start = body.index('id="h-ratings"')
    return body[start : body.index("</section>", start)]


def test_artwork_page_shows_estimates_in_a_block_of_their_own_never_among_the_ratings(
    client, therapist, intern, client_record
):
    artwork = artwork_with_photo(by=therapist, client=client_record, assessment=ppat())
    _analysed_as(artwork)
    rating_sign(by=therapist, artwork=artwork, system="feats", scores=feats_scores(3))
    rating_sign(by=intern, artwork=artwork, system="feats", scores=feats_scores(2.5))
    client.force_login(therapist)
    body = client.get(reverse("artworks:detail", args=[client_record.pk, artwork.pk])).content.decode()
    estimates = _estimates_block(body)
    assert "Computer estimates (not ratings)" in estimates
    assert "not a validated instrument" in estimates
    assert "Space" in estimates and "2.5" in estimates and "4.0" in estimates
    assert "Medium differs" not in estimates
    ratings = _ratings_block(body)
    assert "Tess Rivera" in ratings and "Ian Novak" in ratings
    assert "stimate" not in ratings and "omputer" not in ratings
    assert body.count("Changed after signing") == 0
    assert reverse("artworks:agreement") in body


def test_without_a_found_sheet_there_are_no_estimates_only_the_reason(client, therapist, client_record):
    from artchart.artworks.selectors import NO_RECTIFIED_PAGE

    artwork = artwork_with_photo(by=therapist, client=client_record, assessment=ppat())
    _analysed_as(artwork, page_found=False, estimates={"prominence_of_color": 1.5, "space": 0.5, "details": 4.5})
    client.force_login(therapist)
    body = client.get(reverse("artworks:detail", args=[client_record.pk, artwork.pk])).content.decode()
    estimates = _estimates_block(body)
    assert NO_RECTIFIED_PAGE.replace("'", "&#x27;") in estimates
    assert "<table" not in estimates and "4.5" not in estimates


def test_estimates_of_a_piece_not_in_the_standard_medium_are_flagged(client, therapist, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record, assessment=ppat(), media="pencil")
    _analysed_as(artwork)
    client.force_login(therapist)
    body = client.get(reverse("artworks:detail", args=[client_record.pk, artwork.pk])).content.decode()
    estimates = _estimates_block(body)
    assert "Medium differs" in estimates
    assert "the PPAT is drawn with markers, this piece with pencil or graphite" in estimates
    assert "<table" in estimates


def test_a_piece_feats_does_not_rate_has_no_estimates_block(client, therapist, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record)
    _analysed_as(artwork)
    client.force_login(therapist)
    body = client.get(reverse("artworks:detail", args=[client_record.pk, artwork.pk])).content.decode()
    assert 'id="h-estimates"' not in body


def test_no_formal_element_is_named_like_a_feats_scale():
    from artchart.artworks.models import FEATS_SCALES
    from artchart.artworks.presentation import FEATURES

    words = {word.lower() for _, name in FEATS_SCALES for word in name.split() if len(word) > 3}
    for feature in FEATURES:
        assert not words & {word.lower() for word in feature.name.split()}, feature.name


def test_artwork_page_flags_a_rating_changed_after_signing(client, therapist, client_record):
    from artchart.artworks.models import Rating

    artwork = artwork_with_photo(by=therapist, client=client_record, assessment=ppat())
    rating = rating_sign(by=therapist, artwork=artwork, system="feats", scores=feats_scores(3))
    Rating.objects.filter(pk=rating.pk).update(scores={**rating.scores, "space": 5})
    client.force_login(therapist)
    body = client.get(reverse("artworks:detail", args=[client_record.pk, artwork.pk])).content.decode()
    assert "Changed after signing" in body


def test_artwork_page_polls_while_analysis_is_pending(client, therapist, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record)
    photo = artwork.photos.get()
    Photo.objects.filter(pk=photo.pk).update(analysis_status=AnalysisStatus.PENDING)
    client.force_login(therapist)
    status_url = reverse("artworks:photo_status", args=[client_record.pk, artwork.pk, photo.pk])
    body = client.get(reverse("artworks:detail", args=[client_record.pk, artwork.pk])).content.decode()
    assert f'hx-get="{status_url}"' in body and 'hx-trigger="every 2s"' in body
    Photo.objects.filter(pk=photo.pk).update(analysis_status=AnalysisStatus.READY)
    fragment = client.get(status_url).content.decode()
    assert "hx-get" not in fragment and "Page covered" in fragment


def test_photo_status_of_a_photo_of_another_artwork_is_404(client, therapist, client_record):
    first = artwork_with_photo(by=therapist, client=client_record, seed=1)
    second = artwork_with_photo(by=therapist, client=client_record, seed=2)
    client.force_login(therapist)
    url = reverse("artworks:photo_status", args=[client_record.pk, first.pk, second.photos.get().pk])
    assert client.get(url).status_code == 404


def test_artwork_page_queries_do_not_grow_with_photos_and_ratings(client, therapist, intern, supervisor, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record, assessment=ppat())
    client.force_login(therapist)
    url = reverse("artworks:detail", args=[client_record.pk, artwork.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    client.post(
        reverse("artworks:photos_add", args=[client_record.pk, artwork.pk]),
        {"photos": [photo_upload("a.jpg", seed=5), photo_upload("b.jpg", seed=6)]},
    )
    rating_sign(by=intern, artwork=artwork, system="feats", scores=feats_scores(2))
    rating_sign(by=supervisor, artwork=artwork, system="feats", scores=feats_scores(4))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_a_supervisor_without_supervision_consent_sees_no_pictures(
    client, therapist, supervisor, intern, client_record
):
    artwork = artwork_with_photo(by=therapist, client=client_record)
    client.force_login(supervisor)
    body = client.get(reverse("artworks:detail", args=[client_record.pk, artwork.pk])).content.decode()
    assert "has not consented to showing their artwork in supervision" in body
    assert reverse("artworks:image", args=[artwork.photos.get().pk, "large"]) not in body
    ConsentFactory(client=client_record, kind="supervision", recorded_by=therapist)
    body = client.get(reverse("artworks:detail", args=[client_record.pk, artwork.pk])).content.decode()
    assert reverse("artworks:image", args=[artwork.photos.get().pk, "large"]) in body


# --- photos on the artwork page ---------------------------------------------------------------------------


def test_photos_add_and_make_primary(client, therapist, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record, seed=1)
    client.force_login(therapist)
    response = client.post(
        reverse("artworks:photos_add", args=[client_record.pk, artwork.pk]),
        {"photos": [photo_upload("side.jpg", seed=9)]},
    )
    assert response.status_code == 302
    side = artwork.photos.get(original_name="side.jpg")
    assert not side.is_primary
    client.post(reverse("artworks:photo_primary", args=[client_record.pk, artwork.pk, side.pk]))
    side.refresh_from_db()
    assert side.is_primary and artwork.photos.filter(is_primary=True).count() == 1


def test_photos_add_with_a_bad_file_adds_nothing(client, therapist, client_record, settings):
    artwork = artwork_with_photo(by=therapist, client=client_record, seed=1)
    before = media_files(settings)
    client.force_login(therapist)
    response = client.post(
        reverse("artworks:photos_add", args=[client_record.pk, artwork.pk]),
        {"photos": [photo_upload("ok.jpg", seed=3), photo_upload("empty.jpg", b"")]},
        follow=True,
    )
    assert "empty.jpg" in response.content.decode()
    assert artwork.photos.count() == 1 and media_files(settings) == before


def test_the_same_photo_twice_is_not_a_duplicate(client, therapist, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record, seed=1)
    data = jpeg_bytes(seed=4)
    client.force_login(therapist)
    url = reverse("artworks:photos_add", args=[client_record.pk, artwork.pk])
    client.post(url, {"photos": [photo_upload("x.jpg", data)]})
    response = client.post(url, {"photos": [photo_upload("x-again.jpg", data)]}, follow=True)
    assert artwork.photos.count() == 2
    assert "already on this piece" in response.content.decode()

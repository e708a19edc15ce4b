"""Filing a session's photos one at a time: the media is the therapist's choice and required, a photo
sent again with its key makes no second piece, and a failure half-way leaves no rows and no files."""

from __future__ import annotations

import uuid
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from artchart.artworks.audit_actions import ArtworkAction
from artchart.artworks.models import Artwork, Photo
from artchart.artworks.services import session_photos
from artchart.artworks.services.session_photos import (
    MEDIA_REQUIRED,
    artwork_from_session_photo,
    media_from_materials,
    session_media,
)
from artchart.core.models import AuditEvent
from artchart.programs.models import Directive
from artchart.tests.factories import SessionFactory, jpeg_bytes, photo_upload, record_consent

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def session(therapist, client_record):
    record_consent(client_record, therapist)
    return SessionFactory(client=client_record, therapist=therapist)


def _filing_not_recorded():
    """The audit store refuses the piece's own event, after its photo, thumbnails and analysis are
    written: the last step of the filing."""
    record = session_photos.audit.record

    def refuse(**event):
        if event["action"] == ArtworkAction.ARTWORK_CREATE:
            raise RuntimeError("audit store down")
        return record(**event)

    return mock.patch.object(session_photos.audit, "record", side_effect=refuse)


def _file(by, session, **given):
    fields = {"photo": photo_upload(seed=1), "media": "pencil", "title": "Tide pool", "statement": "It's calm."}
    fields.update(given)
    return artwork_from_session_photo(by=by, session=session, client=session.client, **fields)


def test_a_photo_becomes_a_piece_of_the_session_with_the_chosen_media_title_and_words(therapist, session):
    artwork, created = _file(therapist, session, media="watercolour")
    assert created
    assert artwork.media == "watercolour" and artwork.title == "Tide pool" and artwork.statement == "It's calm."
    assert artwork.session == session and artwork.made_on == timezone.localtime(session.starts_at).date()
    assert artwork.photos.count() == 1


@pytest.mark.parametrize("media", ["", "crayons", None])
def test_no_media_is_refused_with_the_message_and_nothing_changes(therapist, session, settings, media):
    with pytest.raises(ValidationError) as refused:
        _file(therapist, session, media=media or "")
    assert refused.value.message_dict == {"media": [MEDIA_REQUIRED]}
    assert MEDIA_REQUIRED.code == "artwork_media_required"
    assert not Artwork.objects.exists() and not Photo.objects.exists() and stored_files(settings) == []


def test_a_photo_sent_again_with_its_key_gives_the_same_piece_and_records_nothing_more(therapist, session):
    key = uuid.uuid4()
    first, created = _file(therapist, session, key=key)
    events = AuditEvent.objects.count()
    again, created_again = _file(therapist, session, key=key, photo=photo_upload(seed=1))
    assert created and not created_again and again.pk == first.pk
    assert Artwork.objects.count() == 1 and Photo.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_two_photos_with_their_own_keys_are_two_pieces(therapist, session):
    _file(therapist, session, key=uuid.uuid4(), photo=photo_upload(seed=1))
    _file(therapist, session, key=uuid.uuid4(), photo=photo_upload(seed=2))
    assert Artwork.objects.filter(session=session).count() == 2


def test_a_failure_half_way_leaves_no_rows_and_no_files_and_the_retry_files_it(therapist, session, settings):
    key = uuid.uuid4()
    with (
        _filing_not_recorded(),
        pytest.raises(RuntimeError),
    ):
        _file(therapist, session, key=key)
    assert not Artwork.objects.exists() and not Photo.objects.exists()
    assert stored_files(settings) == []
    artwork, created = _file(therapist, session, key=key)
    assert created and Artwork.objects.get() == artwork
    assert len(stored_files(settings)) >= 3  # the photo and its two thumbnails


def test_a_failure_keeps_files_that_another_piece_still_names(therapist, session, settings):
    _file(therapist, session, photo=photo_upload(seed=4))
    before = stored_files(settings)
    with (
        _filing_not_recorded(),
        pytest.raises(RuntimeError),
    ):
        _file(therapist, session, photo=photo_upload(seed=4))
    assert stored_files(settings) == before and Artwork.objects.count() == 1


def test_the_photo_is_shrunk_to_the_stored_size_unless_the_practice_keeps_originals(therapist, session, settings):
    settings.ARTWORK_STORED_LONG_SIDE = 800
    artwork, _ = _file(therapist, session, photo=photo_upload(data=jpeg_bytes(1600, 1200, seed=3)))
    photo = artwork.photos.get()
    assert (photo.width, photo.height) == (800, 600)
    settings.ARTWORK_KEEP_ORIGINALS = True
    artwork, _ = _file(therapist, session, photo=photo_upload(data=jpeg_bytes(1600, 1200, seed=5)))
    assert (artwork.photos.get().width, artwork.photos.get().height) == (1600, 1200)


def test_an_outsider_cannot_file(outsider, session):
    from django.http import Http404

    with pytest.raises(Http404):
        _file(outsider, session)
    assert not Artwork.objects.exists()


@pytest.mark.parametrize(
    ("materials", "media"),
    [
        ("Drawing paper, oil pastels", "crayon"),
        ("Air-dry clay, water, wooden tools", "clay"),
        ("Card, pre-cut magazine images, glue sticks", "collage"),
        ("Large paper, two colours of crayon", "crayon"),
        ("Drawing paper, pencils, coloured markers", ""),  # two media: the therapist chooses
        ("Paper and whatever is to hand", ""),
        ("", ""),
    ],
)
def test_the_directive_s_materials_name_the_media_only_when_they_name_one(materials, media):
    assert media_from_materials(materials) == media


def test_a_session_offers_the_media_of_its_planned_directive(therapist, client_record):
    directive = Directive.objects.create(
        organization=client_record.organization, name="Safe place", materials="Paper, watercolours"
    )
    assert session_media(SessionFactory(client=client_record, therapist=therapist, directive=directive)) == (
        "watercolour"
    )
    assert session_media(SessionFactory(client=client_record, therapist=therapist)) == ""

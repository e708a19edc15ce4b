"""Photo intake: every bad file is refused with a message and stores nothing (no row, no file);
good ones are stored as re-encoded pixels with no metadata, once per artwork."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from PIL import Image

from artchart.artworks.models import Artwork, Photo
from artchart.artworks.services.artworks import artwork_create
from artchart.artworks.services.photos import annotation_add, photos_add
from artchart.tests.factories import (
    CareTeamFactory,
    ClientFactory,
    artwork_with_photo,
    jpeg_bytes,
    photo_upload,
    record_consent,
)

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def tiny_png_declaring(width: int, height: int) -> bytes:
    """A few dozen bytes whose header claims ``width`` × ``height`` pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def jpeg_with_gps() -> bytes:
    image = Image.open(io.BytesIO(jpeg_bytes()))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (40.0, 44.0, 54.36), 3: "W", 4: (73.0, 59.0, 8.5)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'


BAD_FILES = {
    "empty.jpg": b"",
    "page.jpg": b"<!doctype html><html><body><script>alert(1)</script></body></html>",
    "drawing.svg": svg(),
    "scan.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
    "half.jpg": jpeg_bytes()[:700],
    "bomb.png": tiny_png_declaring(100_000, 100_000),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_is_refused_by_name_and_nothing_is_stored(name, therapist, client_record, settings):
    record_consent(client_record, therapist)
    with pytest.raises(ValidationError) as refused:
        artwork_create(
            by=therapist,
            client=client_record,
            made_on="2026-02-01",
            photos=[photo_upload("fine.jpg", seed=1), photo_upload(name, BAD_FILES[name])],
        )
    assert any(message.startswith(name) for message in refused.value.message_dict["photos"])
    assert not Artwork.objects.exists() and not Photo.objects.exists()
    assert stored_files(settings) == []


def test_a_file_over_the_size_limit_is_refused(therapist, client_record, settings):
    settings.ARTWORK_MAX_BYTES = 2000
    record_consent(client_record, therapist)
    with pytest.raises(ValidationError) as refused:
        artwork_create(
            by=therapist,
            client=client_record,
            made_on="2026-02-01",
            photos=[photo_upload("big.jpg", jpeg_bytes(640, 480))],
        )
    assert "big.jpg: the file is larger than" in refused.value.messages[0]
    assert not Photo.objects.exists() and stored_files(settings) == []


def test_a_bad_file_added_to_an_artwork_adds_nothing(therapist, client_record, settings):
    artwork = artwork_with_photo(by=therapist, client=client_record)
    before = stored_files(settings)
    with pytest.raises(ValidationError):
        photos_add(by=therapist, artwork=artwork, uploads=[photo_upload("x.jpg", svg())])
    assert artwork.photos.count() == 1 and stored_files(settings) == before


def test_a_script_appended_to_a_jpeg_is_not_stored(therapist, client_record):
    data = jpeg_bytes() + b"<script>alert(document.cookie)</script>PK\x03\x04archive"
    record_consent(client_record, therapist)
    artwork = artwork_create(
        by=therapist, client=client_record, made_on="2026-02-01", photos=[photo_upload("tricky.jpg", data)]
    )
    with default_storage.open(artwork.photos.get().file, "rb") as handle:
        stored = handle.read()
    assert b"<script>" not in stored and b"PK\x03\x04" not in stored
    assert stored.endswith(b"\xff\xd9")


def test_gps_and_other_exif_are_stripped(therapist, client_record):
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the upload really carries GPS
    record_consent(client_record, therapist)
    artwork = artwork_create(
        by=therapist, client=client_record, made_on="2026-02-01", photos=[photo_upload("phone.jpg", data)]
    )
    with default_storage.open(artwork.photos.get().file, "rb") as handle:
        stored = handle.read()
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert b"Exif" not in stored and b"PhoneMaker" not in stored


def test_the_stored_copy_is_named_by_its_hash(therapist, client_record):
    photo = artwork_with_photo(by=therapist, client=client_record).photos.get()
    with default_storage.open(photo.file, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == photo.sha256
    assert photo.sha256 in photo.file


def test_a_retried_upload_is_not_a_duplicate(therapist, client_record, settings):
    data = jpeg_bytes(seed=3)
    artwork = artwork_with_photo(by=therapist, client=client_record, seed=1)
    photos_add(by=therapist, artwork=artwork, uploads=[photo_upload("a.jpg", data)])
    files = stored_files(settings)
    photos_add(by=therapist, artwork=artwork, uploads=[photo_upload("a-retry.jpg", data)])
    assert artwork.photos.count() == 2 and stored_files(settings) == files


def test_upload_to_another_therapists_client_is_404(therapist, therapist2, site):
    other = ClientFactory(site=site)
    CareTeamFactory(client=other, user=therapist2, role="primary")
    record_consent(other, therapist2)
    with pytest.raises(Http404):
        artwork_create(by=therapist, client=other, made_on="2026-02-01", photos=[photo_upload()])
    assert not Artwork.objects.exists()


def test_without_record_consent_the_message_says_what_to_do(therapist, client_record):
    with pytest.raises(ValidationError) as refused:
        artwork_create(by=therapist, client=client_record, made_on="2026-02-01", photos=[photo_upload()])
    assert "record that consent in the chart first" in refused.value.messages[0]
    assert not Artwork.objects.exists()


def test_a_mask_makes_a_deidentified_copy_and_leaves_the_photo_alone(therapist, client_record):
    photo = artwork_with_photo(by=therapist, client=client_record).photos.get()
    with default_storage.open(photo.file, "rb") as handle:
        before = handle.read()
    annotation_add(by=therapist, photo=photo, kind="cover", x=0.1, y=0.8, w=0.5, h=0.15, note="Signature")
    photo.refresh_from_db()
    with default_storage.open(photo.file, "rb") as handle:
        after = handle.read()
    assert after == before and hashlib.sha256(after).hexdigest() == photo.sha256
    assert photo.deidentified and photo.deidentified != photo.file
    with default_storage.open(photo.deidentified, "rb") as handle:
        assert handle.read() != before

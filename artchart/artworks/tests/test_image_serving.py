"""Images are served only through the view that checks the care team and the consent scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from artchart.core.models import AuditEvent
from artchart.tests.factories import ConsentFactory, artwork_with_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(therapist, client_record):
    return artwork_with_photo(by=therapist, client=client_record).photos.get()


def image_url(photo, variant="original"):
    return reverse("artworks:image", args=[photo.pk, variant])


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_image_is_served_inline_with_safe_headers(client, therapist, photo):
    client.force_login(therapist)
    response = client.get(image_url(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == photo.content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;") and f"artwork-{photo.artwork_id}-" in disposition
    assert photo.original_name not in disposition  # the uploaded name may carry the client's name
    assert "private" in response["Cache-Control"]
    assert body_of(response)[:2] == b"\xff\xd8"


def test_download_is_an_attachment(client, therapist, photo):
    client.force_login(therapist)
    response = client.get(image_url(photo, "large") + "?download=1")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/jpeg"


def test_each_view_is_audited_with_its_variant(client, therapist, photo, client_record):
    client.force_login(therapist)
    body_of(client.get(image_url(photo, "small")))
    event = AuditEvent.objects.filter(action="artwork.image_view").get()
    assert event.actor == therapist and event.detail == {"variant": "small"}
    assert event.client_id_list == [client_record.pk]
    # The image event is the record of the read: no second, generic client.read for the same request.
    assert not AuditEvent.objects.filter(action="client.read", object_id="artworks:image").exists()


def test_outsider_gets_404_and_nothing_is_audited(client, outsider, photo):
    client.force_login(outsider)
    assert client.get(image_url(photo)).status_code == 404
    assert not AuditEvent.objects.filter(action="artwork.image_view").exists()


def test_team_viewer_gets_403(client, teamviewer, photo):
    client.force_login(teamviewer)
    assert client.get(image_url(photo)).status_code == 403


def test_supervisor_needs_the_supervision_consent(client, supervisor, therapist, photo, client_record):
    client.force_login(supervisor)
    assert client.get(image_url(photo)).status_code == 403
    ConsentFactory(client=client_record, kind="supervision", recorded_by=therapist)
    assert client.get(image_url(photo)).status_code == 200


def test_unknown_or_missing_variant_is_404(client, therapist, photo):
    client.force_login(therapist)
    assert client.get(image_url(photo, "thumbnail")).status_code == 404
    assert client.get(image_url(photo, "deidentified")).status_code == 404


def test_there_is_no_public_media_url(client, therapist, photo, settings):
    client.force_login(therapist)
    assert client.get(f"{settings.MEDIA_URL}{photo.file}").status_code == 404

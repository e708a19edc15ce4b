"""Annotating a photo: marks and masks drawn in a layer over it, the de-identified copy,
removing annotations, who may draw, and bad input that changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from artchart.artworks.models import Annotation, Photo
from artchart.artworks.services.photos import OUTSIDE, annotation_add
from artchart.artworks.views.studio import DEIDENTIFIED_SENTENCE, MARK_ADDED, MASK_ADDED, MASK_REMOVED
from artchart.core.models import AuditEvent
from artchart.tests.factories import CareTeamFactory, ClientFactory, ConsentFactory, artwork_with_photo

pytestmark = pytest.mark.django_db

AREA = {"x": "0.1", "y": "0.2", "w": "0.3", "h": "0.25"}


@pytest.fixture
def artwork(therapist, client_record):
    return artwork_with_photo(by=therapist, client=client_record, title="The bridge", statement="A way across.")


@pytest.fixture
def photo(artwork):
    return artwork.photos.get()


def url(photo):
    return reverse("artworks:annotate", args=[photo.artwork.client_id, photo.artwork_id, photo.pk])


def delete_url(annotation):
    artwork = annotation.photo.artwork
    return reverse("artworks:annotation_delete", args=[artwork.client_id, artwork.pk, annotation.pk])


def test_page_shows_the_photo_with_its_annotations_in_a_layer_over_it(client, therapist, photo):
    annotation_add(by=therapist, photo=photo, kind="mark", x=0.25, y=0.5, w=0.2, h=0.1, note="the river <first>")
    client.force_login(therapist)
    response = client.get(url(photo))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="annotation-layer" viewBox="0 0 1 1"' in html
    assert '<rect class="annotation annotation-mark" x="0.2500" y="0.5000" width="0.2000" height="0.1000">' in html
    assert "the river &lt;first&gt;" in html
    assert 'alt="Photo of The bridge"' in html
    assert "annotate.js" in html
    assert "De-identified copy" not in html  # no masks yet
    assert 'name="x"' in html and 'name="h"' in html  # works without JavaScript


def test_therapist_adds_a_mark_and_the_photo_is_unchanged(client, therapist, photo):
    original = (photo.file, photo.sha256, default_storage.open(photo.file).read())
    client.force_login(therapist)
    response = client.post(url(photo), {"kind": "mark", "note": "sun in the corner", **AREA}, follow=True)
    assert MARK_ADDED in response.content.decode()
    annotation = Annotation.objects.get(photo=photo)
    assert (annotation.kind, annotation.x, annotation.y, annotation.w, annotation.h, annotation.note) == (
        "mark",
        0.1,
        0.2,
        0.3,
        0.25,
        "sun in the corner",
    )
    assert annotation.author == therapist
    photo.refresh_from_db()
    assert (photo.file, photo.sha256, default_storage.open(photo.file).read()) == original
    assert photo.deidentified == ""
    assert AuditEvent.objects.filter(action="artwork.annotation_add").count() == 1


def test_a_mask_makes_the_deidentified_copy_shown_with_its_explanation(client, therapist, photo):
    client.force_login(therapist)
    response = client.post(url(photo), {"kind": "cover", "note": "Client's name", **AREA}, follow=True)
    html = response.content.decode()
    assert MASK_ADDED in html
    photo.refresh_from_db()
    assert photo.deidentified and photo.deidentified != photo.file
    assert "De-identified copy" in html and DEIDENTIFIED_SENTENCE in html
    assert 'class="annotation annotation-cover"' in html


def test_removing_the_last_mask_removes_the_copy(client, therapist, photo):
    mask = annotation_add(by=therapist, photo=photo, kind="blur", x=0, y=0, w=0.5, h=0.5, note="face")
    assert Photo.objects.get(pk=photo.pk).deidentified
    client.force_login(therapist)
    response = client.post(delete_url(mask), follow=True)
    assert MASK_REMOVED in response.content.decode()
    assert response.redirect_chain[-1][0] == url(photo)
    assert not Annotation.objects.exists()
    assert Photo.objects.get(pk=photo.pk).deidentified == ""


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"kind": "cover", "x": "0.8", "y": "0.2", "w": "0.3", "h": "0.2"}, "w", OUTSIDE),
        ({"kind": "mark", "x": "-0.1", "y": "0.2", "w": "0.3", "h": "0.2"}, "x", "greater than or equal to 0"),
        ({"kind": "mark", "x": "", "y": "0.2", "w": "0.3", "h": "0.2"}, "x", "This field is required"),
        ({"kind": "mark", "x": "abc", "y": "0.2", "w": "0.3", "h": "0.2"}, "x", "Enter a number"),
        ({"kind": "mark", "x": "0.1", "y": "0.2", "w": "0", "h": "0.2"}, "w", "greater than or equal to 0.005"),
        ({"kind": "paint", **AREA}, "kind", "Select a valid choice"),
        ({"kind": "mark", "note": "x" * 501, **AREA}, "note", "at most 500 characters"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_changes(client, therapist, photo, data, field, message):
    client.force_login(therapist)
    response = client.post(url(photo), data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Annotation.objects.exists()
    assert Photo.objects.get(pk=photo.pk).deidentified == ""
    assert not AuditEvent.objects.filter(action="artwork.annotation_add").exists()


def test_a_viewer_on_the_team_may_not_draw(client, teamviewer, photo):
    client.force_login(teamviewer)
    assert client.post(url(photo), {"kind": "mark", **AREA}).status_code == 403
    assert not Annotation.objects.exists()


def test_a_supervisor_reads_the_annotations_but_may_not_draw(client, therapist, client_record, supervisor, photo):
    ConsentFactory(client=client_record, kind="supervision", recorded_by=therapist)
    annotation_add(by=therapist, photo=photo, kind="mark", x=0.1, y=0.1, w=0.2, h=0.2, note="a tree")
    client.force_login(supervisor)  # supervises the intern on Maya's team
    response = client.get(url(photo))
    assert response.status_code == 200
    html = response.content.decode()
    assert "a tree" in html and "Remove" not in html
    assert "Add an annotation" not in html
    assert client.post(url(photo), {"kind": "mark", **AREA}).status_code == 403
    assert Annotation.objects.count() == 1


def test_another_therapists_photo_is_404(client, therapist2, photo):
    client.force_login(therapist2)
    assert client.get(url(photo)).status_code == 404
    assert client.post(url(photo), {"kind": "mark", **AREA}).status_code == 404


def test_photo_of_another_artwork_or_client_in_the_url_is_404(client, therapist, client_record, photo):
    other = artwork_with_photo(by=therapist, client=client_record, seed=3)
    client.force_login(therapist)
    assert client.get(reverse("artworks:annotate", args=[client_record.pk, other.pk, photo.pk])).status_code == 404
    second_client = ClientFactory(site=client_record.site)
    CareTeamFactory(client=second_client, user=therapist, role="primary")
    assert (
        client.get(reverse("artworks:annotate", args=[second_client.pk, photo.artwork_id, photo.pk])).status_code == 404
    )


def test_deleting_through_another_artworks_url_is_404_and_keeps_it(client, therapist, client_record, photo):
    mask = annotation_add(by=therapist, photo=photo, kind="cover", x=0, y=0, w=0.2, h=0.2)
    other = artwork_with_photo(by=therapist, client=client_record, seed=4)
    client.force_login(therapist)
    wrong = reverse("artworks:annotation_delete", args=[client_record.pk, other.pk, mask.pk])
    assert client.post(wrong).status_code == 404
    assert client.get(delete_url(mask)).status_code == 405
    assert Annotation.objects.filter(pk=mask.pk).exists()


def test_query_count_does_not_grow_with_annotations(client, therapist, photo):
    client.force_login(therapist)
    annotation_add(by=therapist, photo=photo, kind="mark", x=0, y=0, w=0.1, h=0.1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(photo)).status_code == 200
    for i in range(6):
        annotation_add(by=therapist, photo=photo, kind="mark", x=0.1 * i, y=0.1, w=0.05, h=0.05, note=f"n{i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(photo)).status_code == 200
    assert len(many) == len(few)


def test_a_supervisor_without_the_supervision_consent_is_told_why_there_is_no_photo(client, supervisor, photo):
    from artchart.artworks.selectors import NO_SUPERVISION_CONSENT

    client.force_login(supervisor)
    html = client.get(url(photo)).content.decode()
    assert NO_SUPERVISION_CONSENT in html and "/artworks/images/" not in html


def test_differences_are_taken_from_the_values_as_shown():
    from artchart.artworks.views.studio import MEASURES, _difference

    coverage, colours = MEASURES[0], MEASURES[2]
    assert _difference(coverage, 0.031, 0.034) == "no change"
    assert _difference(coverage, 0.10, 0.11) == "+1 point"
    assert _difference(coverage, 0.5, 0.25) == "-25 points"
    assert _difference(colours, 2, 6) == "+4"
    assert _difference(coverage, None, 0.2) == "—"

"""Filing the artwork made in a session: one row per attending member, one piece per file."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from artchart.artworks.models import Artwork, Photo
from artchart.tests.factories import (
    AttendanceFactory,
    CareTeamFactory,
    ClientFactory,
    GroupFactory,
    GroupMembershipFactory,
    SessionFactory,
    photo_upload,
    record_consent,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_session(therapist, client_record, site):
    """A group of three: Maya (present), Jon (late), Kim (absent); Lee present but not on therapist's caseload."""
    group = GroupFactory(site=site, name="Open studio", facilitators=[therapist])
    session = SessionFactory(kind="group", client=None, group=group, therapist=therapist)
    members = {"maya": client_record}
    for key, first in (("jon", "Jon"), ("kim", "Kim")):
        member = ClientFactory(site=site, legal_first_name=first, legal_last_name="Member")
        CareTeamFactory(client=member, user=therapist, role="primary")
        members[key] = member
    members["lee"] = ClientFactory(site=site, legal_first_name="Lee", legal_last_name="Elsewhere")
    for key, status in (("maya", "present"), ("jon", "late"), ("kim", "absent"), ("lee", "present")):
        GroupMembershipFactory(group=group, client=members[key])
        AttendanceFactory(session=session, client=members[key], status=status)
        record_consent(members[key], therapist)
    return session, members


def test_group_upload_offers_a_row_per_attending_member_the_user_writes_for(client, therapist, group_session):
    session, members = group_session
    client.force_login(therapist)
    response = client.get(reverse("artworks:session_upload", args=[session.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Maya Lopez" in body and "Jon Member" in body
    assert "Kim Member" not in body and "Lee Elsewhere" not in body
    assert body.count('capture="environment"') == 2 and body.count("multiple") >= 2


def test_group_upload_files_one_piece_per_file_to_each_member(client, therapist, group_session):
    session, members = group_session
    maya, jon = members["maya"], members["jon"]
    client.force_login(therapist)
    response = client.post(
        reverse("artworks:session_upload", args=[session.pk]),
        {
            f"photos-{maya.pk}": [photo_upload("m1.jpg", seed=1), photo_upload("m2.jpg", seed=2)],
            f"camera-{jon.pk}": photo_upload("j.jpg", seed=3),
            f"title-{jon.pk}": "Bridge",
        },
    )
    assert response.status_code == 302
    assert Artwork.objects.filter(client=maya, session=session).count() == 2
    jons = Artwork.objects.get(client=jon)
    assert jons.title == "Bridge" and jons.session == session
    assert jons.made_on == timezone.localtime(session.starts_at).date()


def test_a_refused_file_stores_nothing_for_its_row_and_says_which_rows_were_saved(client, therapist, group_session):
    session, members = group_session
    maya, jon = members["maya"], members["jon"]
    client.force_login(therapist)
    response = client.post(
        reverse("artworks:session_upload", args=[session.pk]),
        {
            f"photos-{maya.pk}": [
                photo_upload("fine.jpg", seed=1),
                photo_upload("drawing.jpg", b"%PDF-1.4 not a photo"),
            ],
            f"photos-{jon.pk}": [photo_upload("j.jpg", seed=3)],
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "drawing.jpg" in body and "Nothing filed for Maya Lopez" in body
    assert "Filed 1 piece(s): Jon Member (1)" in body
    assert not Artwork.objects.filter(client=maya).exists()
    assert Artwork.objects.filter(client=jon).count() == 1


def test_posting_no_files_says_so(client, therapist, group_session):
    session, _ = group_session
    client.force_login(therapist)
    response = client.post(reverse("artworks:session_upload", args=[session.pk]), {})
    assert response.status_code == 200 and "Choose a photo" in response.content.decode()
    assert not Photo.objects.exists()


def test_individual_session_files_for_its_client(client, therapist, client_record):
    session = SessionFactory(client=client_record, therapist=therapist)
    record_consent(client_record, therapist)
    client.force_login(therapist)
    url = reverse("artworks:session_upload", args=[session.pk])
    assert "Maya Lopez" in client.get(url).content.decode()
    response = client.post(url, {f"photos-{client_record.pk}": [photo_upload(seed=1)]})
    assert response.status_code == 302 and Artwork.objects.get().session == session


def test_individual_session_of_another_therapists_client_is_404(client, therapist2, client_record, therapist):
    session = SessionFactory(client=client_record, therapist=therapist)
    client.force_login(therapist2)
    assert client.get(reverse("artworks:session_upload", args=[session.pk])).status_code == 404


def test_the_session_page_shows_its_artwork_and_the_add_link(client, therapist, client_record):
    from artchart.tests.factories import artwork_with_photo

    session = SessionFactory(client=client_record, therapist=therapist)
    artwork = artwork_with_photo(
        by=therapist, client=client_record, session=session, title="Tide pool", made_on=session.starts_at.date()
    )
    client.force_login(therapist)
    body = client.get(reverse("therapy:session_detail", args=[session.pk])).content.decode()
    assert "Artwork made in this session" in body and "Tide pool" in body
    assert reverse("artworks:session_upload", args=[session.pk]) in body
    assert reverse("artworks:image", args=[artwork.photos.get().pk, "page_small"]) in body


def test_a_card_shows_the_photo_where_no_page_was_found(client, therapist, client_record):
    from artchart.tests.factories import artwork_with_photo

    session = SessionFactory(client=client_record, therapist=therapist)
    artwork = artwork_with_photo(by=therapist, client=client_record, session=session, made_on=session.starts_at.date())
    photo = artwork.photos.get()
    Photo.objects.filter(pk=photo.pk).update(thumb_page="", thumb_page_small="")
    client.force_login(therapist)
    body = client.get(reverse("therapy:session_detail", args=[session.pk])).content.decode()
    assert reverse("artworks:image", args=[photo.pk, "small"]) in body and "/page_small/" not in body

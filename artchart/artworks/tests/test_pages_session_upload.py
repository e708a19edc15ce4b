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
    assert body.count('capture="environment"') == 2 and body.count("multiple") >= 4


def test_group_upload_files_one_piece_per_file_to_each_member(client, therapist, group_session):
    session, members = group_session
    maya, jon = members["maya"], members["jon"]
    client.force_login(therapist)
    response = client.post(
        reverse("artworks:session_upload", args=[session.pk]),
        {
            f"photos-{maya.pk}": [photo_upload("m1.jpg", seed=1), photo_upload("m2.jpg", seed=2)],
            f"media-{maya.pk}": "pencil",
            f"camera-{jon.pk}": photo_upload("j.jpg", seed=3),
            f"title-{jon.pk}": "Bridge",
            f"media-{jon.pk}": "clay",
            f"statement-{jon.pk}": "A bridge to my sister's.",
        },
    )
    assert response.status_code == 302
    assert Artwork.objects.filter(client=maya, session=session).count() == 2
    jons = Artwork.objects.get(client=jon)
    assert jons.title == "Bridge" and jons.session == session
    assert jons.media == "clay" and jons.statement == "A bridge to my sister's."
    assert set(Artwork.objects.filter(client=maya).values_list("media", flat=True)) == {"pencil"}
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
            f"media-{maya.pk}": "pencil",
            f"photos-{jon.pk}": [photo_upload("j.jpg", seed=3)],
            f"media-{jon.pk}": "pencil",
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
    response = client.post(
        url, {f"photos-{client_record.pk}": [photo_upload(seed=1)], f"media-{client_record.pk}": "ink"}
    )
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


# --- the photo page as a tablet uses it: one photo per request ------------------------------------


@pytest.fixture
def one_to_one(therapist, client_record):
    record_consent(client_record, therapist)
    return SessionFactory(client=client_record, therapist=therapist)


def _send(http, session, *, member=None, **fields):
    data = {"media": "pencil", "title": "Tide pool", "statement": "It's calm.", "photo": photo_upload(seed=1)}
    if member is not None:
        data["client"] = str(member.pk)
    data.update(fields)
    return http.post(reverse("artworks:session_photo", args=[session.pk]), data)


def test_the_photo_page_has_a_large_capture_area_and_asks_for_the_media(client, therapist, one_to_one):
    client.force_login(therapist)
    body = client.get(reverse("artworks:session_upload", args=[one_to_one.pk])).content.decode()
    assert 'class="capture-target"' in body and "Take photos" in body and "Choose files" in body
    assert 'accept="image/*" capture="environment" multiple' in body
    assert reverse("artworks:session_photo", args=[one_to_one.pk]) in body
    assert 'data-long-side="1280"' in body and "session_photos.js" in body
    # No directive: nothing chosen for the therapist, so the media cannot slip in unseen.
    assert '<option value="" selected>Choose…</option>' in body
    assert "Client&#x27;s words" in body or "Client's words" in body


def test_the_media_is_filled_from_the_planned_directive(client, therapist, client_record):
    from artchart.programs.models import Directive

    directive = Directive.objects.create(
        organization=client_record.organization, name="Safe-place drawing", materials="Drawing paper, oil pastels"
    )
    session = SessionFactory(client=client_record, therapist=therapist, directive=directive)
    client.force_login(therapist)
    body = client.get(reverse("artworks:session_upload", args=[session.pk])).content.decode()
    assert '<option value="crayon" selected>' in body and "Safe-place drawing" in body


def test_where_the_practice_keeps_originals_the_page_does_not_shrink(client, therapist, one_to_one, settings):
    settings.ARTWORK_KEEP_ORIGINALS = True
    client.force_login(therapist)
    body = client.get(reverse("artworks:session_upload", args=[one_to_one.pk])).content.decode()
    assert 'data-long-side=""' in body


def test_one_photo_posted_answers_json_with_the_piece_s_page_and_thumbnail(client, therapist, one_to_one):
    client.force_login(therapist)
    key = "0b7c3e2a-8f7e-4d9b-9a51-3f2d7d1c6b10"
    response = _send(client, one_to_one, key=key)
    assert response.status_code == 201
    artwork = Artwork.objects.get()
    answer = response.json()
    assert answer["created"] is True
    assert answer["artwork"]["url"] == reverse("artworks:detail", args=[artwork.client_id, artwork.pk])
    photo = artwork.photos.get()
    assert answer["artwork"]["thumbnail"] == reverse("artworks:image", args=[photo.pk, photo.small_variant])
    assert answer["artwork"]["title"] == "Tide pool" and answer["artwork"]["media"] == "Pencil or graphite"
    assert client.get(answer["artwork"]["thumbnail"]).status_code == 200
    assert str(artwork.upload_key) == key and artwork.statement == "It's calm."


def test_the_same_photo_sent_again_after_a_lost_answer_gives_the_same_piece(client, therapist, one_to_one):
    client.force_login(therapist)
    key = "0b7c3e2a-8f7e-4d9b-9a51-3f2d7d1c6b10"
    first = _send(client, one_to_one, key=key)
    again = _send(client, one_to_one, key=key, photo=photo_upload(seed=1))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["artwork"]["id"] == first.json()["artwork"]["id"]
    assert Artwork.objects.count() == 1


def test_a_photo_without_media_is_refused_as_json_and_nothing_is_filed(client, therapist, one_to_one):
    client.force_login(therapist)
    response = _send(client, one_to_one, media="")
    assert response.status_code == 400
    answer = response.json()
    assert answer["code"] == "artwork_media_required"
    assert "Choose what the piece was made with" in answer["message"] and "media" in answer["errors"]
    assert not Artwork.objects.exists() and not Photo.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused_by_name(client, therapist, one_to_one):
    client.force_login(therapist)
    response = _send(client, one_to_one, photo=photo_upload("drawing.jpg", b"%PDF-1.4 not a photo"))
    assert response.status_code == 400 and "drawing.jpg" in response.json()["message"]
    assert not Artwork.objects.exists()


def test_an_outsider_gets_404_from_the_page_and_the_photo_post(client, outsider, one_to_one):
    client.force_login(outsider)
    assert client.get(reverse("artworks:session_upload", args=[one_to_one.pk])).status_code == 404
    assert _send(client, one_to_one).status_code == 404
    assert not Artwork.objects.exists()


def test_a_group_photo_goes_to_the_member_named_and_not_to_an_absent_one(client, therapist, group_session):
    session, members = group_session
    client.force_login(therapist)
    assert _send(client, session, member=members["jon"]).status_code == 201
    assert Artwork.objects.get().client == members["jon"]
    assert _send(client, session, member=members["kim"], photo=photo_upload(seed=2)).status_code == 404
    assert _send(client, session, member=members["lee"], photo=photo_upload(seed=3)).status_code == 404
    assert Artwork.objects.count() == 1


def test_the_plain_form_refuses_a_row_without_media_and_files_nothing_for_it(client, therapist, one_to_one):
    client.force_login(therapist)
    response = client.post(
        reverse("artworks:session_upload", args=[one_to_one.pk]),
        {f"camera-{one_to_one.client_id}": photo_upload(seed=1), f"title-{one_to_one.client_id}": "Kept"},
    )
    body = response.content.decode()
    assert response.status_code == 400 and "Choose what the piece was made with" in body
    assert 'value="Kept"' in body
    assert not Artwork.objects.exists() and not Photo.objects.exists()


def test_the_photo_page_query_count_does_not_grow_with_the_members_present(client, therapist, group_session, site):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session, _ = group_session

    def add(n):
        for _ in range(n):
            person = ClientFactory(site=site)
            CareTeamFactory(client=person, user=therapist, role="primary")
            GroupMembershipFactory(group=session.group, client=person)
            AttendanceFactory(session=session, client=person, status="present")

    client.force_login(therapist)
    url = reverse("artworks:session_upload", args=[session.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(6)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert body.count('capture="environment"') == 8
    assert len(many) == len(few)

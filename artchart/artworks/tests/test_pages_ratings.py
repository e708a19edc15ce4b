"""Rating a piece, grants beyond the record, and the agreement page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from artchart.artworks.models import FEATS_SCALES, ArtworkGrant, AssessmentType, Rating
from artchart.artworks.services.ratings import rating_sign
from artchart.core.models import AuditEvent
from artchart.tests.factories import ConsentFactory, artwork_with_photo

pytestmark = pytest.mark.django_db


def ppat():
    return AssessmentType.objects.get(code="ppat", organization=None)


def scores(value="3"):
    return {key: value for key, _ in FEATS_SCALES}


# --- rating -------------------------------------------------------------------------------------------


def test_rate_page_shows_the_fourteen_scale_names_and_no_anchors(client, therapist, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record, assessment=ppat())
    client.force_login(therapist)
    body = client.get(reverse("artworks:rate", args=[client_record.pk, artwork.pk])).content.decode()
    for _, name in FEATS_SCALES:
        assert name in body
    assert body.count('<option value="4.5">') == 14
    assert "signed when you save it and is final" in body


def test_therapist_and_intern_each_sign_a_rating(client, therapist, intern, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record, assessment=ppat())
    url = reverse("artworks:rate", args=[client_record.pk, artwork.pk])
    for person, value in ((therapist, "3"), (intern, "2.5")):
        client.force_login(person)
        response = client.post(url + "?system=feats", {**scores(value), "comment": "First look"})
        assert response.status_code == 302
    ratings = Rating.objects.filter(artwork=artwork).order_by("pk")
    assert [r.rater for r in ratings] == [therapist, intern]
    assert ratings[1].scores["space"] == 2.5


def test_a_second_rating_by_the_same_rater_is_refused(client, therapist, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record, assessment=ppat())
    rating_sign(by=therapist, artwork=artwork, system="feats", scores=scores(3))
    client.force_login(therapist)
    response = client.post(reverse("artworks:rate", args=[client_record.pk, artwork.pk]), scores("4"))
    assert response.status_code == 400
    assert "a signed rating is final" in response.content.decode()
    assert Rating.objects.get().scores["space"] == 3


def test_a_missing_scale_is_a_form_error_and_nothing_is_saved(client, therapist, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record, assessment=ppat())
    client.force_login(therapist)
    data = scores("3")
    del data["rotation"]
    response = client.post(reverse("artworks:rate", args=[client_record.pk, artwork.pk]), data)
    assert response.status_code == 400 and not Rating.objects.exists()
    data["rotation"] = "3.25"
    response = client.post(reverse("artworks:rate", args=[client_record.pk, artwork.pk]), data)
    assert response.status_code == 400 and not Rating.objects.exists()


def test_a_piece_with_no_rating_system_says_so(client, therapist, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record)
    client.force_login(therapist)
    response = client.get(reverse("artworks:rate", args=[client_record.pk, artwork.pk]))
    assert response.status_code == 200
    assert "This piece has no rating system" in response.content.decode()
    assert client.post(reverse("artworks:rate", args=[client_record.pk, artwork.pk]), scores()).status_code == 200
    assert not Rating.objects.exists()


def test_a_team_viewer_may_not_rate(client, therapist, teamviewer, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record, assessment=ppat())
    client.force_login(teamviewer)
    assert client.post(reverse("artworks:rate", args=[client_record.pk, artwork.pk]), scores()).status_code == 403
    assert not Rating.objects.exists()


# --- grants ---------------------------------------------------------------------------------------------


def test_grant_needs_the_clients_consent(client, therapist, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record)
    client.force_login(therapist)
    url = reverse("artworks:grant_add", args=[client_record.pk, artwork.pk])
    response = client.post(url, {"scope": "exhibit", "granted_on": "2026-02-11"}, follow=True)
    assert "no consent in force for this use" in response.content.decode()
    assert not ArtworkGrant.objects.exists()
    ConsentFactory(client=client_record, kind="exhibit", recorded_by=therapist)
    response = client.post(url, {"scope": "exhibit", "granted_on": "2026-02-11"}, follow=True)
    assert "Exhibit in a showcase: yes" in response.content.decode()
    assert ArtworkGrant.objects.get().scope == "exhibit"


def test_grant_with_bad_input_changes_nothing(client, therapist, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record)
    ConsentFactory(client=client_record, kind="exhibit", recorded_by=therapist)
    client.force_login(therapist)
    url = reverse("artworks:grant_add", args=[client_record.pk, artwork.pk])
    response = client.post(url, {"scope": "teaching", "granted_on": "not a date"}, follow=True)
    assert response.status_code == 200 and not ArtworkGrant.objects.exists()
    assert "Select a valid choice" in response.content.decode()


def test_withdrawing_a_grant_takes_the_piece_out(client, therapist, client_record):
    from artchart.artworks.services.artworks import grant_add

    artwork = artwork_with_photo(by=therapist, client=client_record)
    ConsentFactory(client=client_record, kind="exhibit", recorded_by=therapist)
    grant = grant_add(by=therapist, artwork=artwork, scope="exhibit", granted_on="2026-02-11")
    client.force_login(therapist)
    response = client.post(reverse("artworks:grant_revoke", args=[client_record.pk, artwork.pk, grant.pk]), follow=True)
    grant.refresh_from_db()
    assert grant.revoked_on is not None
    assert "Exhibit in a showcase: no" in response.content.decode()
    assert AuditEvent.objects.filter(action="artwork.grant_revoke").count() == 1


def test_a_grant_of_another_piece_is_404(client, therapist, client_record):
    from artchart.artworks.services.artworks import grant_add

    first = artwork_with_photo(by=therapist, client=client_record, seed=1)
    second = artwork_with_photo(by=therapist, client=client_record, seed=2)
    ConsentFactory(client=client_record, kind="exhibit", recorded_by=therapist)
    grant = grant_add(by=therapist, artwork=second, scope="exhibit", granted_on="2026-02-11")
    client.force_login(therapist)
    url = reverse("artworks:grant_revoke", args=[client_record.pk, first.pk, grant.pk])
    assert client.post(url).status_code == 404


# --- agreement ---------------------------------------------------------------------------------------------


def _rated(by_values, therapist, client_record, seed):
    artwork = artwork_with_photo(by=therapist, client=client_record, seed=seed, assessment=ppat())
    for person, value in by_values:
        rating_sign(
            by=person,
            artwork=artwork,
            system="feats",
            scores={key: value if i % 2 else max(0, value - 1) for i, (key, _) in enumerate(FEATS_SCALES)},
        )
    return artwork


def test_agreement_shows_each_rater_pair_with_its_figures(client, therapist, intern, client_record):
    for seed, (a, b) in enumerate([(3, 3), (4, 3.5), (2, 2), (1, 1.5)], start=1):
        _rated([(therapist, a), (intern, b)], therapist, client_record, seed)
    client.force_login(intern)
    response = client.get(reverse("artworks:agreement"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ian Novak and Tess Rivera" in body or "Tess Rivera and Ian Novak" in body
    assert "ICC(2,1)" in body and "Weighted kappa" in body
    assert "Cicchetti" in body and "excellent" in body
    assert "Computer estimate" in body


def test_agreement_says_too_little_data_in_words(client, therapist, intern, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record, assessment=ppat())
    for person in (therapist, intern):
        rating_sign(by=person, artwork=artwork, system="feats", scores=scores(3))
    client.force_login(therapist)
    body = client.get(reverse("artworks:agreement")).content.decode()
    assert "Too little data: every rating is the same" in body


def test_agreement_counts_only_artworks_the_user_may_read(client, therapist, intern, outsider, client_record):
    _rated([(therapist, 3), (intern, 3)], therapist, client_record, 1)
    client.force_login(outsider)
    body = client.get(reverse("artworks:agreement")).content.decode()
    assert "Tess Rivera" not in body and "no artwork has been rated" in body


def test_agreement_is_for_clinicians(client, teamviewer, admin):
    for person in (teamviewer, admin):
        client.force_login(person)
        assert client.get(reverse("artworks:agreement")).status_code == 403


def test_agreement_queries_do_not_grow_with_the_artworks(client, therapist, intern, client_record):
    client.force_login(therapist)
    _rated([(therapist, 3), (intern, 2.5)], therapist, client_record, 1)
    client.get(reverse("artworks:agreement"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("artworks:agreement"))
    for seed in range(2, 6):
        _rated([(therapist, 3), (intern, 2.5)], therapist, client_record, seed)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("artworks:agreement"))
    assert len(many) == len(few)

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


def _rated(by_values, therapist, client_record, seed, *, estimates=None, page_found=True, media="marker"):
    """A PPAT rated by each (person, value): odd scales get the value, even ones a point less. With
    ``estimates`` the photo's analysis says so (and whether its sheet was found), as a real photo's would."""
    artwork = artwork_with_photo(by=therapist, client=client_record, seed=seed, assessment=ppat(), media=media)
    for person, value in by_values:
        rating_sign(
            by=person,
            artwork=artwork,
            system="feats",
            scores={key: value if i % 2 else max(0, value - 1) for i, (key, _) in enumerate(FEATS_SCALES)},
        )
    if estimates is not None:
        analysis = artwork.photos.get().analysis
        analysis.features = {**analysis.features, "page_found": page_found, "feats_estimates": estimates}
        analysis.save(update_fields=["features"])
    return artwork


PAIRS = [(3, 3), (4, 3.5), (2, 2), (1, 1.5), (4.5, 4), (2.5, 3)]


def test_agreement_is_given_scale_by_scale_with_its_interval_and_n(client, therapist, intern, client_record):
    for seed, (a, b) in enumerate(PAIRS, start=1):
        _rated([(therapist, a), (intern, b)], therapist, client_record, seed)
    client.force_login(intern)
    response = client.get(reverse("artworks:agreement"))
    body = response.content.decode()
    assert response.status_code == 200
    scales = response.context["scales"]
    assert [s["scale"].name for s in scales] == [name for _, name in FEATS_SCALES]
    for row in scales:
        assert row["scale"].artworks == 6 and row["method"] == "ICC(2,1)"
        assert row["low"] < row["value"] < row["high"]
    assert body.count("ICC(2,1)</span>") == 14 and "95 % interval" in body
    assert "Weighted kappa" not in body and "Computer" not in body
    assert "2 raters" in body and "Cicchetti" in body and "McGraw" in body


def test_when_raters_vary_across_artworks_agreement_is_icc_1_1(client, therapist, intern, supervisor, client_record):
    for seed, (a, b) in enumerate(PAIRS, start=1):
        second = intern if seed % 2 else supervisor
        _rated([(therapist, a), (second, b)], therapist, client_record, seed)
    client.force_login(therapist)
    response = client.get(reverse("artworks:agreement"))
    assert {row["method"] for row in response.context["scales"]} == {"ICC(1,1)"}
    assert "3 raters" in response.content.decode()


def test_agreement_needs_five_artworks_and_says_so_in_words(client, therapist, intern, client_record):
    for seed, (a, b) in enumerate(PAIRS[:4], start=1):
        _rated([(therapist, a), (intern, b)], therapist, client_record, seed)
    client.force_login(therapist)
    response = client.get(reverse("artworks:agreement"))
    body = response.content.decode()
    assert body.count("Too few artworks: 4 rated by two or more raters; the figure needs at least 5.") == 14
    assert all(row["value"] is None for row in response.context["scales"])


def test_agreement_counts_only_artworks_the_user_may_read(client, therapist, intern, outsider, client_record):
    for seed, (a, b) in enumerate(PAIRS, start=1):
        _rated([(therapist, a), (intern, b)], therapist, client_record, seed)
    client.force_login(outsider)
    body = client.get(reverse("artworks:agreement")).content.decode()
    assert "Tess Rivera" not in body and "0 raters" in body
    assert body.count("Too few artworks: 0 rated") == 14


def test_estimates_never_count_as_a_rater_outside_the_research_view(client, therapist, intern, client_record):
    for seed, (a, b) in enumerate(PAIRS, start=1):
        _rated([(therapist, a), (intern, b)], therapist, client_record, seed)
    client.force_login(therapist)
    before = [row["value"] for row in client.get(reverse("artworks:agreement")).context["scales"]]
    for seed, (a, _) in enumerate(PAIRS, start=10):
        _rated([(therapist, a)], therapist, client_record, seed, estimates={"space": a, "details": 2.0})
    response = client.get(reverse("artworks:agreement"))
    assert [row["value"] for row in response.context["scales"]] == before
    assert response.context["research"] is None and "Research only" not in response.content.decode()


def test_the_research_view_sets_each_rater_beside_the_estimates_labelled_research_only(
    client, therapist, intern, client_record
):
    for seed, (a, b) in enumerate(PAIRS, start=1):
        _rated([(therapist, a), (intern, b)], therapist, client_record, seed, estimates={"space": a - 0.5})
    # Left out of the research figures: a sheet not found, and a piece not in the PPAT's markers.
    _rated([(therapist, 5), (intern, 5)], therapist, client_record, 20, estimates={"space": 0.0}, page_found=False)
    _rated([(therapist, 5), (intern, 5)], therapist, client_record, 21, estimates={"space": 0.0}, media="pencil")
    client.force_login(intern)
    response = client.get(reverse("artworks:agreement") + "?include=estimates")
    body = response.content.decode()
    assert "Research only" in body and "not a validated instrument" in body
    research = response.context["research"]
    assert [(r["row"].name, r["row"].rater, r["row"].artworks) for r in research] == [
        ("Space", "Ian Novak", 6),
        ("Space", "Tess Rivera", 6),
    ]
    assert research[1]["value"] > 0.8 and research[1]["low"] < research[1]["value"]
    assert all(row["scale"].artworks == 8 for row in response.context["scales"])


def test_agreement_is_for_clinicians(client, teamviewer, admin):
    for person in (teamviewer, admin):
        client.force_login(person)
        assert client.get(reverse("artworks:agreement")).status_code == 403


def test_agreement_queries_do_not_grow_with_the_artworks(client, therapist, intern, client_record):
    client.force_login(therapist)
    _rated([(therapist, 3), (intern, 2.5)], therapist, client_record, 1, estimates={"space": 3.0})
    url = reverse("artworks:agreement") + "?include=estimates"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for seed in range(2, 7):
        _rated([(therapist, 3), (intern, 2.5)], therapist, client_record, seed, estimates={"space": 3.0})
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)

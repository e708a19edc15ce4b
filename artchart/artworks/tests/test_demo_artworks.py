"""The demo's artworks: real uploads of synthetic drawings, analysed, rated by two raters.

Built once for the module (as artchart/core/tests/test_demo_practice.py does), in a
transaction rolled back at the end.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.utils import timezone

from artchart.artworks.demo import INTERN_RATER, THERAPIST_RATER
from artchart.artworks.models import FEATS, Analysis, Annotation, Artwork, ArtworkGrant, Photo, Rating
from artchart.artworks.selectors import agreement_by_scale, feats_estimates_of
from artchart.artworks.services.consent import usable_for
from artchart.artworks.services.ratings import rating_intact
from artchart.core import audit
from artchart.core.models import AuditEvent
from artchart.outcomes import Agreement


@pytest.fixture(scope="module")
def demo_output(demo_practice):
    """The demo's media folder (the tests after it each have a media folder of their own)."""
    _output, media = demo_practice
    return media


@pytest.fixture(autouse=True)
def _each_test_in_a_savepoint(db):
    pass


def test_about_a_dozen_clients_have_three_to_eight_pieces_made_in_their_sessions(demo_output):
    per_client = Counter(Artwork.objects.values_list("client_id", flat=True))
    assert 10 <= len(per_client) <= 12
    assert all(3 <= count <= 8 for count in per_client.values()), per_client
    media = set(Artwork.objects.values_list("media", flat=True))
    assert len(media) >= 5
    for artwork in Artwork.objects.select_related("session"):
        assert artwork.session is not None
        assert artwork.made_on == timezone.localtime(artwork.session.starts_at).date()
        assert artwork.made_on <= timezone.localdate()


def test_every_photo_is_stored_and_analysed(demo_output):
    media_root = demo_output
    photos = list(Photo.objects.all())
    assert photos and {p.analysis_status for p in photos} == {"ready"}
    assert Analysis.objects.values("photo").distinct().count() == len(photos)
    for photo in photos:
        assert (photo.width, photo.height) == (1200, 900)
        for name in (photo.file, photo.thumb_small, photo.thumb_large):
            assert (media_root / name).is_file(), name
    features = Analysis.objects.first().features
    assert 0 < features["coverage"] < 1 and features["palette"]


def test_ppats_at_intake_and_later_are_rated_on_feats_by_two_raters(demo_output):
    ppats = Artwork.objects.filter(assessment__code="ppat")
    per_client = Counter(ppats.values_list("client_id", flat=True))
    assert len(per_client) == 4 and set(per_client.values()) == {2}
    ratings = list(Rating.objects.filter(system=FEATS).select_related("rater"))
    assert len(ratings) == 16 and all(rating_intact(r) for r in ratings)
    raters_per_piece = Counter(r.artwork_id for r in ratings)
    assert set(raters_per_piece.values()) == {2}
    assert {r.rater.username for r in ratings} >= {"therapist", "intern"}
    for client_id in per_client:  # the intake drawing comes first, the second one later
        first, second = ppats.filter(client_id=client_id).order_by("made_on")
        assert first.made_on < second.made_on


def test_the_ppats_show_a_person_picking_an_apple_from_a_tree_and_have_estimates(demo_output):
    for artwork in Artwork.objects.filter(assessment__code="ppat").select_related("assessment"):
        features = artwork.photos.get().analysis.features
        names = {colour["name"] for colour in features["palette"]}
        assert "red" in names and "brown" in names and names & {"green", "light green"}  # apples, trunk, leaves
        estimates = feats_estimates_of(artwork)
        assert estimates is not None and estimates.scores and not estimates.medium_differs


def test_the_raters_scores_come_from_the_rater_model_not_the_estimates(demo_output):
    report = agreement_by_scale(
        Artwork.objects.filter(assessment__code="ppat")
        .select_related("assessment")
        .prefetch_related("ratings__rater", "photos__analyses"),
        include_estimates=True,
    )
    assert [s.artworks for s in report.scales] == [8] * 14
    humans = [s.result.value for s in report.scales if isinstance(s.result, Agreement)]
    assert len(humans) == 14 and {s.result.method for s in report.scales} == {"ICC(2,1)"}
    computer = [r.result.value for r in report.research or [] if isinstance(r.result, Agreement)]
    assert len(computer) == 6  # three scales, two raters
    # Raters who score the piece, not the computer's figure, agree more with each other than with it.
    assert sum(humans) / len(humans) > sum(computer) / len(computer) + 0.3


def test_the_rater_model_gives_each_rater_their_lean_and_spread():
    rng = random.Random(1)
    for model in (THERAPIST_RATER, INTERN_RATER):
        errors = [model.score(rng, 2.5) - 2.5 for _ in range(4000)]
        mean = sum(errors) / len(errors)
        spread = (sum((e - mean) ** 2 for e in errors) / len(errors)) ** 0.5
        assert mean == pytest.approx(model.lean, abs=0.05)
        assert spread == pytest.approx(model.noise, abs=0.06)  # half-point rounding adds a little
    assert INTERN_RATER.score(random.Random(2), 4.9) <= 5.0 and THERAPIST_RATER.score(random.Random(2), 0) >= 0


def test_a_sculpture_has_two_sides_and_a_piece_is_masked_and_granted_for_exhibit(demo_output):
    sculpture = Artwork.objects.get(dimension="3d")
    assert sorted(sculpture.photos.values_list("caption", flat=True)) == ["front", "left side"]
    mask = Annotation.objects.get()
    assert mask.kind == "cover" and mask.photo.deidentified
    assert (demo_output / mask.photo.deidentified).is_file()
    grant = ArtworkGrant.objects.get()
    assert grant.scope == "exhibit" and grant.artwork == mask.photo.artwork
    assert usable_for(grant.artwork, "exhibit")


def test_each_artwork_was_recorded_through_the_service_with_its_own_event(demo_output):
    created = AuditEvent.objects.filter(action="artwork.create")
    assert created.count() == Artwork.objects.count()
    assert AuditEvent.objects.filter(action="artwork.rating_sign").count() == Rating.objects.count()
    assert audit.verify().ok

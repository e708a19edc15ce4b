"""Ratings: the scales and their steps, who may rate, what may be rated, signed and final."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from artchart.artworks.models import FEATS_SCALES, AssessmentType, Rating
from artchart.artworks.services.ratings import rating_intact, rating_sign, systems_for
from artchart.core.access import Conflict
from artchart.core.models import AuditEvent
from artchart.tests.factories import ArtworkFactory

pytestmark = pytest.mark.django_db


def ppat():
    return AssessmentType.objects.get(code="ppat", organization=None)


@pytest.fixture
def drawing(therapist, client_record):
    return ArtworkFactory(client=client_record, created_by=therapist, assessment=ppat())


def scores(value=3, **overrides):
    return {**{key: value for key, _ in FEATS_SCALES}, **overrides}


def test_a_signed_rating_is_stored_with_its_hash_and_audited(therapist, drawing):
    rating = rating_sign(by=therapist, artwork=drawing, system="feats", scores=scores(2.5), comment=" Calm. ")
    assert rating.scores["space"] == 2.5 and rating.comment == "Calm."
    assert rating_intact(rating)
    assert AuditEvent.objects.filter(action="artwork.rating_sign").count() == 1


def test_a_changed_rating_is_no_longer_intact(therapist, drawing):
    rating = rating_sign(by=therapist, artwork=drawing, system="feats", scores=scores())
    rating.scores["logic"] = 5
    assert not rating_intact(rating)


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"space": 5.5}, "outside"),
        ({"space": -0.5}, "outside"),
        ({"space": 2.25}, "steps of 0.5"),
        ({"space": "lots"}, "not a number"),
        ({"colour": 3}, "Unknown scales"),
    ],
)
def test_out_of_range_off_step_and_unknown_scores_are_refused(therapist, drawing, bad, message):
    with pytest.raises(ValidationError) as refused:
        rating_sign(by=therapist, artwork=drawing, system="feats", scores=scores(**bad))
    assert message in " ".join(refused.value.messages)
    assert not Rating.objects.exists()


def test_every_scale_needs_a_score(therapist, drawing):
    given = scores()
    del given["rotation"], given["person"]
    with pytest.raises(ValidationError) as refused:
        rating_sign(by=therapist, artwork=drawing, system="feats", scores=given)
    assert "missing: Person, Rotation" in refused.value.messages[0]


def test_half_points_at_both_ends_are_fine(therapist, drawing):
    rating = rating_sign(by=therapist, artwork=drawing, system="feats", scores=scores(0, space=5, logic=0.5))
    assert rating.scores["space"] == 5 and rating.scores["logic"] == 0.5


@pytest.mark.parametrize(
    "fields",
    [
        {"dimension": "3d", "media": "clay", "assessment": None},
        {"media": "collage"},
        {"assessment": None},
        {"assessment_code": "dds"},
    ],
)
def test_pieces_that_are_not_feats_ratable(therapist, client_record, fields):
    fields = dict(fields)
    code = fields.pop("assessment_code", None)
    if code:
        fields["assessment"] = AssessmentType.objects.get(code=code, organization=None)
    artwork = ArtworkFactory(client=client_record, created_by=therapist, **{"assessment": ppat(), **fields})
    assert all(system.code != "feats" for system in systems_for(artwork))
    with pytest.raises(ValidationError):
        rating_sign(by=therapist, artwork=artwork, system="feats", scores=scores())
    assert not Rating.objects.exists()


def test_signed_twice_is_a_conflict(therapist, drawing):
    rating_sign(by=therapist, artwork=drawing, system="feats", scores=scores())
    with pytest.raises(Conflict):
        rating_sign(by=therapist, artwork=drawing, system="feats", scores=scores(4))
    assert Rating.objects.get().scores["space"] == 3


def test_intern_and_supervisor_may_rate_beside_the_therapist(therapist, intern, supervisor, drawing):
    for person in (therapist, intern, supervisor):
        rating_sign(by=person, artwork=drawing, system="feats", scores=scores())
    assert Rating.objects.count() == 3


def test_a_team_viewer_may_not_rate(teamviewer, drawing):
    with pytest.raises(PermissionDenied):
        rating_sign(by=teamviewer, artwork=drawing, system="feats", scores=scores())


def test_an_outsider_gets_404(outsider, drawing):
    from django.http import Http404

    with pytest.raises(Http404):
        rating_sign(by=outsider, artwork=drawing, system="feats", scores=scores())

"""The practice's own assessment types: added as data by admins, with FEATS and scales of their own."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from artchart.artworks.models import Artwork, AssessmentType
from artchart.artworks.services.assessments import assessment_type_create, parse_scales
from artchart.artworks.services.ratings import systems_for
from artchart.core.models import AuditEvent


def test_admin_adds_an_assessment_with_its_own_scales(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("artworks:assessment_type_create"),
        {
            "name": "Bridge drawing (FEATS-adapted)",
            "task": "Draw a bridge from some place to some place.",
            "feats_ratable": "on",
            "standard_media": "pencil",
            "rating_scales": "Direction, 0, 2, 1\nSelf placement, 0, 4, 0.5",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    made = AssessmentType.objects.get(organization=admin.organization)
    assert made.code == "bridge-drawing-feats-adapted" and made.feats_ratable and made.standard_media == "pencil"
    assert made.rating_scales == [
        {"name": "Direction", "min": 0, "max": 2, "step": 1},
        {"name": "Self placement", "min": 0, "max": 4, "step": 0.5},
    ]
    assert AuditEvent.objects.filter(action="assessment_type.create", object_id=str(made.pk)).exists()
    page = client.get(reverse("artworks:assessment_type_list"))
    assert (
        "Bridge drawing (FEATS-adapted)" in page.content.decode()
        and "Diagnostic Drawing Series" in page.content.decode()
    )


@pytest.mark.parametrize("text", ["Direction", "Direction, zero, 2", "Direction, 3, 2, 1", "Direction, 0, 2, 5"])
def test_a_badly_written_scale_is_refused_with_its_line(client, admin, text):
    client.force_login(admin)
    response = client.post(reverse("artworks:assessment_type_create"), {"name": "Mine", "rating_scales": text})
    assert response.status_code == 200 and "Line 1" in response.content.decode()
    assert not AssessmentType.objects.filter(organization=admin.organization).exists()


def test_a_shipped_assessment_is_not_edited_by_a_practice(client, admin):
    client.force_login(admin)
    ppat = AssessmentType.objects.get(code="ppat", organization=None)
    assert client.get(reverse("artworks:assessment_type_edit", args=[ppat.pk])).status_code == 404


def test_therapists_do_not_manage_assessments(therapist):
    with pytest.raises(PermissionDenied):
        assessment_type_create(by=therapist, name="Mine")


def test_feats_is_a_reserved_name(admin):
    with pytest.raises(ValidationError):
        assessment_type_create(by=admin, name="FEATS")


def test_own_scales_become_a_rating_system(admin, therapist, client_record):
    own = assessment_type_create(by=admin, name="Mandala check", rating_scales=parse_scales("Balance, 1, 5, 1"))
    artwork = Artwork(
        client=client_record, assessment=own, made_on=client_record.created_at.date(), created_by=therapist
    )
    systems = systems_for(artwork)
    assert [s.code for s in systems] == ["mandala-check"]
    assert systems[0].scales[0].name == "Balance" and systems[0].scales[0].high == 5


@pytest.mark.django_db
def test_the_shipped_assessments_name_the_medium_their_protocol_prescribes():
    standard = dict(AssessmentType.objects.filter(organization=None).values_list("code", "standard_media"))
    assert standard["ppat"] == "marker" and standard["dds"] == "chalk_pastel" and standard["htp"] == "pencil"
    assert standard["bridge"] == ""  # "any drawing tools": no medium to differ from

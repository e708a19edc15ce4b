"""Recording and correcting a piece: its details are checked before anything is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from artchart.artworks.models import Artwork, AssessmentType
from artchart.artworks.services.artworks import artwork_create, artwork_update
from artchart.core.models import AuditEvent
from artchart.tests.factories import ClientFactory, SessionFactory

pytestmark = pytest.mark.django_db


def ppat():
    return AssessmentType.objects.get(code="ppat", organization=None)


def test_a_piece_under_an_assessment_keeps_protocol_time_and_inquiry(therapist, client_record):
    artwork = artwork_create(
        by=therapist,
        client=client_record,
        made_on=dt.date(2026, 2, 1),
        assessment=ppat(),
        protocol_variant="12 × 18 in, 12 markers",
        time_taken_minutes=20,
        time_limit_minutes=40,
        inquiry=[{"question": "Tell me about it", "answer": "Apples"}, ("", "ignored"), ("Who?", "")],
    )
    assert list(artwork.inquiry.values_list("question", "answer")) == [("Tell me about it", "Apples"), ("Who?", "")]
    assert AuditEvent.objects.get(action="artwork.create").detail["assessment"] == ppat().pk


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"protocol_variant": "standard"}, "assessment"),
        ({"assessment": "ppat", "dimension": "3d"}, "assessment"),
        ({"assessment": "ppat", "time_taken_minutes": 60, "time_limit_minutes": 30}, "time_taken_minutes"),
        ({"made_on": dt.date.today() + dt.timedelta(days=2)}, "made_on"),
    ],
)
def test_inconsistent_details_are_refused_and_nothing_is_stored(therapist, client_record, fields, field):
    fields = {"made_on": dt.date(2026, 2, 1), **fields}
    if fields.get("assessment") == "ppat":
        fields["assessment"] = ppat()
    with pytest.raises(ValidationError) as refused:
        artwork_create(by=therapist, client=client_record, **fields)
    assert field in refused.value.message_dict
    assert not Artwork.objects.exists()


def test_a_session_of_another_client_is_refused(therapist, client_record, site):
    other = SessionFactory(client=ClientFactory(site=site), therapist=therapist)
    with pytest.raises(ValidationError) as refused:
        artwork_create(by=therapist, client=client_record, made_on=dt.date(2026, 11, 1), session=other)
    assert "session" in refused.value.message_dict


def test_update_records_the_fields_changed(therapist, client_record):
    artwork = artwork_create(by=therapist, client=client_record, made_on=dt.date(2026, 2, 1), title="Draft")
    artwork_update(by=therapist, artwork=artwork, title="Final", disposition="with_client")
    event = AuditEvent.objects.get(action="artwork.update")
    assert set(event.detail["fields"]) == {"title", "disposition"}


def test_the_intern_may_record_and_the_viewer_may_not(intern, teamviewer, client_record):
    from django.core.exceptions import PermissionDenied

    artwork_create(by=intern, client=client_record, made_on=dt.date(2026, 2, 1))
    with pytest.raises(PermissionDenied):
        artwork_create(by=teamviewer, client=client_record, made_on=dt.date(2026, 2, 1))
    assert Artwork.objects.count() == 1


def test_an_update_works_on_the_stored_row_and_one_changing_nothing_is_not_audited(therapist, client_record):
    artwork = artwork_create(by=therapist, client=client_record, made_on=dt.date(2026, 2, 1), title="Draft")
    stale = Artwork.objects.get(pk=artwork.pk)
    artwork_update(by=therapist, artwork=artwork, title="Final")
    updated = artwork_update(by=therapist, artwork=stale, disposition="with_client")
    assert (updated.title, updated.disposition) == ("Final", "with_client")
    artwork_update(by=therapist, artwork=stale, title="Final", inquiry=[])
    events = AuditEvent.objects.filter(action="artwork.update").order_by("pk")
    assert [event.detail["fields"] for event in events] == [["title"], ["disposition"]]

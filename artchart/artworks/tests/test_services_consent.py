"""What the client's consents allow for their artwork, and grants piece by piece."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from artchart.artworks.services.artworks import grant_add, grant_revoke
from artchart.artworks.services.consent import badges, consent_in_force, scopes_in_force, usable_for
from artchart.tests.factories import ArtworkFactory, ConsentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def piece(therapist, client_record):
    return ArtworkFactory(client=client_record, created_by=therapist)


def by_scope(artwork, client):
    return {b.scope: b for b in badges(artwork, scopes_in_force(client.pk))}


def test_the_newest_decision_counts(therapist, client_record):
    ConsentFactory(client=client_record, kind="research", recorded_by=therapist, signed_on=dt.date(2026, 1, 1))
    assert consent_in_force(client_record.pk, "research") is not None
    ConsentFactory(
        client=client_record, kind="research", decision="refused", recorded_by=therapist, signed_on=dt.date(2026, 2, 1)
    )
    assert consent_in_force(client_record.pk, "research") is None
    assert "research" not in scopes_in_force(client_record.pk)


def test_a_grant_needs_the_clients_consent(therapist, client_record, piece):
    with pytest.raises(ValidationError) as refused:
        grant_add(by=therapist, artwork=piece, scope="exhibit", granted_on=dt.date(2026, 2, 1))
    assert "no consent in force for this use" in refused.value.messages[0]
    assert not piece.grants.exists()


def test_grant_and_withdraw_change_the_badges_and_the_use(therapist, client_record, piece):
    ConsentFactory(client=client_record, kind="exhibit", recorded_by=therapist)
    assert by_scope(piece, client_record)["exhibit"].why == "consent given; this piece not yet granted"
    grant = grant_add(by=therapist, artwork=piece, scope="exhibit", granted_on=dt.date(2026, 2, 1))
    assert by_scope(piece, client_record)["exhibit"].allowed and usable_for(piece, "exhibit")
    with pytest.raises(ValidationError):
        grant_add(by=therapist, artwork=piece, scope="exhibit", granted_on=dt.date(2026, 2, 2))
    grant_revoke(by=therapist, grant=grant)
    assert not usable_for(piece, "exhibit")


def test_only_exhibit_publication_and_research_are_granted_per_piece(therapist, client_record, piece):
    ConsentFactory(client=client_record, kind="teaching", recorded_by=therapist)
    with pytest.raises(ValidationError):
        grant_add(by=therapist, artwork=piece, scope="teaching", granted_on=dt.date(2026, 2, 1))
    assert usable_for(piece, "teaching")


def test_a_revoked_consent_takes_a_granted_piece_out(therapist, client_record, piece):
    consent = ConsentFactory(client=client_record, kind="publication", recorded_by=therapist)
    grant_add(by=therapist, artwork=piece, scope="publication", granted_on=dt.date(2026, 2, 1))
    consent.revoked_on = dt.date(2026, 2, 5)
    consent.save()
    assert not usable_for(piece, "publication")
    assert not by_scope(piece, client_record)["publication"].allowed


def test_a_team_viewer_may_not_grant(teamviewer, therapist, client_record, piece):
    from django.core.exceptions import PermissionDenied

    ConsentFactory(client=client_record, kind="exhibit", recorded_by=therapist)
    with pytest.raises(PermissionDenied):
        grant_add(by=teamviewer, artwork=piece, scope="exhibit", granted_on=dt.date(2026, 2, 1))

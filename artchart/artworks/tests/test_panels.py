"""The artworks cards on the chart, the session page and the dashboard."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from artchart.artworks.models import AnalysisStatus, Photo
from artchart.artworks.panels import chart_panels, dashboard_panels
from artchart.clients.selectors import client_get_for_user
from artchart.tests.factories import artwork_with_photo

pytestmark = pytest.mark.django_db


def test_chart_shows_the_artwork_card_with_the_latest_six(client, therapist, client_record):
    for seed in range(8):
        artwork_with_photo(by=therapist, client=client_record, seed=seed, title=f"Piece {seed}")
    client.force_login(therapist)
    body = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    assert "Artwork <span" in body and "(8)" in body
    # The straightened page (what was measured, without the table), as the timeline shows it.
    assert body.count("/page_small/") == 6 and body.count("(the page, straightened)") == 6
    assert reverse("artworks:timeline", args=[client_record.pk]) in body
    assert reverse("artworks:create", args=[client_record.pk]) in body
    assert reverse("artworks:trends", args=[client_record.pk]) in body


def test_chart_card_is_not_shown_to_a_team_viewer(teamviewer, client_record):
    access = client_get_for_user(teamviewer, client_record.pk)
    assert chart_panels(access) == []


def test_chart_card_queries_do_not_grow_with_the_pieces(therapist, client_record):
    artwork_with_photo(by=therapist, client=client_record, seed=1)
    access = client_get_for_user(therapist, client_record.pk)
    with CaptureQueriesContext(connection) as few:
        chart_panels(access)
    for seed in range(2, 9):
        artwork_with_photo(by=therapist, client=client_record, seed=seed)
    with CaptureQueriesContext(connection) as many:
        chart_panels(access)
    assert len(many) == len(few)


def test_dashboard_lists_failed_analyses_and_the_agreement_link(client, therapist, intern, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record, title="Blurry one")
    Photo.objects.filter(artwork=artwork).update(
        analysis_status=AnalysisStatus.FAILED, analysis_error="The photo is too dark."
    )
    client.force_login(therapist)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Blurry one" in body and "too dark" in body
    assert dashboard_panels(intern)[0].context["agreement"] is True


def test_dashboard_card_is_light(therapist, supervisor, client_record):
    with CaptureQueriesContext(connection) as queries:
        dashboard_panels(supervisor)
    assert len(queries) <= 2
    assert dashboard_panels(therapist) == []

"""Honest change statistics on the pages: a course the computed method cannot judge says why, the chart
names both the band and the cut-off where they part ways and which the course uses, and the program page
says plainly when the interval for the mean change includes zero."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from artchart import outcomes
from artchart.measures.services.administrations import administration_record
from artchart.measures.tests.test_program import PAGE, cohort
from artchart.measures.views.client import CUTOFF_AND_BAND, CUTOFF_KINDS, CUTOFF_NOT_USED, NOT_CLASSIFIED
from artchart.measures.views.program import INTERVAL_INCLUDES_ZERO


def _today():
    """Today in the practice's zone, read when asked: a run that crosses midnight must not compare two days."""
    return timezone.localdate()


pytestmark = pytest.mark.django_db


def _record(by, client, instrument, answers, days_ago):
    return administration_record(
        by=by,
        client=client,
        instrument=instrument,
        answers=answers,
        administered_on=_today() - dt.timedelta(days=days_ago),
    )


def _page(client, user, client_record) -> str:
    client.force_login(user)
    return html.unescape(client.get(reverse("measures:client_measures", args=[client_record.pk])).content.decode())


def test_gad7_chart_names_band_and_cutoff_and_judges_by_the_cutoff(client, therapist, client_record):
    _record(therapist, client_record, "gad7", [2, 2, 2, 2, 2, 1, 1], 30)  # 12
    _record(therapist, client_record, "gad7", [2, 2, 1, 1, 1, 1, 0], 2)  # 8
    page = _page(client, therapist, client_record)
    expected = CUTOFF_AND_BAND.format(
        lower="mild", upper="moderate", boundary="10", cutoff="8", kind=CUTOFF_KINDS["published"]
    )
    assert expected in page
    assert "Reliable improvement: from 12 to 8" in page and "Recovered" not in page.split("measure-course")[1][:200]


def test_rosenberg_course_is_not_classified_and_the_chart_shows_band_and_unused_cutoff(
    client, therapist, client_record
):

    reverse = [item.reverse for item in outcomes.load_instruments()["rses"].items]
    _record(therapist, client_record, "rses", [2 if r else 1 for r in reverse], 40)
    _record(therapist, client_record, "rses", [1 if r else 2 for r in reverse], 3)
    page = _page(client, therapist, client_record)
    assert NOT_CLASSIFIED.format(reason=outcomes.change.NO_CLINICAL_NORMS.format(name="RSES")) in page
    words = CUTOFF_NOT_USED.format(
        lower="low self-esteem", upper="within the normal range", boundary="15", cutoff="11.02", kind=CUTOFF_KINDS["b"]
    )
    assert words in page
    assert "cut-off 11 (not used)" in page


def test_phq9_with_band_and_caseness_at_10_adds_no_words(client, therapist, client_record):
    _record(therapist, client_record, "phq9", [2, 2, 2, 2, 2, 2, 2, 2, 0], 30)
    _record(therapist, client_record, "phq9", [1, 1, 1, 1, 1, 0, 0, 0, 0], 2)
    assert "measure-cutoff" not in _page(client, therapist, client_record)


def test_the_program_page_says_when_the_interval_includes_zero(client, programadmin, therapist, site):
    cohort(therapist, site, [(14, 12), (10, 13), (15, 11), (9, 12), (12, 10), (11, 12)])
    client.force_login(programadmin)
    page = client.get(PAGE).content.decode()
    assert "95 % CI" in page and INTERVAL_INCLUDES_ZERO in page


def test_a_clear_change_says_nothing_of_the_kind(client, programadmin, therapist, site):
    cohort(therapist, site)
    client.force_login(programadmin)
    page = client.get(PAGE).content.decode()
    assert "95 % CI" in page and INTERVAL_INCLUDES_ZERO not in page

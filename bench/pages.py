"""The pages a therapist opens most, against an empty authenticated page.

Each page is requested through the whole stack (Django's test client, the
demo therapist signed in, every middleware), interleaved with the floor — the
base layout rendered with nothing in it (``bench/urls.py``) — so drift in the
machine touches every measure alike. Each row gives the milliseconds per
request, the ratio to the floor and the queries one request makes.
"""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.db.models import Count
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from artchart.core.models import CareTeamRole, User
from artchart.therapy.models import Session, SessionStatus
from bench.table import Row

ROUNDS = 3


def session_of(therapist: User) -> Session:
    """A completed session of one of the therapist's own clients, the one with the most made in it."""
    return (
        Session.objects.filter(
            client__care_team__user=therapist,
            client__care_team__role=CareTeamRole.PRIMARY,
            status=SessionStatus.COMPLETED,
        )
        .annotate(pieces=Count("artworks", distinct=True), written=Count("notes", distinct=True))
        .order_by("-written", "-pieces", "-starts_at", "pk")
        .first()
    )


def _ms_per_request(browser: Browser, url: str, count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        response = browser.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}, expected 200")
    return (time.perf_counter() - start) * 1000 / count


def _queries(browser: Browser, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        browser.get(url)
    return len(captured.captured_queries)


def pages(therapist: User) -> dict[str, str]:
    session = session_of(therapist)
    return {
        "empty authenticated page (floor)": reverse("bench_blank"),
        "dashboard": reverse("dashboard"),
        "session page": reverse("therapy:session_detail", args=[session.pk]),
    }


@override_settings(ROOT_URLCONF="bench.urls")
def run(*, count: int) -> list[Row]:
    therapist = User.objects.get(username="therapist")
    browser = Browser()
    browser.force_login(therapist)
    urls = pages(therapist)
    for url in urls.values():  # warm templates, caches and the connection
        _ms_per_request(browser, url, 10)
    queries = {name: _queries(browser, url) for name, url in urls.items()}
    per_round = max(count // ROUNDS, 1)
    samples: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(ROUNDS):
        for name, url in urls.items():
            samples[name].append(_ms_per_request(browser, url, per_round))
    ms = {name: statistics.median(values) for name, values in samples.items()}
    floor = ms["empty authenticated page (floor)"]
    section = f"Pages, demo therapist ({per_round * ROUNDS} requests each, median of {ROUNDS} rounds)"
    return [Row(section, f"{name}, {queries[name]} queries", ms[name], "ms", ms[name] / floor) for name in urls]

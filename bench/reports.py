"""What a progress report costs against WeasyPrint alone.

A demo client is given six months of record the size a busy case has: 20 artworks with photos
(made through the artwork service, so each has its thumbnails and straightened page) and three
measures given four times each, so the report draws three charts. Two things are timed in the same
run, interleaved, the median of ROUNDS rounds:

* the floor: WeasyPrint laying out the report's finished HTML and CSS and writing the PDF
  (``render_pdf.html_to_pdf``), which no report can do without;
* the whole report as the page and ``artchart report`` make it (``report_export``): the access
  check, every read through the apps' selectors, the thumbnails from storage, the document, the
  HTML, the same WeasyPrint work, and the audit event.

Target: the whole report in at most 3× the floor. The absolute time is printed too.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import time

import pypdf
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone

from artchart.artworks.services.artworks import artwork_create
from artchart.clients.models import Client
from artchart.clients.selectors import clients_visible_to
from artchart.core.models import User
from artchart.imaging import synthetic
from artchart.measures import instruments
from artchart.measures.services.administrations import administration_record
from artchart.reports import render_pdf, selectors, services
from artchart.reports.document import Chart, Image
from bench.table import Row

ROUNDS = 5
ARTWORKS = 20
MEASURES = ("phq9", "gad7", "rses")
DAYS = 183


def run() -> list[Row]:
    therapist = User.objects.get(username="therapist")
    client = _client_of(therapist)
    end = timezone.localdate()
    start = end - dt.timedelta(days=DAYS)
    _six_months_of_record(therapist, client, start, end)
    access = selectors.report_access(therapist, client.pk, selectors.Kind.PROGRESS)
    document = selectors.progress_document(access, by=therapist, start=start, end=end)
    charts = sum(1 for block in document.blocks if isinstance(block, Chart))
    works = sum(1 for block in document.blocks if isinstance(block, Image))
    markup, css = render_pdf.to_html(document), render_pdf.stylesheet(document.meta)

    def floor() -> bytes:
        return render_pdf.html_to_pdf(markup, css)

    def whole() -> bytes:
        return services.report_export(
            by=therapist, client_id=client.pk, kind="progress", file_format="pdf", start=start, end=end
        ).data

    pages = len(pypdf.PdfReader(io.BytesIO(whole())).pages)
    ms = _medians({"floor": floor, "whole": whole})
    section = (
        f"Progress report, six months: {works} artworks, {charts} charts, {pages} A4 pages "
        f"(median of {ROUNDS}, interleaved)"
    )
    return [
        Row(section, "WeasyPrint alone: the finished HTML to PDF (floor)", ms["floor"], "ms", 1.0),
        Row(
            section,
            "report_export(): records to document to PDF, audited",
            ms["whole"],
            "ms",
            ms["whole"] / ms["floor"],
        ),
    ]


def _client_of(therapist: User) -> Client:
    """The therapist's client with the most artwork already: the demo's fullest case."""
    return clients_visible_to(therapist).annotate(works=Count("artworks")).order_by("-works", "pk").first()


def _six_months_of_record(therapist: User, client: Client, start: dt.date, end: dt.date) -> None:
    made = client.artworks.filter(made_on__gte=start, made_on__lte=end).count()
    for index in range(max(ARTWORKS - made, 0)):
        day = start + dt.timedelta(days=(index * DAYS) // ARTWORKS)
        picture = synthetic.photograph(synthetic.drawing(index, width=900, height=640), seed=index, size=(1200, 900))
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=88)
        upload = SimpleUploadedFile(f"bench-{index}.jpg", buffer.getvalue(), content_type="image/jpeg")
        artwork_create(
            by=therapist,
            client=client,
            photos=[upload],
            title=f"Bench piece {index + 1}",
            statement="The colours are how the week felt.",
            made_on=day,
        )
    available = instruments.available()
    for instrument_id in MEASURES:
        instrument = available[instrument_id]
        for visit in range(4):
            # Higher answers first, easing over the months; risk items stay at their lowest.
            answers = [
                item.lowest if item.risk else item.values[max(len(item.values) - 1 - visit, 0)]
                for item in instrument.items
            ]
            administration_record(
                by=therapist,
                client=client,
                instrument=instrument_id,
                answers=answers,
                administered_on=start + dt.timedelta(days=20 + 45 * visit),
                fit_reason="Benchmark record",
            )


def _medians(measures: dict) -> dict[str, float]:
    for function in measures.values():  # warm fonts, imports and caches
        function()
    samples: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(ROUNDS):
        for name, function in measures.items():
            began = time.perf_counter()
            function()
            samples[name].append((time.perf_counter() - began) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}

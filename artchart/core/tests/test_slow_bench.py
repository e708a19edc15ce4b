"""``artchart bench`` runs end to end on its own throw-away database and prints its table."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from artchart.core.models import AuditEvent

pytestmark = pytest.mark.slow


@pytest.mark.django_db
def test_bench_prints_every_figure_and_leaves_this_database_alone(capfd):
    events_before = AuditEvent.objects.count()
    call_command("bench", requests=9, writes=20, events=600, clients=100, stdout=StringIO())
    printed = capfd.readouterr().out
    for figure in (
        "empty authenticated page (floor)",
        "dashboard,",
        "session page,",
        "empty page, keepalive 204 (floor)",
        "client chart, read audited",
        "client chart, audit off",
        "audit.record()",
        "bare INSERT of the same row (floor)",
        "verify throughput",
        "WeasyPrint alone: the finished HTML to PDF (floor)",
        "report_export(): records to document to PDF, audited",
    ):
        assert figure in printed, printed
    assert "events/s" in printed
    assert AuditEvent.objects.count() == events_before

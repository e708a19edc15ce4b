"""API for reports: ``POST /clients/{client_id}/reports`` answers with the file itself.

The same service as the report page and ``artchart report``: an outsider gets 404, a period that
ends before it starts 400 with the message's code, and every file made is recorded in the audit log.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpResponse
from ninja import Router, Schema
from pydantic import Field

from artchart.core.api import Day, Id
from artchart.reports import services

router = Router(tags=["reports"])


class ReportIn(Schema):
    kind: Literal["plan", "progress"]
    format: Literal["pdf", "docx"] = "pdf"
    start: Day | None = Field(None, description="A progress report's first day (both days are included)")
    end: Day | None = Field(None, description="A progress report's last day")


@router.post(
    "clients/{client_id}/reports",
    response={200: None},
    url_name="report_export",
    summary="Make a report of the client as a PDF or Word file (the body of the answer is the file)",
)
def report_export(request, client_id: Id, payload: ReportIn):
    report = services.report_export(
        by=request.user,
        client_id=client_id,
        kind=payload.kind,
        file_format=payload.format,
        start=payload.start,
        end=payload.end,
    )
    response = HttpResponse(report.data, content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.name}"'
    response["Cache-Control"] = "no-store"
    return response

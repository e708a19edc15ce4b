"""Producing a report: check the request, build the document from the records the user may see,
render it, and record the print or export in the audit log.

One function serves the three doors (the client's report page, ``artchart report`` and any later API):
:func:`report_export`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from artchart.core import audit
from artchart.core.messages import UserMessage
from artchart.core.models import User
from artchart.reports import render_docx, render_pdf, selectors
from artchart.reports.audit_actions import ReportAction
from artchart.reports.document import Document
from artchart.reports.selectors import Kind

# The longest period one progress report covers: beyond two years a report stops being a progress report.
LONGEST_PERIOD_DAYS = 2 * 366

PERIOD_BACKWARDS = UserMessage(
    "report_period_backwards", "The period ends on {end}, before it starts on {start}; swap the two dates."
)
PERIOD_NEEDED = UserMessage("report_period_needed", "A progress report needs the first and the last day of its period.")
PERIOD_TOO_LONG = UserMessage(
    "report_period_too_long", "A progress report covers at most two years; choose a shorter period."
)
PERIOD_IN_FUTURE = UserMessage(
    "report_period_in_future", "The period starts after today; nothing has happened in it yet."
)


class Format(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"


RENDERERS: dict[str, tuple[Callable[[Document], bytes], str]] = {
    Format.PDF: (render_pdf.render, "application/pdf"),
    Format.DOCX: (render_docx.render, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
ACTIONS = {Kind.PLAN: ReportAction.REPORT_PLAN, Kind.PROGRESS: ReportAction.REPORT_PROGRESS}


@dataclass(frozen=True)
class ReportFile:
    name: str
    content_type: str
    data: bytes


def _check_period(kind: str, start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    if kind != Kind.PROGRESS:
        today = timezone.localdate()
        return start or today, end or today
    if start is None or end is None:
        raise ValidationError({"start" if start is None else "end": PERIOD_NEEDED})
    if end < start:
        raise ValidationError({"end": PERIOD_BACKWARDS.format(start=start.isoformat(), end=end.isoformat())})
    if start > timezone.localdate():
        raise ValidationError({"start": PERIOD_IN_FUTURE})
    if (end - start).days > LONGEST_PERIOD_DAYS:
        raise ValidationError({"start": PERIOD_TOO_LONG})
    return start, end


def report_export(
    *,
    by: User,
    client_id: int,
    kind: str,
    file_format: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> ReportFile:
    """The report as a file, recorded as printed or exported by ``by``. 404 for a client outside their
    care; a bad period is a ``ValidationError`` and nothing is recorded."""
    kind, file_format = Kind(kind), Format(file_format)
    access = selectors.report_access(by, client_id, kind)
    first, last = _check_period(kind, start, end)
    document = selectors.document_for(access, kind, by=by, start=first, end=last)
    render, content_type = RENDERERS[file_format]
    data = render(document)
    detail: dict[str, object] = {"format": str(file_format), "bytes": len(data)}
    if kind == Kind.PROGRESS:
        detail["days"] = (last - first).days + 1
    with transaction.atomic():
        audit.record(actor=by, action=ACTIONS[kind], obj=access.client, client_ids=[access.client.pk], detail=detail)
    # The export event names the client: the request's generic read event need not list it again.
    audit.read_recorded([access.client.pk])
    stamp = document.meta.produced_at.strftime("%Y-%m-%d")
    return ReportFile(f"{kind}-{access.client.initials.lower()}-{stamp}.{file_format}", content_type, data)

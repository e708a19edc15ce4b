"""Audit actions of reports: every print and export of a client's record as a document.

Each value is the code an event stores (never changed once events carry it); each label says what
happened in the words a clinician would use.
"""

from artchart.core.audit import AuditAction


class ReportAction(AuditAction):
    REPORT_PLAN = "report.plan", "Printed or exported a treatment plan"
    REPORT_PROGRESS = "report.progress", "Printed or exported a progress report"

"""Audit actions of the hours log toward the credential.

Each value is the code an event stores (never changed once events carry it); each label says what
happened in the words a clinician would use.
"""

from artchart.core.audit import AuditAction


class SupervisionAction(AuditAction):
    HOURS_LOG = "hours.log", "Logged hours toward the credential"
    HOURS_UPDATE = "hours.update", "Corrected logged hours"
    HOURS_CONFIRM = "hours.confirm", "Confirmed a supervisee's hours"
    HOURS_RETURN = "hours.return", "Returned a supervisee's hours with a reason"

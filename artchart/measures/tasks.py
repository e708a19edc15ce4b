"""Background work of the measures app.

django-tasks runs it at once in ``local``, and ``artchart worker`` runs it in ``server``.
"""

from __future__ import annotations

from django_tasks import task

from artchart.measures.services.escalation import alerts_escalate


@task()
def escalate_alerts() -> int:
    """Escalate the risk alerts left unacknowledged past RISK_ESCALATE_MINUTES; returns how many."""
    return alerts_escalate()

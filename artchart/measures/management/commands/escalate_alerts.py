"""``artchart escalate_alerts``: send risk alerts left unacknowledged too long to the supervising
and on-call clinicians.

Run it every few minutes (a cron line or a systemd timer); running it again escalates nothing
twice. In the ``server`` profile it enqueues the task for ``artchart worker``; in ``local`` the
task runs at once.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from artchart.measures.tasks import escalate_alerts


class Command(BaseCommand):
    help = "Escalate risk alerts unacknowledged past RISK_ESCALATE_MINUTES. Run every few minutes."

    def handle(self, *args, **options):
        result = escalate_alerts.enqueue()
        if result.is_finished:
            self.stdout.write(f"Escalated {result.return_value} risk alerts.")
        else:
            self.stdout.write(f"Enqueued for the worker (task {result.id}).")

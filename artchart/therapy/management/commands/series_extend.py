"""``artchart series_extend``: make the next weeks' sessions of every open recurring series.

Run it once a day (a cron line or a systemd timer). In the ``server`` profile it
enqueues the task for ``artchart worker``; in ``local`` the task runs at once.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from artchart.therapy.tasks import extend_open_series


class Command(BaseCommand):
    help = "Extend every open recurring series up to the horizon (SERIES_HORIZON_WEEKS). Run daily."

    def handle(self, *args, **options):
        result = extend_open_series.enqueue()
        if result.is_finished:
            self.stdout.write(f"Made {result.return_value} sessions.")
        else:
            self.stdout.write(f"Enqueued for the worker (task {result.id}).")

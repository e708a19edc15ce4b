"""``artchart worker``: run background tasks (the django-tasks database worker).

Needed in the ``server`` profile only; in ``local`` tasks run in the process that
enqueues them, so there is nothing to wait for.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

NOT_NEEDED = "The local profile runs background tasks at once; a worker is needed with --profile server only."


class Command(BaseCommand):
    help = "Run background tasks from the database queue (server profile)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of the queue.")
        parser.add_argument("--max-tasks", type=int, default=None, help="Stop after this many tasks.")

    def handle(self, *args, interval: float, max_tasks: int | None, **options):
        if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
            self.stdout.write(NOT_NEEDED)
            return
        extra = {"max_tasks": max_tasks} if max_tasks else {}
        call_command("db_worker", interval=interval, **extra)

"""``artchart sweep_files``: remove stored files no row names (left by a failed write).

Safe to run at any time, and daily on a server (cron or a systemd timer): files
younger than the grace period are never touched.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from artchart.core.stored_files import sweep


class Command(BaseCommand):
    help = "Remove stored files (photos, documents) that no record names, after a grace period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-hours", type=float, default=24.0, help="Leave files younger than this alone (default 24)."
        )
        parser.add_argument("--dry-run", action="store_true", help="List what would be removed; remove nothing.")

    def handle(self, *args, grace_hours: float, dry_run: bool, **options):
        result = sweep(grace=dt.timedelta(hours=grace_hours), dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        for name in result.removed:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(f"{verb} {len(result.removed)} of {result.checked} stored files.")

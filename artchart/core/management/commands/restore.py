"""``artchart restore FILE``: bring a backup into an empty instance, then verify its audit chain.

Refused, with nothing written, when the instance has any record or stored file
(``artchart migrate`` alone leaves it empty). The key is found as for ``artchart backup``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from artchart.core import backup


class Command(BaseCommand):
    help = "Restore a backup made by `artchart backup` into an empty instance; then verify the audit chain."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file")
        parser.add_argument("--key-file", help="a file whose first line is the backup passphrase")

    def handle(self, *args, file: str, key_file: str | None, **options):
        path = Path(file)
        try:
            result = backup.restore(path, key=lambda: backup.passphrase_from(key_file=key_file))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result.report.manifest
        self.stdout.write(
            f"Restored {path} (taken {manifest['created_at']}): {result.report.tables} tables, "
            f"{result.report.rows} rows, {result.media_files} stored files, every digest checked."
        )
        for note in result.notes:
            self.stdout.write(note)
        if not result.rows_match:
            raise CommandError("The restored database's row counts differ from the backup's manifest.")
        if result.unapplied:
            self.stdout.write(
                f"The backup predates {len(result.unapplied)} migrations of this ArtChart: run `artchart migrate`."
            )
        outcome = result.audit
        if not outcome.ok:
            raise CommandError(f"Audit chain broken at event #{outcome.first_bad_seq}: {outcome.problem}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {outcome.events} events, head #{outcome.head_seq}"))

"""``artchart backup FILE``, ``artchart backup verify FILE`` and ``artchart backup --scheduled``.

The key is the operator's passphrase: ``--key-file`` (its first line), else
``ARTCHART_BACKUP_PASSPHRASE``, else the file named by ``ARTCHART_BACKUP_KEY_FILE``.
How the file is built and sealed is in ``artchart/core/backup.py``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tasks.base import TaskResultStatus

from artchart.core import backup
from artchart.core.tasks import scheduled_backup

USAGE = "Use: artchart backup FILE | artchart backup verify FILE | artchart backup --scheduled"


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"


class Command(BaseCommand):
    help = "Back up the database and stored files to one encrypted file, or verify such a file."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("target", nargs="*", metavar="[verify] FILE", help="the backup file to write (or verify)")
        parser.add_argument("--key-file", help="a file whose first line is the backup passphrase")
        parser.add_argument(
            "--unencrypted",
            action="store_true",
            help="write the backup unencrypted (anyone holding the file can read every record)",
        )
        parser.add_argument(
            "--scheduled",
            action="store_true",
            help="back up into ARTCHART_BACKUP_DIR and keep the newest ARTCHART_BACKUP_KEEP (a background task)",
        )

    def handle(self, *args, target: list[str], key_file: str | None, unencrypted: bool, scheduled: bool, **options):
        try:
            if scheduled:
                if target or unencrypted:
                    raise CommandError("--scheduled takes no FILE and is always encrypted.")
                self.scheduled()
            elif len(target) == 2 and target[0] == "verify":
                self.verify(Path(target[1]), key_file)
            elif len(target) == 1 and target[0] != "verify":
                self.backup(Path(target[0]), key_file, unencrypted)
            else:
                raise CommandError(USAGE)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None

    def backup(self, path: Path, key_file: str | None, unencrypted: bool) -> None:
        if path.exists():
            raise CommandError(f"{path} already exists; choose a new name (a backup never overwrites a file).")
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        if unencrypted and key_file:
            raise CommandError("--unencrypted and --key-file contradict each other; choose one.")
        passphrase = None if unencrypted else backup.passphrase_from(key_file=key_file)
        if unencrypted:
            self.stderr.write(
                self.style.WARNING(
                    f"UNENCRYPTED backup: anyone who holds {path} can read every client record. "
                    "Keep it on encrypted storage."
                )
            )
        result = backup.create(path, passphrase=passphrase)
        for name in result.left_out:
            self.stderr.write(self.style.WARNING(f"Left out {name}: it is, or holds, one of ArtChart's keys."))
        sealed = "encrypted" if result.encrypted else "UNENCRYPTED"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {path} ({sealed}, {_size(path.stat().st_size)}): "
                f"{result.tables} tables, {result.rows} rows, audit head #{result.audit_head}, "
                f"{result.media_files} stored files ({_size(result.media_bytes)})."
            )
        )
        if result.encrypted:
            self.stdout.write("Keep the backup key apart from the backup: without it the backup cannot be read.")

    def verify(self, path: Path, key_file: str | None) -> None:
        report = backup.verify(path, key=lambda: backup.passphrase_from(key_file=key_file))
        manifest = report.manifest
        sealed = "encrypted" if report.encrypted else "UNENCRYPTED"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup intact ({sealed}, taken {manifest['created_at']}, {manifest['engine']}, "
                f"ArtChart {manifest['app_version']}): database {_size(report.database_bytes)}, "
                f"{report.tables} tables, {report.rows} rows, audit head #{manifest['audit_head']}, "
                f"{report.media_files} stored files ({_size(report.media_bytes)}); every digest matches."
            )
        )

    def scheduled(self) -> None:
        result = scheduled_backup.enqueue()
        if result.status == TaskResultStatus.FAILED:
            last = result.errors[-1].traceback.strip().splitlines()[-1] if result.errors else "no message"
            raise CommandError(f"Scheduled backup failed: {last.split(': ', 1)[-1]}")
        if result.is_finished:
            self.stdout.write(f"Backup written: {result.return_value}")
        else:
            self.stdout.write(f"Enqueued for the worker (task {result.id}).")

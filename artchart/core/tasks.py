"""Background work of core (django-tasks: run at once in ``local``, by ``artchart worker`` in ``server``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django_tasks import task

from artchart.core import backup


@task()
def scheduled_backup() -> str:
    """An encrypted backup into BACKUP_DIR, then only the BACKUP_KEEP newest kept; returns its path."""
    if not settings.BACKUP_DIR:
        raise backup.BackupError("Scheduled backups need ARTCHART_BACKUP_DIR (the folder to write them to).")
    folder = Path(settings.BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / backup.backup_name()
    backup.create(target, passphrase=backup.passphrase_from())
    backup.rotate(folder, settings.BACKUP_KEEP)
    return str(target)

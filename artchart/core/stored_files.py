"""Removing stored files that no row names, so that files and rows agree.

A file is written under its hash before the row that names it commits; if the
transaction then fails, the file is left behind with nothing naming it. The
sweeper removes such files once they are older than a grace period (so a file
whose row is still being committed is never touched).

Each installed app that stores files has a ``stored_files`` module with
``PREFIXES`` (the folders it writes under) and ``names_in_use(names) -> set``
(those of ``names`` its rows still name). core does not import the apps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

DEFAULT_GRACE = dt.timedelta(hours=24)
BATCH = 500


@dataclass
class SweepResult:
    checked: int = 0
    removed: list[str] = field(default_factory=list)


def _owners():
    for config in apps.get_app_configs():
        if config.name != __name__.rsplit(".", 1)[0] and module_has_submodule(config.module, "stored_files"):
            yield import_module(f"{config.name}.stored_files")


def _walk(storage: Storage, folder: str):
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _walk(storage, f"{folder}/{directory}")


def _batches(names, size: int = BATCH):
    batch = []
    for name in names:
        batch.append(name)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def sweep(
    *,
    grace: dt.timedelta = DEFAULT_GRACE,
    dry_run: bool = False,
    storage: Storage = default_storage,
    now: dt.datetime | None = None,
) -> SweepResult:
    """Remove (or with ``dry_run`` only list) files older than ``grace`` that no row names."""
    cutoff = (now or timezone.now()) - grace
    result = SweepResult()
    for owner in _owners():
        for prefix in owner.PREFIXES:
            if not storage.exists(prefix):
                continue
            for batch in _batches(_walk(storage, prefix)):
                result.checked += len(batch)
                in_use = owner.names_in_use(batch)
                for name in batch:
                    if name in in_use or storage.get_modified_time(name) > cutoff:
                        continue
                    if not dry_run:
                        storage.delete(name)
                    result.removed.append(name)
    return result

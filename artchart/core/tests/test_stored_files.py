"""The sweeper removes stored files no row names, and only once they are past the grace period."""

from __future__ import annotations

import datetime as dt
import os
import time

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from artchart.core.stored_files import sweep
from artchart.tests.factories import artwork_with_photo


def _orphan(name: str, *, age_hours: float) -> str:
    saved = default_storage.save(name, ContentFile(b"left by a failed write"))
    then = time.time() - age_hours * 3600
    os.utime(default_storage.path(saved), (then, then))
    return saved


def test_old_orphans_go_named_and_young_files_stay(therapist, client_record):
    artwork = artwork_with_photo(by=therapist, client=client_record)
    photo = artwork.photos.get()
    old = _orphan("artworks/ab/" + "ab" * 32 + ".jpg", age_hours=30)
    young = _orphan("artworks/cd/" + "cd" * 32 + ".jpg", age_hours=1)
    old_document = _orphan("documents/ef/" + "ef" * 32 + ".pdf", age_hours=48)
    os.utime(default_storage.path(photo.file), (time.time() - 99 * 3600,) * 2)

    result = sweep(grace=dt.timedelta(hours=24))

    assert sorted(result.removed) == sorted([old, old_document])
    assert not default_storage.exists(old) and not default_storage.exists(old_document)
    for kept in (young, photo.file, photo.thumb_small, photo.thumb_large):
        assert default_storage.exists(kept)


def test_dry_run_removes_nothing(therapist, client_record, capsys):
    old = _orphan("artworks/ab/" + "ab" * 32 + ".jpg", age_hours=30)
    call_command("sweep_files", "--dry-run")
    assert default_storage.exists(old)
    assert "Would remove 1 of 1 stored files." in capsys.readouterr().out

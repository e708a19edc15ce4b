"""``artchart reanalyze [--dry-run]``: analyse again every stored photo whose features were made by
an older feature version, so existing rows get the current shape and figures.

A new ``FEATURES_VERSION`` changes what the numbers mean; trends never compare
figures of two versions, so after an upgrade the practice runs this once (or the
operator's deploy does). Each photo goes through ``photo_analyse``, the same
service the background task calls, on the corners marked on it if any: its
thumbnails, page images and a new analysis row are written, the old version's
row stays. Photos already at the current version are left alone, so a second
run does nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from artchart.artworks.services.photos import photo_analyse, photos_to_reanalyse
from artchart.imaging import FEATURES_VERSION


class Command(BaseCommand):
    help = "Analyse again every photo whose features are of an older version (or missing)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count them, change nothing")

    def handle(self, *args, dry_run: bool = False, **options):
        ids = list(photos_to_reanalyse().values_list("pk", flat=True))
        if dry_run:
            self.stdout.write(f"{len(ids)} photo(s) would be analysed again (feature version {FEATURES_VERSION}).")
            return
        outcomes = {"ready": 0, "failed": 0, "gone": 0}
        for photo_id in ids:
            outcomes[photo_analyse(photo_id)] += 1
        self.stdout.write(
            f"Analysed {len(ids)} photo(s) again with feature version {FEATURES_VERSION}: "
            f"{outcomes['ready']} ready, {outcomes['failed']} failed."
        )
        if outcomes["failed"]:
            raise CommandError(f"{outcomes['failed']} photo(s) could not be analysed; see their analysis error.")

"""``artchart import FOLDER --client ID --by USERNAME``: file a folder of artwork photos, one artwork per file.

Every file goes through ``artwork_create`` as an upload would, so the care team,
the client's consent to photograph for the record and the file checks all apply,
and each artwork has its own audit event (and nothing else is recorded). Files
that are not pictures (a notes.txt, a .DS_Store) are reported and skipped; a
picture the checks refuse is reported with the reason, and the command then
exits with status 1. A photo the client's record already holds (the same stored
copy) is "already there", so running the import again adds nothing twice.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from artchart.artworks.models import Media, Photo
from artchart.artworks.selectors import artwork_access
from artchart.artworks.services import photos as photo_services
from artchart.artworks.services.artworks import artwork_create, assessments_for
from artchart.clients.models import Client
from artchart.core.models import User
from artchart.core.permissions import Action
from artchart.therapy.selectors.sessions import sessions_booking

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".heic", ".heif"}
CAMERA_NAME = re.compile(r"^(img|dsc|dscn|dscf|pxl|dcim|photo|image|scan|p)[-_ ]?\d", re.IGNORECASE)
BAR_WIDTH = 20


def looks_like_a_picture(path: Path) -> bool:
    """A picture by its name or by its first bytes (the checks then judge the content itself)."""
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError:
        return False
    return (
        head.startswith(b"\xff\xd8\xff")
        or head.startswith(b"\x89PNG\r\n\x1a\n")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or head[4:8] == b"ftyp"
    )


def title_from(path: Path) -> str:
    """The file's name as a title (family_tree.jpg → "family tree"), but not a camera's IMG_1234."""
    stem = path.stem.strip()
    if CAMERA_NAME.match(stem) or stem.isdigit():
        return ""
    return re.sub(r"[_\-]+", " ", stem).strip()[:200]


def made_on_of(path: Path) -> dt.date:
    """The file's modification day (never after today)."""
    modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    return min(timezone.localtime(modified).date(), timezone.localdate())


def progress_line(done: int, total: int, name: str) -> str:
    filled = round(BAR_WIDTH * done / total) if total else BAR_WIDTH
    # Padded, so a short name does not leave the end of a longer one behind on the line.
    return f"\r[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {done}/{total} {name[:40]:<40}"


@dataclass
class Outcome:
    imported: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for messages in exc.message_dict.values() for m in messages)
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "File every picture in FOLDER as one artwork of the client (as uploads are: care team, consent "
        "and file checks apply). Exits with status 1 if any picture was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="FOLDER")
        parser.add_argument("--client", type=int, required=True, help="the client's id")
        parser.add_argument(
            "--by", required=True, metavar="USERNAME", help="who files the work: a clinician on the client's care team"
        )
        parser.add_argument("--session", type=int, help="the session the pieces were made in")
        parser.add_argument(
            "--media",
            default=Media.MARKER,
            choices=Media.values,
            help=f"the media of every piece (default {Media.MARKER})",
        )
        parser.add_argument("--assessment", metavar="CODE", help="the assessment they were made under (ppat, dds …)")
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="the day they were made (default: each file's modification day)",
        )

    def handle(self, *args, folder, **options):
        folder_path = Path(folder)
        if not folder_path.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        by, client = self._who(options["by"], options["client"])
        fields = self._fields(client, options)
        files = sorted(
            (p for p in folder_path.iterdir() if p.is_file() and not p.name.startswith(".")),
            key=lambda p: (p.name.lower(), p.name),
        )
        outcome = Outcome()
        ignored = sorted(p.name for p in folder_path.iterdir() if p.is_file() and p.name.startswith("."))
        pictures = [p for p in files if looks_like_a_picture(p)]
        outcome.skipped = [p.name for p in files if p not in pictures] + ignored
        for done, path in enumerate(pictures, start=1):
            self._import(path, by=by, client=client, fields=fields, date=options["date"], outcome=outcome)
            self.stderr.write(progress_line(done, len(pictures), path.name), ending="")
            self.stderr.flush()
        if pictures:
            self.stderr.write("")
        self._summary(client, outcome)
        if outcome.refused:
            raise CommandError(f"{len(outcome.refused)} of {len(pictures)} pictures refused.", returncode=1)

    # --- checks before any file ------------------------------------------------------------------

    def _who(self, username: str, client_id: int) -> tuple[User, Client]:
        by = User.objects.filter(username=username, is_active=True).first()
        if by is None:
            raise CommandError(f"No active user is called {username}.")
        try:
            client = artwork_access(by, client_id, action=Action.WRITE).client
        except Http404:
            raise CommandError(
                f"{username} is not on the care team of client {client_id} (or there is no such client)."
            ) from None
        except PermissionDenied:
            raise CommandError(f"{username} may not record artwork for client {client_id}.") from None
        try:
            photo_services.require_record_consent(client)
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        return by, client

    def _fields(self, client: Client, options: dict) -> dict:
        fields = {"media": options["media"]}
        if options["assessment"]:
            choices = assessments_for(client.organization_id)
            assessment = (
                choices.filter(code=options["assessment"].lower())
                .order_by(F("organization_id").asc(nulls_last=True))
                .first()
            )  # the practice's own first
            if assessment is None:
                codes = ", ".join(sorted(set(choices.values_list("code", flat=True))))
                raise CommandError(f"No assessment '{options['assessment']}'; choose one of: {codes}.")
            fields["assessment"] = assessment
        if options["session"]:
            if not sessions_booking(client.pk).filter(pk=options["session"]).exists():
                raise CommandError(f"Session {options['session']} is not one of {client.display_name}'s sessions.")
            fields["session"] = options["session"]
        return fields

    # --- each file ---------------------------------------------------------------------------------

    def _import(self, path: Path, *, by: User, client: Client, fields: dict, date, outcome: Outcome) -> None:
        try:
            with path.open("rb") as handle:
                upload = File(handle, name=path.name)
                checked = photo_services.check_photos([upload])[0]
                if Photo.objects.filter(artwork__client=client, sha256=checked.sha256).exists():
                    outcome.already.append(path.name)
                    return
                artwork_create(
                    by=by,
                    client=client,
                    photos=[upload],
                    title=title_from(path),
                    made_on=date or made_on_of(path),
                    **fields,
                )
        except ValidationError as exc:
            outcome.refused.append((path.name, _messages(exc)))
            return
        except OSError as exc:
            outcome.refused.append((path.name, f"the file could not be read ({exc.strerror})."))
            return
        outcome.imported.append(path.name)

    def _summary(self, client: Client, outcome: Outcome) -> None:
        self.stdout.write(
            f"{client.display_name}: {len(outcome.imported)} imported, {len(outcome.already)} already there, "
            f"{len(outcome.refused)} refused, {len(outcome.skipped)} skipped (not pictures)."
        )
        for name in outcome.already:
            self.stdout.write(f"  already there: {name}")
        for name, reason in outcome.refused:
            self.stdout.write(f"  refused: {reason if reason.startswith(name) else f'{name}: {reason}'}")
        for name in outcome.skipped:
            self.stdout.write(f"  skipped: {name} (not a picture)")

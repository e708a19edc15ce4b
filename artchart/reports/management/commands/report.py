"""``artchart report KIND --client ID --format pdf|docx -o FILE --by USERNAME [--from DAY --to DAY]``:
a client's report as a file, as the report page makes it (care team, period checks, audit)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from artchart.core.models import User
from artchart.reports import services
from artchart.reports.selectors import Kind


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for messages in exc.message_dict.values() for m in messages)
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Write a client's report (the signed treatment plan, or a progress report for a period) as PDF or Word."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=Kind.values, metavar="KIND", help=f"one of {', '.join(Kind.values)}")
        parser.add_argument("--client", type=int, required=True, help="the client's id")
        parser.add_argument("--format", dest="file_format", choices=services.Format.values, default="pdf")
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write the report")
        parser.add_argument(
            "--by",
            "--user",
            dest="by",
            required=True,
            metavar="USERNAME",
            help="who produces the report: someone on the client's care team (recorded in the audit log)",
        )
        parser.add_argument("--from", dest="start", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")

    def handle(self, *args, kind, client, file_format, output, by, start, end, **options):
        user = User.objects.filter(username=by, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user is called {by}.")
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a folder.")
        try:
            report = services.report_export(
                by=user, client_id=client, kind=kind, file_format=file_format, start=start, end=end
            )
        except Http404:
            raise CommandError(
                f"{by} is not on the care team of client {client} (or there is no such client)."
            ) from None
        except PermissionDenied:
            raise CommandError(f"{by} may not read what a {kind} report shows for client {client}.") from None
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        target.write_bytes(report.data)
        self.stdout.write(f"Wrote {target} ({len(report.data):,} bytes).")

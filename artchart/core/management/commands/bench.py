"""``artchart bench``: the benchmarks in bench/, on a throw-away SQLite database.

The benchmarks run in a child process whose settings point at a temporary
directory (database, media, generated keys), so the database this command was
started against is never written to, whatever DATABASE_URL says.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PARTS = ("pages", "audit", "verify", "imaging", "reports")
UNKNOWN_PART = "--only takes some of: {parts}."
NO_BENCH_DIR = "The benchmarks live in bench/ beside the source; run artchart bench from a checkout of ArtChart."
# Settings the child must not inherit: they would point it at real data or keys.
INHERITED_OUT = (
    "DATABASE_URL",
    "ARTCHART_SQLITE_PATH",
    "ARTCHART_MEDIA_ROOT",
    "ARTCHART_AUDIT_KEY",
    "ARTCHART_AUDIT_WITNESS",
    "ARTCHART_AUDIT_KEY_FILE",
    "ARTCHART_SECRET_KEY",
    "ARTCHART_SECRET_KEY_FILE",
    "ARTCHART_TESTING",
)


class Command(BaseCommand):
    help = (
        "Measure the pages a therapist opens most against an empty page, what the audit chain costs "
        "(per request, per write), how fast it verifies, the imaging, and a progress report as PDF."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=300, help="requests per page measured (default 300)")
        parser.add_argument("--writes", type=int, default=500, help="committed writes per kind (default 500)")
        parser.add_argument("--events", type=int, default=20_000, help="chain length to verify (default 20000)")
        parser.add_argument("--clients", type=int, default=2_000, help="seeded clients besides the demo (default 2000)")
        parser.add_argument(
            "--only",
            default=",".join(PARTS),
            help=f"the parts to run, comma-separated (default all: {','.join(PARTS)})",
        )

    def handle(self, **options):
        only = [part.strip() for part in options["only"].split(",") if part.strip()]
        if not only or set(only) - set(PARTS):
            raise CommandError(UNKNOWN_PART.format(parts=", ".join(PARTS)))
        root = Path(settings.BASE_DIR)
        if not (root / "bench" / "run.py").is_file():
            raise CommandError(NO_BENCH_DIR)
        with tempfile.TemporaryDirectory(prefix="artchart-bench-") as tmp:
            env = {key: value for key, value in os.environ.items() if key not in INHERITED_OUT}
            env.update(
                ARTCHART_PROFILE="local",
                ARTCHART_VAR_DIR=tmp,
                DJANGO_SETTINGS_MODULE="artchart.settings",
                PYTHONPATH=os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH", "")])),
            )
            arguments = [f"--{name}={options[name]}" for name in ("requests", "writes", "events", "clients")]
            arguments.append(f"--only={','.join(only)}")
            self.stdout.flush()
            # This Python on the project's own bench package; the arguments are integers from the options.
            done = subprocess.run([sys.executable, "-m", "bench.run", *arguments], cwd=root, env=env)  # noqa: S603
        if done.returncode:
            raise CommandError(f"The benchmarks failed (exit {done.returncode}); see the output above.")

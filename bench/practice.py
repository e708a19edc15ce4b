"""The practice the benchmarks run against: migrated, the demo loaded, then seeded."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command


def build(*, clients: int) -> None:
    quiet = StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("demo", stdout=quiet)
    if clients:
        call_command("seed", clients=clients, seed=1, stdout=quiet)

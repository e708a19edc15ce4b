"""How fast ``artchart audit verify`` walks the chain."""

from __future__ import annotations

import time

from django.db import transaction

from artchart.core import audit
from artchart.core.audit_actions import CoreAction
from artchart.core.models import AuditEvent
from bench.table import Row

FILL_BATCH = 5000


def run(*, events: int) -> list[Row]:
    missing = max(events - AuditEvent.objects.count(), 0)
    done = 0
    while done < missing:  # top the chain up to the size asked for, in a few large transactions
        with transaction.atomic():
            for number in range(done, min(done + FILL_BATCH, missing)):
                audit.record(
                    actor=None,
                    action=CoreAction.TOKEN_USE,
                    object_type="bench",
                    object_id=number,
                    client_ids=[number % 500 + 1],
                )
        done = min(done + FILL_BATCH, missing)
    start = time.perf_counter()
    result = audit.verify()
    elapsed = time.perf_counter() - start
    if not result.ok:
        raise RuntimeError(f"the bench chain did not verify: {result.problem}")
    section = f"Audit verify ({result.events:,} events in {elapsed:.2f} s)"
    return [
        Row(section, "verify throughput", result.events / elapsed, "events/s"),
        Row(section, "verify per event", elapsed * 1_000_000 / result.events, "µs"),
    ]

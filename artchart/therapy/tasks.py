"""Background work of the therapy app (django-tasks: run at once in ``local``, by ``artchart worker`` in ``server``)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from artchart.therapy.services.sessions import open_series, series_extend

logger = logging.getLogger(__name__)


@task()
def extend_open_series(today: str | None = None) -> int:
    """Make the next weeks' sessions of every open recurring series, up to the horizon.

    Each series is extended in its own transaction, so one that fails (a room
    since deleted, say) is logged and the others still get their sessions.
    Returns how many sessions were made.
    """
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    made = 0
    for series in open_series():
        try:
            made += series_extend(series=series, today=day)
        except Exception:  # one bad series must not stop the rest; the log names it
            logger.exception("Could not extend recurring series %s", series.pk)
    return made

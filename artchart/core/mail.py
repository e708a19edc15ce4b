"""Mail that a service sends once its change commits, and a way to send none.

Every notice ArtChart mails (a security notice, a risk alert, a measure link)
goes through :func:`send_after_commit`, so a rolled-back change mails nothing
and a mail server outage never undoes or hides the change. A caller that must
send nothing at all — the demo practice, whose people have made-up addresses —
runs inside :func:`no_mail`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)

_silenced: ContextVar[bool] = ContextVar("artchart_no_mail", default=False)


@contextmanager
def no_mail() -> Iterator[None]:
    """Within this block no service queues mail (the decision is made when the mail is queued)."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def send_after_commit(*, subject: str, body: str, to: list[str], what: str) -> None:
    """Send once the current transaction commits; a failure is logged as ``what``, never raised."""
    if _silenced.get() or not to:
        return

    def send() -> None:
        try:
            send_mail(subject, body, None, to)
        except Exception:  # a mail server outage must not undo or hide the change itself
            logger.exception("%s could not be sent", what)

    transaction.on_commit(send)

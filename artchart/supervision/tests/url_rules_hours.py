"""URL access cases for the hours log (gathered by artchart/tests/test_url_access.py).

A log is read by its owner (the intern here) and by whoever supervises them through a
supervision link; everyone else gets 404, as for a chart. Within that, only the owner
writes in the log (the supervisor gets 403) and only the supervisor confirms or returns
(the owner gets 403: no one confirms their own hours).
"""

from __future__ import annotations

from dataclasses import dataclass

from artchart.core.models import Role
from artchart.tests.access_rules import NONE, OK, Anyone, Case, Roles, a


@dataclass(frozen=True)
class LogParty:
    owner: object = OK  # what the log's owner, the intern, gets
    supervisor: object = OK  # what the intern's supervisor gets

    def expect(self, person, client_id: int):
        from artchart.core.models import SupervisionLink

        if person.username == "intern":
            return self.owner
        if SupervisionLink.objects.filter(supervisor=person, supervisee__username="intern").exists():
            return self.supervisor
        return 404


class LogsOwnHours:
    """Logging through the API: the intern names her supervisor (201); a therapist keeps a log but
    the intern's supervisor is not theirs (400); other roles keep no log (403)."""

    def expect(self, person, client_id: int):
        if person.username == "intern":
            return OK
        return 400 if person.role in (Role.INTERN, Role.THERAPIST) else 403


def log(o):
    return {"user_id": o["intern"].pk}


def entry(o):
    return {"entry_id": o["hours_entry"].pk}


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


RULES: dict[str, Case] = {
    "supervision:home": Case(Roles((Role.INTERN, Role.THERAPIST, Role.SUPERVISOR))),
    "supervision:supervisees": Case(Roles((Role.SUPERVISOR, Role.THERAPIST))),
    "supervision:log": Case(LogParty(), kwargs=log),
    "supervision:from_sessions": Case(LogParty(supervisor=403), kwargs=log),
    "supervision:progress": Case(LogParty(), kwargs=log),
    "supervision:print": Case(LogParty(), kwargs=log),
    "supervision:entry_edit": Case(LogParty(supervisor=403), kwargs=entry),
    "supervision:entry_confirm": Case(LogParty(owner=403), method="post", kwargs=entry),
    "supervision:entry_return": Case(LogParty(owner=403), kwargs=entry),
    "api:hours_list": a(Anyone(), kwargs=NONE),
    "api:hours_create": a(
        LogsOwnHours(),
        "post",
        kwargs=NONE,
        data=lambda o: {
            "date": _today(),
            "direct_hours": "2.5",
            "supervisor": o["supervisor"].pk,
            "supervisor_credential": "ATR-BC",
        },
    ),
    "api:hours_confirm": a(LogParty(owner=403), "post", kwargs=entry),
    "api:hours_return": a(LogParty(owner=403), "post", kwargs=entry, data=lambda o: {"reason": "Which site?"}),
    "api:hours_progress": a(Anyone(), kwargs=NONE),
}

# Every API operation of this area as (operationId, method, path); the schema test checks the list is whole.
API_OPERATIONS: list[tuple[str, str, str]] = [
    ("hours_list", "GET", "/api/v1/hours"),
    ("hours_create", "POST", "/api/v1/hours"),
    ("hours_confirm", "POST", "/api/v1/hours/{entry_id}/confirm"),
    ("hours_return", "POST", "/api/v1/hours/{entry_id}/return"),
    ("hours_progress", "GET", "/api/v1/hours/progress"),
]


def objs(base: dict) -> dict:
    """One entry of the intern's, from yesterday, waiting for her supervisor."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from artchart.supervision.services import hours_log

    intern = base["intern"]
    made = hours_log(
        by=intern,
        supervisee=intern,
        date=timezone.localdate() - dt.timedelta(days=1),
        direct_hours=Decimal(3),
        individual_hours=Decimal(1),
        supervisor=base["supervisor"],
        supervisor_credential="ATR-BC",
        setting="Riverbend Studio",
    )
    return {"hours_entry": made}

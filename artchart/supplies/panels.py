"""The supplies app's cards: the session's materials and what the safety check found, on the
session page before it is held, and the starting catalogue written when a practice is set up
(an admin of a practice set up before it loads it from the materials page)."""

from __future__ import annotations

from artchart.core.models import Role
from artchart.core.panel_registry import Panel
from artchart.supplies import selectors, services
from artchart.supplies.services import OVERRIDERS
from artchart.therapy.models import SessionStatus

CLINICIANS = (Role.THERAPIST, Role.SUPERVISOR, Role.INTERN)


def session_panels(user, session) -> list[Panel]:
    """A session with a planned directive: its materials for everyone attending, the conflicts
    with the site's rules and the clients' precautions, and the items to count out and in."""
    if user.role not in CLINICIANS or not session.directive_id:
        return []
    result = selectors.session_safety(user, session)
    scheduled = session.status == SessionStatus.SCHEDULED
    return [
        Panel(
            "supplies/_session_card.html",
            {
                "session": session,
                "safety": result,
                "may_override": scheduled and user.role in OVERRIDERS,
                "scheduled": scheduled,
            },
            order=12,
        )
    ]


def note_panels(user, client, session) -> list[Panel]:
    """On the client's note for a session: the same check for the directives the notes record."""
    if session is None or user.role not in CLINICIANS:
        return []
    findings = selectors.note_safety(user, client, session)
    if not findings:
        return []
    return [Panel("supplies/_note_card.html", {"findings": findings, "session": session}, order=12)]


def practice_started(admin) -> None:
    """A new practice starts with the common studio materials, the population profiles, and its
    first site's rules from its population."""
    services.catalogue_seed(by=admin)

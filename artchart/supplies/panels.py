"""The supplies app's cards: the session's materials and what the safety check found, on the
session page before it is held, and the first-day step that loads the starting catalogue."""

from __future__ import annotations

from django.urls import reverse

from artchart.core.models import Role
from artchart.core.panel_registry import FirstDayStep, Panel
from artchart.supplies import selectors
from artchart.supplies.services import OVERRIDERS
from artchart.therapy.models import SessionStatus

CLINICIANS = (Role.THERAPIST, Role.SUPERVISOR, Role.INTERN)


def first_day_steps(user) -> list[FirstDayStep]:
    if user.role != Role.ADMIN:
        return []
    return [
        FirstDayStep(
            "Load the studio materials and population profiles",
            selectors.materials_for(user).exists(),
            reverse("supplies:materials"),
            "The common studio materials with their hazards, and each site's rules from its population.",
            order=45,
        )
    ]


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

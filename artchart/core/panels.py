"""Core's part of a new practice's checklist: sites, and people with their roles.

Drawn through the panel registry (``first_day_steps``) beside the clients' and
the crisis resources' steps, which later apps provide.
"""

from __future__ import annotations

from django.urls import reverse

from artchart.core import selectors
from artchart.core.models import Role
from artchart.core.panel_registry import FirstDayStep


def first_day_steps(user) -> list[FirstDayStep]:
    if user.role != Role.ADMIN:
        return []
    return [
        FirstDayStep(
            "Add your sites",
            selectors.sites_set_up(user),
            reverse("core:sites"),
            "Every place clients are seen, or the first site's address and on-call clinician.",
            order=10,
        ),
        FirstDayStep(
            "Add people and their roles",
            selectors.people_added(user),
            reverse("core:users"),
            "Therapists, supervisors, interns and the treatment team; link supervisors to supervisees.",
            order=20,
        ),
    ]

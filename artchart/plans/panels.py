"""The plans app's cards on the dashboard (reviews due, plans to co-sign) and the chart (the active plan)."""

from __future__ import annotations

from artchart.clients.selectors import shown
from artchart.core.models import Role
from artchart.core.panel_registry import Panel
from artchart.core.permissions import Action, Area
from artchart.plans import selectors

DASHBOARD_ROWS = 10


def dashboard_panels(user) -> list[Panel]:
    if user.role in (Role.ADMIN, Role.PROGRAM_ADMIN):
        return []
    panels = []
    reviews_due = list(selectors.reviews_due_for(user)[:DASHBOARD_ROWS])
    if reviews_due:
        panels.append(Panel("plans/_dashboard_reviews_due.html", {"plans": reviews_due}, order=30))
    to_cosign = list(selectors.waiting_for_cosign_by(user)[:DASHBOARD_ROWS])
    if to_cosign:
        panels.append(Panel("plans/_dashboard_cosign.html", {"plans": to_cosign}, order=15))
    shown(plan.client for plan in reviews_due + to_cosign)
    return panels


def chart_panels(access) -> list[Panel]:
    if not access.may(Area.CLINICAL, Action.READ):
        return []
    return [
        Panel(
            "plans/_chart_card.html",
            {
                "shown": True,
                "client": access.client,
                "signed": selectors.active_plan(access),
                "open_plan": selectors.open_plan(access),
                "may_write": access.may(Area.CLINICAL, Action.WRITE),
            },
            order=20,
        )
    ]

"""The clients app's cards on the dashboard: my clients, emergency access, sites, recent activity.

Drawn through core's panel registry (see core/panel_registry.py), so the
dashboard in core names no client table.
"""

from __future__ import annotations

from django.urls import reverse

from artchart.clients import selectors
from artchart.clients.relations import clients_named_for
from artchart.clients.selectors import shown
from artchart.core import audit
from artchart.core.models import Role
from artchart.core.panel_registry import FirstDayStep, Panel
from artchart.core.permissions import may_break_glass
from artchart.core.selectors import active_sites_for, recent_activity_of

DASHBOARD_CLIENTS = 12


def first_day_steps(user) -> list[FirstDayStep]:
    if user.role != Role.ADMIN:
        return []
    return [
        FirstDayStep(
            "Add or import clients",
            selectors.organization_has_clients(user),
            reverse("clients:list"),
            "A therapist opens each record (Clients, then New client) and joins its care team; "
            "a hospital unit imports its census into a group.",
            order=30,
        )
    ]


def dashboard_panels(user) -> list[Panel]:
    panels = []
    if user.role not in (Role.ADMIN, Role.PROGRAM_ADMIN):
        mine = selectors.clients_visible_to(user).filter(care_team__user=user, status="active")
        panels.append(
            Panel(
                "clients/_dashboard_my_clients.html",
                {"clients": shown(list(mine[:DASHBOARD_CLIENTS])), "count": mine.count()},
                order=49,
            )
        )
    if user.role == Role.PROGRAM_ADMIN:
        counts = selectors.active_client_counts_by_site(user)
        site_counts = [(site, counts.get(site.pk, 0)) for site in active_sites_for(user)]
        panels.append(Panel("clients/_dashboard_sites.html", {"site_counts": site_counts}, order=52))
    if user.role == Role.ADMIN:
        unreviewed = selectors.emergency_accesses_unreviewed_for_admin(user)
        accesses = list(unreviewed[:DASHBOARD_CLIENTS])
        shown(access.client for access in accesses)
        panels.append(
            Panel(
                "clients/_dashboard_break_glass_review.html",
                {"accesses": accesses, "count": unreviewed.count()},
                order=50,
            )
        )
    elif may_break_glass(user):
        panels.append(Panel("clients/_dashboard_break_glass.html", order=51))
    panels.append(Panel("clients/_dashboard_recent.html", {"recent": _recent_activity(user)}, order=90))
    return panels


def _recent_activity(user) -> list[tuple]:
    events = recent_activity_of(user)
    # Name the client an action was about only where the user may still see them.
    names = clients_named_for(user, {cid for event in events for cid in event.client_id_list})
    return [
        (audit.action_label(event.action), event.at, [names[c] for c in event.client_id_list if c in names])
        for event in events
    ]

"""The hours log's cards on the dashboard: hours waiting for this supervisor, and hours returned to
this supervisee. Neither names a client."""

from __future__ import annotations

from artchart.core.panel_registry import Panel
from artchart.supervision import selectors

DASHBOARD_ROWS = 10


def dashboard_panels(user) -> list[Panel]:
    panels = []
    if selectors.may_supervise(user):
        waiting = list(selectors.waiting_for(user)[:DASHBOARD_ROWS])
        if waiting:
            panels.append(Panel("supervision/_dashboard_waiting.html", {"entries": waiting}, order=16))
    if selectors.may_keep_log(user):
        returned = list(selectors.returned_to(user)[:DASHBOARD_ROWS])
        if returned:
            panels.append(Panel("supervision/_dashboard_returned.html", {"entries": returned}, order=17))
    return panels

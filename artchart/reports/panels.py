"""The reports app's card on the client's chart: where the plan and progress reports are printed."""

from __future__ import annotations

from artchart.core.panel_registry import Panel
from artchart.core.permissions import Action, Area


def chart_panels(access) -> list[Panel]:
    if not access.may(Area.CLINICAL, Action.READ):
        return []
    return [
        Panel(
            "reports/_chart_card.html",
            {"client": access.client, "may_progress": access.may(Area.NOTES, Action.READ)},
            order=90,
        )
    ]

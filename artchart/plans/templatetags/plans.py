"""The chart's "Active treatment plan" card.

The clients app comes before plans and never imports it; its chart template
loads this tag, so the card is drawn from here.
"""

from __future__ import annotations

from django import template

from artchart.core.permissions import Action, Area

register = template.Library()


@register.inclusion_tag("plans/_chart_card.html")
def active_plan_card(access):
    from artchart.plans import selectors

    if not access.may(Area.CLINICAL, Action.READ):
        return {"shown": False}
    return {
        "shown": True,
        "client": access.client,
        "signed": selectors.active_plan(access),
        "open_plan": selectors.open_plan(access),
        "may_write": access.may(Area.CLINICAL, Action.WRITE),
    }

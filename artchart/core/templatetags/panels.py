"""``{% render_panel panel %}``: draw a Panel (see artchart/core/panel_registry.py) with its own context."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    return render_to_string(panel.template, panel.context, request=context.get("request"))

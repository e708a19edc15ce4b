"""Panels that later apps add to the dashboard and to a client's chart.

``core`` and ``clients`` come before ``plans`` and ``therapy`` and never import
them; instead every installed app may have a ``panels`` module with

* ``dashboard_panels(user) -> list[Panel]`` — cards for the user's dashboard, and
* ``chart_panels(access) -> list[Panel]`` — cards for one client's chart
  (``access`` is the viewer's :class:`~artchart.clients.selectors.ClientAccess`),
* ``session_panels(user, session) -> list[Panel]`` — cards on a session's page and
  on the notes written for it (the artworks made in it, say),
* ``note_panels(user, client, session) -> list[Panel]`` — cards in the editor and
  on the page of the client's note for that session (the pieces the client made in
  it, with their titles and words); a card names in ``fills`` the note's fields it
  stands in for, which the editor then leaves out, so they are written in one place,
* ``risk_panels(user, client) -> list[Panel]`` — what whoever documents for the
  client must have in front of them (open risk alerts, precautions), on the note
  editor, the note, co-sign and return screens and the session page, and
* ``open_risk_alert(client_id) -> bool`` — whether the app holds an open risk
  alert for the client, which the notes services ask before a note whose risk
  screen says "no risk" is signed or co-signed,
* ``first_day_steps(user) -> list[FirstDayStep]`` — a new practice's admin's
  checklist on the dashboard (add sites, people, clients, crisis resources),
  each step ticked from the app's own records,
* ``practice_started(admin) -> None`` — what an app writes for a practice the
  moment it is set up (the starting materials catalogue), called by
  ``core.services.practice_setup`` inside its transaction, through the app's
  own audited services,

each returning only what that user may see (and noting the clients shown with
``audit.note_shown``). Panels are drawn in ``order``, then in app order, so a
new app adds a card without touching the page that shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50  # lower comes first; 0–19 what needs doing today, 80+ reference
    fills: tuple[str, ...] = ()  # on a note: the note's fields this card shows from another record
    key: str = ""  # what the card shows, named so that another card can stand in for it
    supersedes: tuple[str, ...] = ()  # the keys of cards this one makes redundant on the same page


@dataclass(frozen=True)
class FirstDayStep:
    """One item of a new practice's checklist: done when the records say so, and where to do it."""

    label: str
    done: bool
    url: str
    hint: str = ""
    order: int = 50


@cache
def _providers(function_name: str) -> tuple:
    """The installed apps' functions of this name, in app order: found once per process (they are
    code, fixed by INSTALLED_APPS, not records), not again on every page."""
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "panels"):
            module = import_module(f"{config.name}.panels")
            provider = getattr(module, function_name, None)
            if provider is not None:
                found.append(provider)
    return tuple(found)


def without_superseded(panels: list[Panel], by: list[Panel]) -> list[Panel]:
    """``panels`` less those a card in ``by`` stands in for (the session's pieces, on the note that shows them)."""
    superseded = {key for panel in by for key in panel.supersedes}
    return [panel for panel in panels if not panel.key or panel.key not in superseded]


def dashboard_panels(user) -> list[Panel]:
    panels = [panel for provider in _providers("dashboard_panels") for panel in provider(user)]
    return sorted(panels, key=lambda panel: panel.order)


def chart_panels(access) -> list[Panel]:
    panels = [panel for provider in _providers("chart_panels") for panel in provider(access)]
    return sorted(panels, key=lambda panel: panel.order)


def session_panels(user, session) -> list[Panel]:
    panels = [panel for provider in _providers("session_panels") for panel in provider(user, session)]
    return sorted(panels, key=lambda panel: panel.order)


def note_panels(user, client, session) -> list[Panel]:
    panels = [panel for provider in _providers("note_panels") for panel in provider(user, client, session)]
    return sorted(panels, key=lambda panel: panel.order)


def risk_panels(user, client) -> list[Panel]:
    panels = [panel for provider in _providers("risk_panels") for panel in provider(user, client)]
    return sorted(panels, key=lambda panel: panel.order)


def open_risk_alert(client_id: int) -> bool:
    return any(provider(client_id) for provider in _providers("open_risk_alert"))


def practice_started(admin) -> None:
    for provider in _providers("practice_started"):
        provider(admin)


def first_day_steps(user) -> list[FirstDayStep]:
    steps = [step for provider in _providers("first_day_steps") for step in provider(user)]
    return sorted(steps, key=lambda step: step.order)

"""URL access cases for the artworks studio pages: compare, retrospective, trends, annotations
(gathered by artchart/tests/test_url_access.py; objects from ``url_rules_pages.objs``).

Looking follows the NOTES row of the access table for reading; drawing or removing an
annotation needs NOTES write."""

from __future__ import annotations

from artchart.artworks.tests.url_rules_pages import NOTES, art, photo
from artchart.core.permissions import Action
from artchart.tests.access_rules import Case, c

RULES: dict[str, Case] = {
    "artworks:compare": Case(NOTES[Action.READ], kwargs=c),
    "artworks:retrospective": Case(NOTES[Action.READ], kwargs=c),
    "artworks:trends": Case(NOTES[Action.READ], kwargs=c),
    "artworks:annotate": Case(NOTES[Action.READ], kwargs=art(photo_id=photo)),
    "artworks:annotation_delete": Case(
        NOTES[Action.WRITE], method="post", kwargs=art(annotation_id=lambda o: o["mask"].pk)
    ),
}

API_OPERATIONS: list[tuple[str, str, str]] = []


def objs(base: dict) -> dict:
    return {}

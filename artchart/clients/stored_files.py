"""The files client rows name (documents of gathered information), for the sweeper in
``artchart.core.stored_files``."""

from __future__ import annotations

from artchart.clients.models import GatheredDocument

PREFIXES = ("documents",)


def names_in_use(names: list[str]) -> set[str]:
    return set(GatheredDocument.objects.filter(file__in=names).values_list("file", flat=True))

"""The files artwork rows name, for the sweeper in ``artchart.core.stored_files``."""

from __future__ import annotations

from django.db.models import Q

from artchart.artworks.models import Photo

PREFIXES = ("artworks",)
NAME_FIELDS = ("file", "thumb_small", "thumb_large", "thumb_page", "thumb_page_small", "deidentified")


def names_in_use(names: list[str]) -> set[str]:
    query = Q()
    for name_field in NAME_FIELDS:
        query |= Q(**{f"{name_field}__in": names})
    used = set()
    for row in Photo.objects.filter(query).values_list(*NAME_FIELDS):
        used.update(row)
    return used & set(names)

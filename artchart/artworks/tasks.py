"""Background work of the artworks app: thumbnails and features of a new photo
(django-tasks: at once in ``local``, by ``artchart worker`` in ``server``)."""

from __future__ import annotations

from django_tasks import task

from artchart.artworks.services.photos import photo_analyse


@task()
def analyse_photo(photo_id: int) -> str:
    """Thumbnails and features of one photo; returns "ready", "failed" or "gone"."""
    return photo_analyse(photo_id)

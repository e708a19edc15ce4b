"""Serving an artwork image: the one place that turns a checked request into bytes.

Both the web image view and the API download call :func:`image_response`, so
they send the same headers and record the same audit event. The caller has
already found the photo through the user's access to its client; which file the
user may see for the variant is decided by ``selectors.image_file`` (404 for a
variant not made yet, 403 for a supervisor-only viewer without the supervision
consent).
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse

from artchart.artworks.audit_actions import ArtworkAction
from artchart.artworks.models import Photo
from artchart.artworks.selectors import image_file
from artchart.clients.selectors import ClientAccess
from artchart.core import audit

DERIVED_TYPE = "image/jpeg"  # thumbnails and the de-identified copy are always JPEG
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


def image_filename(photo: Photo, variant: str, content_type: str) -> str:
    """A neutral name: the uploaded file's own name may carry the client's name, so it is never sent."""
    return f"artwork-{photo.artwork_id}-photo-{photo.pk}-{variant}{EXTENSIONS.get(content_type, '.jpg')}"


def image_response(*, user, access: ClientAccess, photo: Photo, variant: str) -> FileResponse:
    """The image's bytes for ``user`` (inline, nosniff, private), with an ``artwork.image_view`` event."""
    name = image_file(access, photo, variant)
    content_type = photo.content_type if variant == "original" else DERIVED_TYPE
    handle = default_storage.open(name, "rb")
    try:
        with transaction.atomic():
            audit.record(
                actor=user,
                action=ArtworkAction.ARTWORK_IMAGE_VIEW,
                obj=photo,
                client_ids=[access.client.pk],
                detail={"variant": variant},
            )
        audit.read_recorded([access.client.pk])  # this event is the read; no second client.read for it
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle, content_type=content_type, as_attachment=False, filename=image_filename(photo, variant, content_type)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

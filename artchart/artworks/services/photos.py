"""Photos of artworks: checked and re-encoded before anything is stored, kept
under the SHA-256 of the stored copy, analysed by a background task.

Order of writes (files and rows always agree): every upload is loaded and
checked first, so one bad file in a batch stores nothing; then each stored copy
is written under its hash (a retry finds it there and writes nothing), then the
rows and their audit event are committed. A file whose row never committed is
removed by ``artchart sweep_files`` after a grace period.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from artchart import imaging
from artchart.artworks.audit_actions import ArtworkAction
from artchart.artworks.models import MASK_KINDS, Analysis, AnalysisStatus, Annotation, Artwork, Photo
from artchart.artworks.services.consent import NO_RECORD_CONSENT, consent_in_force
from artchart.clients.models import Client, ConsentKind
from artchart.core import audit
from artchart.core.access import require_client_access
from artchart.core.changes import UNSET, apply_changes
from artchart.core.messages import UserMessage
from artchart.core.models import User
from artchart.core.permissions import Action, Area
from artchart.imaging.corners import CornersRefused, as_list, check_corners
from artchart.imaging.masks import apply_masks

NO_PHOTOS = UserMessage("no_photos", "Choose at least one photo.")
TOO_MANY = UserMessage("photos_too_many", "At most {limit} photos at a time.")
TOO_LARGE = UserMessage("too_large", "{name}: the file is larger than {mb} MB.")
MAX_PER_UPLOAD = 30
PREFIX = "artworks"


def image_limits() -> imaging.Limits:
    return imaging.Limits(max_bytes=settings.ARTWORK_MAX_BYTES, max_pixels=settings.ARTWORK_MAX_PIXELS)


@dataclass(frozen=True)
class CheckedPhoto:
    loaded: imaging.LoadedImage
    sha256: str
    original_name: str

    @property
    def name(self) -> str:
        return stored_name(self.sha256, self.loaded.extension)


def stored_name(sha: str, suffix: str) -> str:
    return f"{PREFIX}/{sha[:2]}/{sha}{suffix}"


def _read(upload: File[bytes], limit: int) -> bytes:
    """The upload's bytes, refused (unread) when it is over the limit."""
    size = getattr(upload, "size", None)
    name = getattr(upload, "name", "") or "photo"
    if size is not None and size > limit:
        raise imaging.ImageRejected(TOO_LARGE.format(name=name, mb=limit // (1024 * 1024)))
    upload.seek(0)
    data: bytes = upload.read(limit + 1)  # the stubs type File.read as returning Any
    if len(data) > limit:
        raise imaging.ImageRejected(TOO_LARGE.format(name=name, mb=limit // (1024 * 1024)))
    return data


def check_photos(
    uploads: Iterable[File[bytes]], *, field: str = "photos", long_side: int | None = None
) -> list[CheckedPhoto]:
    """Load every upload with the imaging core; any refusal raises before anything is written,
    naming each file that was refused and why. ``long_side`` shrinks each stored copy to it."""
    uploads = list(uploads)
    if not uploads:
        raise ValidationError({field: NO_PHOTOS})
    if len(uploads) > MAX_PER_UPLOAD:
        raise ValidationError({field: TOO_MANY.format(limit=MAX_PER_UPLOAD)})
    limits = image_limits()
    checked, errors = [], []
    for upload in uploads:
        name = (getattr(upload, "name", "") or "photo")[:200]
        try:
            loaded = imaging.load(_read(upload, limits.max_bytes), limits, long_side=long_side)
        except imaging.ImageRejected as exc:
            message = str(exc)
            errors.append(message if message.startswith(name) else f"{name}: {message}")
            continue
        checked.append(CheckedPhoto(loaded, hashlib.sha256(loaded.encoded).hexdigest(), name))
    if errors:
        raise ValidationError({field: errors})
    return checked


def store_bytes(name: str, data: bytes) -> str:
    """Write ``data`` under ``name`` unless it is already there (content-addressed, so equal)."""
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # a concurrent retry wrote it first; ours is a second copy
            default_storage.delete(saved)
    return name


def require_record_consent(client: Client) -> None:
    if consent_in_force(client.pk, ConsentKind.RECORD) is None:
        raise ValidationError({"photos": NO_RECORD_CONSENT.format(client=client.display_name)})


def attach(*, by: User, artwork: Artwork, checked: list[CheckedPhoto], captions: Iterable[str] = ()) -> list[Photo]:
    """Store checked photos and add them to ``artwork`` (inside the caller's transaction).
    A photo the artwork already has (same stored bytes) is returned, not added again."""
    captions = list(captions)
    existing = {p.sha256: p for p in artwork.photos.all()}
    has_primary = any(p.is_primary for p in existing.values())
    position = max((p.position for p in existing.values()), default=-1) + 1
    photos, new = [], []
    for index, item in enumerate(checked):
        if item.sha256 in existing:
            photos.append(existing[item.sha256])
            continue
        store_bytes(item.name, item.loaded.encoded)
        photo = Photo.objects.create(
            artwork=artwork,
            sha256=item.sha256,
            file=item.name,
            content_type=item.loaded.content_type,
            width=item.loaded.width,
            height=item.loaded.height,
            size=len(item.loaded.encoded),
            original_name=item.original_name,
            source_format=item.loaded.source_format,
            caption=(captions[index] if index < len(captions) else "")[:200],
            is_primary=not has_primary,
            position=position,
            uploaded_by=by,
        )
        has_primary, position = True, position + 1
        existing[item.sha256] = photo
        photos.append(photo)
        new.append(photo)
    if new:
        from artchart.artworks.tasks import analyse_photo  # noqa: PLC0415 - cycle: tasks imports photo_analyse from here

        for photo in new:
            analyse_photo.enqueue(photo.pk)
    return photos


def photos_add(
    *, by: User, artwork: Artwork, uploads: Iterable[File[bytes]], captions: Iterable[str] = ()
) -> list[Photo]:
    require_client_access(by, artwork.client_id, Area.NOTES, Action.WRITE)
    require_record_consent(artwork.client)
    checked = check_photos(uploads)
    with transaction.atomic():
        before = artwork.photos.count()
        photos = attach(by=by, artwork=artwork, checked=checked, captions=captions)
        added = artwork.photos.count() - before
        audit.record(
            actor=by,
            action=ArtworkAction.ARTWORK_PHOTOS_ADD,
            obj=artwork,
            client_ids=[artwork.client_id],
            detail={"added": added, "already_there": len(checked) - added},
        )
    return photos


@transaction.atomic
def photo_make_primary(*, by: User, photo: Photo) -> Photo:
    require_client_access(by, photo.artwork.client_id, Area.NOTES, Action.WRITE)
    Photo.objects.filter(artwork_id=photo.artwork_id, is_primary=True).update(is_primary=False)
    Photo.objects.filter(pk=photo.pk).update(is_primary=True)
    photo.is_primary = True
    audit.record(actor=by, action=ArtworkAction.ARTWORK_PHOTO_PRIMARY, obj=photo, client_ids=[photo.artwork.client_id])
    return photo


# --- analysis (run by the background task, and again when the page's corners are marked) ------------

NO_PAGE_ON_SCULPTURE = UserMessage(
    "no_page_on_sculpture", "A sculpture has no page to mark; its photos are analysed for colour only."
)
NOT_ANALYSED = UserMessage("corners_not_analysed", "The photo could not be analysed with these corners: {error}")


def _derive(photo: Photo, corners: object) -> imaging.Derived:
    with default_storage.open(photo.file, "rb") as handle:
        return imaging.derive(handle.read(), three_d=photo.artwork.is_sculpture, corners=corners)


def _store_derived(photo: Photo, derived: imaging.Derived) -> None:
    """Write the derived images, then the analysis and the names on the photo (inside the caller's
    transaction). The page images depend on the corners, so they are named by their own hash."""
    photo.thumb_small = store_bytes(stored_name(photo.sha256, "-small.jpg"), derived.thumbnails["small"])
    photo.thumb_large = store_bytes(stored_name(photo.sha256, "-large.jpg"), derived.thumbnails["large"])
    pages = {}
    for variant, suffix in (("page", "-page.jpg"), ("page_small", "-page-small.jpg")):
        data = derived.thumbnails.get(variant)
        pages[variant] = store_bytes(stored_name(hashlib.sha256(data).hexdigest(), suffix), data) if data else ""
    photo.thumb_page, photo.thumb_page_small = pages["page"], pages["page_small"]
    photo.analysis_status, photo.analysis_error = AnalysisStatus.READY, ""
    Analysis.objects.update_or_create(
        photo=photo, version=derived.version, defaults={"features": derived.features, "computed_at": timezone.now()}
    )
    Photo.objects.filter(pk=photo.pk).update(
        analysis_status=photo.analysis_status,
        analysis_error="",
        thumb_small=photo.thumb_small,
        thumb_large=photo.thumb_large,
        thumb_page=photo.thumb_page,
        thumb_page_small=photo.thumb_page_small,
    )


def photo_analyse(photo_id: int) -> str:
    """Thumbnails and features of one photo (on the corners marked on it, if any); the status says
    how it went. Idempotent."""
    photo = Photo.objects.select_related("artwork").filter(pk=photo_id).first()
    if photo is None:
        return "gone"
    try:
        derived = _derive(photo, photo.page_corners)
    except (imaging.ImageRejected, OSError, ValueError) as exc:  # CornersRefused is a ValueError
        Photo.objects.filter(pk=photo.pk).update(analysis_status=AnalysisStatus.FAILED, analysis_error=str(exc)[:300])
        return "failed"
    with transaction.atomic():
        _store_derived(photo, derived)
        audit.record(
            actor=None,
            action=ArtworkAction.ARTWORK_PHOTO_ANALYSED,
            obj=photo,
            client_ids=[photo.artwork.client_id],
            detail={"version": derived.version},
        )
    return "ready"


def _check_page_markable(photo: Photo) -> None:
    if photo.artwork.is_sculpture:
        raise ValidationError({"corners": NO_PAGE_ON_SCULPTURE})


def _reanalyse(*, by: User, photo: Photo, corners: list[list[float]] | None, action: ArtworkAction) -> Photo:
    """Analyse again (on ``corners``, or with the page finder when None), then store the images,
    the analysis, the corners and the audit event in one transaction. Nothing is written if the
    analysis fails."""
    try:
        derived = _derive(photo, corners)
    except (imaging.ImageRejected, OSError, ValueError) as exc:
        raise ValidationError({"corners": NOT_ANALYSED.format(error=exc)}) from None
    with transaction.atomic():
        Photo.objects.filter(pk=photo.pk).update(page_corners=corners)
        photo.page_corners = corners
        _store_derived(photo, derived)
        audit.record(
            actor=by,
            action=action,
            obj=photo,
            client_ids=[photo.artwork.client_id],
            detail={"version": derived.version, "page_found": derived.features["page_found"]},
        )
    return photo


def photo_set_corners(*, by: User, photo: Photo, corners: object) -> Photo:
    """Mark where the page lies on the photo and measure the drawing on that page. Corners off the
    photo, crossed, dart-shaped or too small are refused with the reason, and nothing changes."""
    require_client_access(by, photo.artwork.client_id, Area.NOTES, Action.WRITE)
    _check_page_markable(photo)
    try:
        checked = check_corners(corners, photo.width, photo.height)
    except CornersRefused as refused:
        raise ValidationError({"corners": str(refused)}) from None
    return _reanalyse(by=by, photo=photo, corners=as_list(checked), action=ArtworkAction.ARTWORK_PHOTO_CORNERS_SET)


def photo_reset_corners(*, by: User, photo: Photo) -> Photo:
    """Forget the marked corners and let the page finder look again."""
    require_client_access(by, photo.artwork.client_id, Area.NOTES, Action.WRITE)
    _check_page_markable(photo)
    return _reanalyse(by=by, photo=photo, corners=None, action=ArtworkAction.ARTWORK_PHOTO_CORNERS_RESET)


def photos_to_reanalyse() -> QuerySet[Photo]:
    """Photos whose newest analysis was made by an older feature version (or that have none)."""
    current = Analysis.objects.filter(photo=OuterRef("pk"), version=imaging.FEATURES_VERSION)
    return Photo.objects.exclude(Exists(current)).order_by("pk")


# --- annotations and the de-identified copy ----------------------------------------------------------

OUTSIDE = UserMessage("outside", "The area must lie within the photo.")


def _rebuild_deidentified(photo: Photo) -> None:
    """Apply the photo's masks to a copy of it; the stored photo itself is never touched."""
    masks = [(a.kind, a.x, a.y, a.w, a.h) for a in photo.annotations.all() if a.kind in MASK_KINDS]
    if not masks:
        photo.deidentified = ""
    else:
        with default_storage.open(photo.file, "rb") as handle:
            data = apply_masks(handle.read(), masks)
        digest = hashlib.sha256(data).hexdigest()
        photo.deidentified = store_bytes(stored_name(digest, "-masked.jpg"), data)
    Photo.objects.filter(pk=photo.pk).update(deidentified=photo.deidentified)


def annotation_add(
    *,
    by: User,
    photo: Photo,
    kind: str = UNSET,
    x: float = UNSET,
    y: float = UNSET,
    w: float = UNSET,
    h: float = UNSET,
    note: str = UNSET,
) -> Annotation:
    require_client_access(by, photo.artwork.client_id, Area.NOTES, Action.WRITE)
    annotation = Annotation(photo=photo, author=by)
    apply_changes(annotation, {"kind": kind, "x": x, "y": y, "w": w, "h": h, "note": note})
    annotation.full_clean()
    if annotation.x + annotation.w > 1.0001 or annotation.y + annotation.h > 1.0001:
        raise ValidationError({"w": OUTSIDE})
    with transaction.atomic():
        annotation.save()
        if annotation.is_mask:
            _rebuild_deidentified(photo)
        audit.record(
            actor=by,
            action=ArtworkAction.ARTWORK_ANNOTATION_ADD,
            obj=annotation,
            client_ids=[photo.artwork.client_id],
            detail={"kind": annotation.kind, "photo": photo.pk},
        )
    return annotation


def annotation_delete(*, by: User, annotation: Annotation) -> None:
    photo = annotation.photo
    require_client_access(by, photo.artwork.client_id, Area.NOTES, Action.WRITE)
    with transaction.atomic():
        was_mask = annotation.is_mask
        pk = annotation.pk
        annotation.delete()
        if was_mask:
            _rebuild_deidentified(photo)
        audit.record(
            actor=by,
            action=ArtworkAction.ARTWORK_ANNOTATION_DELETE,
            object_type="artworks.annotation",
            object_id=pk,
            client_ids=[photo.artwork.client_id],
            detail={"photo": photo.pk},
        )

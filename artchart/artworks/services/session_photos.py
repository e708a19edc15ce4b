"""Filing the pieces made in a session one photo at a time, as a tablet takes them.

Each photo is its own request and makes its own piece: the artwork, its photo and the audit
event commit together or not at all, and the files written for a piece whose rows did not commit
are removed at once (the sweeper's grace period is for files another request may still be
committing; these were never named by anyone). The device sends a key of its own making with each
photo, so a photo sent again after its answer was lost finds the piece it made the first time.
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from artchart.artworks.audit_actions import ArtworkAction
from artchart.artworks.models import Artwork, Media, Photo
from artchart.artworks.services import photos as photo_services
from artchart.artworks.services.artworks import _check
from artchart.artworks.stored_files import NAME_FIELDS, names_in_use
from artchart.clients.models import Client
from artchart.core import audit
from artchart.core.access import require_client_access
from artchart.core.messages import UserMessage
from artchart.core.models import User
from artchart.core.permissions import Action, Area
from artchart.therapy.models import Session

MEDIA_REQUIRED = UserMessage(
    "artwork_media_required", "Choose what the piece was made with (the media); nothing was filed."
)
KEY_OF_ANOTHER_CLIENT = UserMessage(
    "artwork_upload_key_reused", "This photo was already filed for another client; take or choose it again."
)

# Words in a directive's materials that name one media. The longer names come first so "oil
# pastels" is read as crayons before "pastel" could be read as chalk pastels.
_MATERIAL_WORDS: tuple[tuple[str, str], ...] = (
    (r"oil pastels?|crayons?", Media.CRAYON),
    (r"chalk pastels?|soft pastels?|pastels?", Media.CHALK_PASTEL),
    (r"coloured pencils?|colored pencils?|pencils?|graphite|charcoal", Media.PENCIL),
    (r"markers?|felt[- ]tips?", Media.MARKER),
    (r"water ?colou?rs?", Media.WATERCOLOUR),
    (r"acrylics?|tempera|gouache|paints?", Media.PAINT),
    (r"inks?", Media.INK),
    (r"collage|magazine", Media.COLLAGE),
    (r"clay|plasticine|modelling|modeling|papier[- ]m[aâ]ch[eé]", Media.CLAY),
    (r"yarn|fabric|textiles?|fibre|fiber|felt\b", Media.FIBRE),
    (r"found objects?|assemblage", Media.FOUND),
    (r"digital", Media.DIGITAL),
)


def media_from_materials(materials: str) -> str:
    """The one media a directive's materials name, or "" when they name none or several (then the
    therapist chooses: a piece's media is never guessed)."""
    text = materials.lower()
    found = set()
    for pattern, media in _MATERIAL_WORDS:
        words = re.compile(rf"\b(?:{pattern})")
        if words.search(text):
            found.add(str(media))
            text = words.sub(" ", text)  # read once: "oil pastels" is not also "pastels"
    return found.pop() if len(found) == 1 else ""


def session_media(session: Session) -> str:
    """The media to offer first for pieces made in ``session``: from its planned directive."""
    directive = session.directive
    return media_from_materials(directive.materials) if directive is not None else ""


def stored_long_side() -> int | None:
    """The long side photos are shrunk to, or None where the practice keeps the originals."""
    return None if settings.ARTWORK_KEEP_ORIGINALS else int(settings.ARTWORK_STORED_LONG_SIDE)


def _filed_before(by: User, key: uuid.UUID | None) -> Artwork | None:
    if key is None:
        return None
    return Artwork.objects.filter(created_by=by, upload_key=key).first()


def _replay(found: Artwork, client: Client) -> Artwork:
    if found.client_id != client.pk:
        raise ValidationError({"key": KEY_OF_ANOTHER_CLIENT})
    return found


def _forget(names: set[str]) -> None:
    """Remove files written for rows that never committed, unless a committed row names them."""
    for name in names - names_in_use(sorted(names)):
        default_storage.delete(name)


def artwork_from_session_photo(
    *,
    by: User,
    session: Session,
    client: Client,
    photo: File[bytes],
    media: str,
    title: str = "",
    statement: str = "",
    key: uuid.UUID | None = None,
) -> tuple[Artwork, bool]:
    """File one photo as one piece made in ``session`` by ``client``. Returns the piece and whether
    it is new (False: the same key was filed before, and nothing changed). The media is the
    therapist's choice and is required; everything is checked before anything is written."""
    require_client_access(by, client.pk, Area.NOTES, Action.WRITE)
    found = _filed_before(by, key)
    if found is not None:
        return _replay(found, client), False
    if media not in Media.values:
        raise ValidationError({"media": MEDIA_REQUIRED})
    photo_services.require_record_consent(client)
    checked = photo_services.check_photos([photo], field="photo", long_side=stored_long_side())
    artwork = Artwork(
        client=client,
        created_by=by,
        session=session,
        made_on=timezone.localtime(session.starts_at).date(),
        media=media,
        title=title.strip()[:200],
        statement=statement.strip()[:5000],
        upload_key=key,
    )
    _check(artwork, None)
    sha = checked[0].sha256
    candidates = {checked[0].name} | {photo_services.stored_name(sha, s) for s in ("-small.jpg", "-large.jpg")}
    written = {name for name in candidates if not default_storage.exists(name)}
    try:
        with transaction.atomic():
            artwork.save()
            photo_services.attach(by=by, artwork=artwork, checked=checked)
            for row in Photo.objects.filter(artwork=artwork).values_list(*NAME_FIELDS):
                written.update(name for name in row if name and name not in candidates)
            audit.record(
                actor=by,
                action=ArtworkAction.ARTWORK_CREATE,
                obj=artwork,
                client_ids=[client.pk],
                detail={"session": session.pk, "photos": 1, "assessment": None},
            )
    except IntegrityError:
        _forget(written)
        found = _filed_before(by, key)  # the same photo, sent twice at once: the other one won
        if found is None:
            raise
        return _replay(found, client), False
    except BaseException:
        _forget(written)
        raise
    return artwork, True

"""Audit actions of artworks, their photos, annotations, grants and ratings, and assessment types.

Each value is the code an event stores (never changed once events carry it); each label says what
happened in the words a clinician would use.
"""

from artchart.core.audit import AuditAction


class ArtworkAction(AuditAction):
    ARTWORK_ANNOTATION_ADD = "artwork.annotation_add", "Annotated an artwork photo"
    ARTWORK_ANNOTATION_DELETE = "artwork.annotation_delete", "Removed an annotation from an artwork photo"
    ARTWORK_CREATE = "artwork.create", "Recorded an artwork"
    ARTWORK_GRANT_ADD = "artwork.grant_add", "Granted an artwork for use beyond the record"
    ARTWORK_GRANT_REVOKE = "artwork.grant_revoke", "Withdrew an artwork's grant for use beyond the record"
    ARTWORK_IMAGE_VIEW = "artwork.image_view", "Viewed an artwork image"
    ARTWORK_PHOTO_ANALYSED = "artwork.photo_analysed", "Analysed an artwork photo (thumbnails and features)"
    ARTWORK_PHOTO_CORNERS_RESET = (
        "artwork.photo_corners_reset",
        "Let the computer find the page of an artwork photo again",
    )
    ARTWORK_PHOTO_CORNERS_SET = "artwork.photo_corners_set", "Marked the page's corners on an artwork photo"
    ARTWORK_PHOTO_PRIMARY = "artwork.photo_primary", "Chose an artwork's main photo"
    ARTWORK_PHOTOS_ADD = "artwork.photos_add", "Added photos of an artwork"
    ARTWORK_RATING_SIGN = "artwork.rating_sign", "Signed a rating of an artwork"
    ARTWORK_UPDATE = "artwork.update", "Changed an artwork's details"
    ASSESSMENT_TYPE_CREATE = "assessment_type.create", "Added an assessment type"
    ASSESSMENT_TYPE_UPDATE = "assessment_type.update", "Changed an assessment type"

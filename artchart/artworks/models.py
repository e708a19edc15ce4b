"""Artworks: the client's pieces, their photos and what was computed from them,
ratings by named raters, annotations, and grants to use a piece beyond the record.

An artwork belongs to one client and, when it was made in a session, to that
session. Each photo is stored once per artwork under the SHA-256 of its stored
copy (re-encoded pixels, no metadata), so a retried upload is not a duplicate;
its thumbnails and features arrive later from a background task
(``analysis_status``). A rating is signed when it is saved and never changes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from artchart.clients import validation as v
from artchart.clients.models import Client, Consent, ConsentKind
from artchart.core.models import Organization
from artchart.therapy.models import Session

USER = settings.AUTH_USER_MODEL


def _text(label: str, limit: int = 5000):
    return models.TextField(label, max_length=limit, validators=[MaxLengthValidator(limit)], blank=True)


# ---------------------------------------------------------------- assessment types


class Media(models.TextChoices):
    PENCIL = "pencil", "Pencil or graphite"
    MARKER = "marker", "Markers"
    CRAYON = "crayon", "Crayons or oil pastels"
    CHALK_PASTEL = "chalk_pastel", "Chalk pastels"
    WATERCOLOUR = "watercolour", "Watercolour"
    PAINT = "paint", "Acrylic, tempera or gouache"
    INK = "ink", "Ink"
    COLLAGE = "collage", "Collage"
    CLAY = "clay", "Clay or modelling material"
    FIBRE = "fibre", "Fibre or textile"
    FOUND = "found", "Found objects or assemblage"
    DIGITAL = "digital", "Digital"
    MIXED = "mixed", "Mixed media"
    OTHER = "other", "Other"


class AssessmentType(models.Model):
    """A structured drawing task (PPAT, DDS, HTP …). Shipped ones are seeded by a
    migration; a practice adds its own as data. ``rating_scales`` lists the scales
    its raters score beyond FEATS: ``[{"name": "…", "min": 0, "max": 5, "step": 0.5}]``."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessment_types",
        help_text="Empty for the assessments ArtChart ships.",
    )
    code = models.SlugField(max_length=30)
    name = models.CharField(max_length=120)
    task = models.CharField(max_length=400, blank=True)
    media = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=200, blank=True)
    feats_ratable = models.BooleanField("rated with FEATS", default=False)
    # The medium the protocol prescribes (markers for the PPAT): the computer's FEATS estimates
    # come from the published work on that medium, so a piece in another is flagged "medium differs".
    standard_media = models.CharField("standard medium", max_length=16, choices=Media.choices, blank=True)
    rating_scales = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="assessment_code_once")]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- artworks


class Dimension(models.TextChoices):
    FLAT = "2d", "2-D (drawing, painting, collage)"
    SCULPTURE = "3d", "3-D (sculpture, assemblage)"


class Disposition(models.TextChoices):
    WITH_CLIENT = "with_client", "Taken home by the client"
    IN_STUDIO = "in_studio", "Kept in the studio"
    STORED = "stored", "Stored in the client's portfolio"
    EXHIBITED = "exhibited", "On exhibit"
    RETURNED = "returned", "Returned to the client at discharge"
    GIVEN = "given", "Given to someone by the client"
    DISCARDED = "discarded", "Discarded with the client's agreement"
    DESTROYED = "destroyed", "Destroyed by the client"


class Artwork(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="artworks")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, null=True, blank=True, related_name="artworks")
    title = models.CharField(max_length=200, blank=True)
    statement = _text("the client's statement", 5000)
    observations = _text("therapist's observations", 5000)
    made_on = models.DateField("date made", validators=[v.validate_not_future])
    media = models.CharField(max_length=16, choices=Media.choices, default=Media.MARKER)
    dimension = models.CharField(max_length=2, choices=Dimension.choices, default=Dimension.FLAT)
    width_cm = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0.1)]
    )
    height_cm = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0.1)]
    )
    depth_cm = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0.1)]
    )
    # Made under an assessment: which one, the protocol variant, the time taken (and any limit).
    assessment = models.ForeignKey(
        AssessmentType, on_delete=models.PROTECT, null=True, blank=True, related_name="artworks"
    )
    protocol_variant = models.CharField(max_length=200, blank=True)
    time_taken_minutes = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(600)])
    time_limit_minutes = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(600)])
    disposition = models.CharField(max_length=12, choices=Disposition.choices, default=Disposition.IN_STUDIO)
    disposition_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The key the device made for the photo this piece was filed from: an upload sent again (its
    # answer lost on the way) finds its piece instead of making a second one.
    upload_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["made_on", "pk"]
        indexes = [models.Index(fields=["client", "made_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "upload_key"],
                condition=models.Q(upload_key__isnull=False),
                name="artwork_upload_key_once_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"Untitled, {self.made_on:%b %-d, %Y}"

    @property
    def is_sculpture(self) -> bool:
        return self.dimension == Dimension.SCULPTURE

    @property
    def feats_ratable(self) -> bool:
        """FEATS is for PPAT drawings and the types a practice marks FEATS-ratable, never 3-D work or collage."""
        return (
            self.assessment is not None
            and self.assessment.feats_ratable
            and not self.is_sculpture
            and self.media != Media.COLLAGE
        )


class InquiryItem(models.Model):
    """One question of the post-drawing inquiry and the client's answer, in order."""

    artwork = models.ForeignKey(Artwork, on_delete=models.CASCADE, related_name="inquiry")
    position = models.PositiveSmallIntegerField()
    question = models.CharField(max_length=500)
    answer = _text("answer", 2000)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["artwork", "position"], name="inquiry_position_once")]

    def __str__(self) -> str:
        return f"Question {self.position} about artwork {self.artwork_id}"


# ---------------------------------------------------------------- photos and analysis


class AnalysisStatus(models.TextChoices):
    PENDING = "pending", "Waiting for analysis"
    READY = "ready", "Analysed"
    FAILED = "failed", "Analysis failed"


class Photo(models.Model):
    """One photo of an artwork: the stored copy (pixels only), its thumbnails and features."""

    artwork = models.ForeignKey(Artwork, on_delete=models.CASCADE, related_name="photos")
    sha256 = models.CharField(max_length=64)
    file = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField()
    original_name = models.CharField(max_length=200, blank=True)
    source_format = models.CharField(max_length=10)
    caption = models.CharField(max_length=200, blank=True)  # "front", "left side" — 3-D work has several
    is_primary = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    analysis_status = models.CharField(max_length=8, choices=AnalysisStatus.choices, default=AnalysisStatus.PENDING)
    analysis_error = models.CharField(max_length=300, blank=True)
    thumb_small = models.CharField(max_length=200, blank=True)
    thumb_large = models.CharField(max_length=200, blank=True)
    # The straightened page (long side up to 640) and its 320-px copy, where a page was found or marked.
    thumb_page = models.CharField(max_length=200, blank=True)
    thumb_page_small = models.CharField(max_length=200, blank=True)
    # The page's four corners as a person marked them (pixels of the stored copy, top-left first,
    # clockwise), used instead of the page finder; null when the finder decides.
    page_corners = models.JSONField(null=True, blank=True)
    # The copy with the masking annotations applied, used wherever the image leaves the record.
    deidentified = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-is_primary", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["artwork", "sha256"], name="photo_once_per_artwork"),
            models.UniqueConstraint(fields=["artwork"], condition=models.Q(is_primary=True), name="one_primary_photo"),
        ]

    def __str__(self) -> str:
        return self.caption or f"Photo {self.pk}"

    @property
    def small_variant(self) -> str:
        """The small picture lists show: the straightened page where there is one (it is what was
        measured, without the table around it), else the photo; "" before either is made."""
        if self.thumb_page_small:
            return "page_small"
        return "small" if self.thumb_small else ""

    @property
    def analysis(self):
        """The newest analysis of this photo (prefetched as ``analyses`` where lists need it)."""
        analyses = list(self.analyses.all())
        return max(analyses, key=lambda a: (a.computed_at, a.pk)) if analyses else None


class Analysis(models.Model):
    """What ``imaging.derive`` computed from one photo, with the version that computed it.
    A newer feature version adds a row; old rows stay so earlier figures can be explained."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="analyses")
    version = models.CharField(max_length=20)
    features = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-computed_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["photo", "version"], name="analysis_once_per_version")]

    def __str__(self) -> str:
        return f"Analysis {self.version} of photo {self.photo_id}, {self.computed_at:%Y-%m-%d}"


# ---------------------------------------------------------------- ratings

# FEATS (Gantt & Tabone): the fourteen scale names only — the rating manual's
# anchors and plates are copyright and are never shipped.
FEATS_SCALES = (
    ("prominence_of_color", "Prominence of Color"),
    ("color_fit", "Color Fit"),
    ("implied_energy", "Implied Energy"),
    ("space", "Space"),
    ("integration", "Integration"),
    ("logic", "Logic"),
    ("realism", "Realism"),
    ("problem_solving", "Problem-solving"),
    ("developmental_level", "Developmental Level"),
    ("details", "Details of Objects and Environment"),
    ("line_quality", "Line Quality"),
    ("person", "Person"),
    ("rotation", "Rotation"),
    ("perseveration", "Perseveration"),
)
FEATS_SCALE_NAMES = dict(FEATS_SCALES)
FEATS = "feats"


class Rating(models.Model):
    """One rater's scores of one artwork on one rating system (FEATS, or an assessment's own
    scales). Signed when saved: ``content_hash`` covers the scores, rater and artwork, and
    is checked whenever the rating is shown."""

    artwork = models.ForeignKey(Artwork, on_delete=models.CASCADE, related_name="ratings")
    system = models.CharField(max_length=30)  # "feats" or an AssessmentType.code
    rater = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="artwork_ratings")
    scores = models.JSONField()  # {"scale key": number}
    comment = _text("comment", 2000)
    signed_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["artwork", "system", "rater"], name="rating_once_per_rater")]

    def __str__(self) -> str:
        return f"{self.system} rating of artwork {self.artwork_id}, {self.signed_at:%Y-%m-%d}"


# ---------------------------------------------------------------- annotations


class AnnotationKind(models.TextChoices):
    MARK = "mark", "Mark with a note"
    CROP = "crop", "Mask: crop to this area"
    BLUR = "blur", "Mask: blur this area"
    COVER = "cover", "Mask: cover this area"


MASK_KINDS = (AnnotationKind.CROP, AnnotationKind.BLUR, AnnotationKind.COVER)


class Annotation(models.Model):
    """A mark drawn over a photo in a layer of its own: a rectangle in fractions of the
    photo (0–1), never written into the photo. Masks build the de-identified copy."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="annotations")
    kind = models.CharField(max_length=6, choices=AnnotationKind.choices)
    x = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(1)])
    y = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(1)])
    w = models.FloatField(validators=[MinValueValidator(0.005), MaxValueValidator(1)])
    h = models.FloatField(validators=[MinValueValidator(0.005), MaxValueValidator(1)])
    note = models.CharField(max_length=500, blank=True)
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on photo {self.photo_id}"

    @property
    def is_mask(self) -> bool:
        return self.kind in MASK_KINDS


# ---------------------------------------------------------------- use beyond the record

# Scopes that need a grant on the artwork itself, on top of the client's consent.
PER_ARTWORK_SCOPES = (ConsentKind.EXHIBIT, ConsentKind.PUBLICATION, ConsentKind.RESEARCH)


class ArtworkGrant(models.Model):
    """The client's yes for one piece in one scope (exhibit, publication, research), under
    a consent in force. A revoked consent or grant takes the piece out of that use."""

    artwork = models.ForeignKey(Artwork, on_delete=models.CASCADE, related_name="grants")
    scope = models.CharField(max_length=16, choices=[(k.value, k.label) for k in PER_ARTWORK_SCOPES])
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="artwork_grants")
    granted_on = models.DateField(validators=[v.validate_not_future])
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    revoked_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["scope", "-granted_on"]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} grant for artwork {self.artwork_id}, {self.granted_on}"

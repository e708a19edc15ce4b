"""A practice's own assessment types (the shipped ones — PPAT, DDS, HTP … — are fixed rows
every practice shares). Admins and program admins add them as data: the task, media (and the
standard medium the computer's FEATS estimates compare a piece's media with),
whether FEATS applies (adapted FEATS versions exist for a few drawings), and any rating
scales of the assessment's own."""

from __future__ import annotations

from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from artchart.artworks.audit_actions import ArtworkAction
from artchart.artworks.models import FEATS, AssessmentType
from artchart.core import audit
from artchart.core.access import require_role
from artchart.core.changes import UNSET, apply_changes, save_changes
from artchart.core.messages import UserMessage
from artchart.core.models import Role, User

MANAGER_ROLES = (Role.ADMIN, Role.PROGRAM_ADMIN)
# The fields assessment_type_create and assessment_type_update take; the edit page starts from them.
FIELDS = ("name", "task", "media", "standard_media", "source", "feats_ratable", "rating_scales", "is_active")
CODE_TAKEN = UserMessage("code_taken", "Your practice already has an assessment with this name.")
RESERVED = UserMessage("reserved", "Choose another name: “FEATS” names the rating scale itself.")
BAD_SCALE = UserMessage(
    "bad_scale", "Line {line}: write a scale as “name, lowest, highest, step”, e.g. “Use of space, 0, 5, 1”."
)
SCALE_RANGE = UserMessage(
    "scale_range", "Line {line}: the lowest score must be below the highest, and the step must fit between them."
)
TOO_MANY_SCALES = UserMessage("too_many_scales", "At most 30 scales.")


class RatingScale(TypedDict):
    """One of a practice's own rating scales, as stored on its assessment."""

    name: str
    min: float
    max: float
    step: float


def parse_scales(text: str) -> list[RatingScale]:
    """Rating scales from lines of “name, lowest, highest, step” (step optional, default 1)."""
    scales: list[RatingScale] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) not in (3, 4) or not parts[0]:
            raise ValidationError({"rating_scales": BAD_SCALE.format(line=number)})
        try:
            low, high = float(parts[1]), float(parts[2])
            step = float(parts[3]) if len(parts) == 4 else 1.0
        except ValueError:
            raise ValidationError({"rating_scales": BAD_SCALE.format(line=number)}) from None
        if not (low < high and 0 < step <= high - low):
            raise ValidationError({"rating_scales": SCALE_RANGE.format(line=number)})
        scales.append({"name": parts[0][:80], "min": low, "max": high, "step": step})
    if len(scales) > 30:
        raise ValidationError({"rating_scales": TOO_MANY_SCALES})
    return scales


def scales_as_text(scales: list[RatingScale]) -> str:
    return "\n".join(f"{s['name']}, {s['min']:g}, {s['max']:g}, {s['step']:g}" for s in scales)


def _save(by: User, assessment: AssessmentType, action: ArtworkAction, changed: list[str]) -> AssessmentType:
    assessment.full_clean(exclude=["organization"])
    if assessment.code == FEATS:
        raise ValidationError({"name": RESERVED})
    # An account outside every organization has organization_id None, which Django reads as IS NULL
    # (the shipped assessments); django-stubs refuses None in a lookup, hence the ignore.
    if (
        AssessmentType.objects.filter(
            organization_id=by.organization_id,  # type: ignore[misc]
            code=assessment.code,
        )
        .exclude(pk=assessment.pk)
        .exists()
    ):
        raise ValidationError({"name": CODE_TAKEN})
    with transaction.atomic():
        if assessment.pk is None:
            assessment.save()
        else:
            save_changes(assessment, changed)
        audit.record(actor=by, action=action, obj=assessment, detail={"fields": changed})
    return assessment


def assessment_type_create(
    *,
    by: User,
    name: str = UNSET,
    task: str = UNSET,
    media: str = UNSET,
    standard_media: str = UNSET,
    source: str = UNSET,
    feats_ratable: bool = UNSET,
    rating_scales: list[RatingScale] = UNSET,
    is_active: bool = UNSET,
) -> AssessmentType:
    require_role(by, *MANAGER_ROLES)
    assessment = AssessmentType(organization_id=by.organization_id)
    changed = apply_changes(
        assessment,
        {
            "name": name,
            "task": task,
            "media": media,
            "standard_media": standard_media,
            "source": source,
            "feats_ratable": feats_ratable,
            "rating_scales": rating_scales,
            "is_active": is_active,
        },
    )
    assessment.code = slugify(assessment.name)[:30] or "assessment"
    return _save(by, assessment, ArtworkAction.ASSESSMENT_TYPE_CREATE, changed)


def assessment_type_update(
    *,
    by: User,
    assessment: AssessmentType,
    name: str = UNSET,
    task: str = UNSET,
    media: str = UNSET,
    standard_media: str = UNSET,
    source: str = UNSET,
    feats_ratable: bool = UNSET,
    rating_scales: list[RatingScale] = UNSET,
    is_active: bool = UNSET,
) -> AssessmentType:
    """Change the given fields; nothing is saved or audited when none changed."""
    require_role(by, *MANAGER_ROLES)
    with transaction.atomic():
        assessment = AssessmentType.objects.select_for_update().get(pk=assessment.pk)
        changed = apply_changes(
            assessment,
            {
                "name": name,
                "task": task,
                "media": media,
                "standard_media": standard_media,
                "source": source,
                "feats_ratable": feats_ratable,
                "rating_scales": rating_scales,
                "is_active": is_active,
            },
        )
        if not changed:
            return assessment
        return _save(by, assessment, ArtworkAction.ASSESSMENT_TYPE_UPDATE, changed)

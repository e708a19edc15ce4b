"""Materials and studio safety: the practice's catalogue of materials with their hazards,
the population profiles, each site's rules, the materials a directive needs, and the
overrides a clinician recorded for a session's conflict.

The check itself is pure (``artchart/supplies/safety.py``); these rows are what it reads.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from artchart.clients.models import Client
from artchart.core.messages import UserMessage
from artchart.core.models import Organization, Site
from artchart.programs.models import Directive
from artchart.supplies import safety
from artchart.therapy.models import Session

HAZARD_UNKNOWN = UserMessage("hazard_unknown", "Choose hazard tags from the list.")
ALLERGEN_NAME_NEEDED = UserMessage(
    "allergen_name_needed", "Name the allergen (wheat, wool, nuts…) when a material is tagged as an allergen."
)
ALLERGEN_WITHOUT_TAG = UserMessage("allergen_without_tag", "Tag the material as an allergen, or leave the name empty.")
TAG_BOTH_WAYS = UserMessage("tag_both_ways", "A hazard is either forbidden or supervised, not both.")


class Category(models.TextChoices):
    DRAWING = "drawing", "Drawing"
    PAINT = "paint", "Paint"
    PAPER = "paper", "Paper"
    CLAY = "clay", "Clay"
    SCULPTURE = "sculpture", "Sculpture and 3-D"
    COLLAGE = "collage", "Collage and adhesives"
    FIBRE = "fibre", "Fibre and found objects"
    TOOLS = "tools", "Tools"


class Seal(models.TextChoices):
    AP = safety.SEAL_AP, "AP (non-toxic)"
    CL = safety.SEAL_CL, "CL (cautionary label)"
    NONE = "", "No seal"


HAZARD_CHOICES = [(code, label) for code, (label, _) in safety.HAZARDS.items()]


def _check_tags(tags: list, field: str) -> None:
    if not isinstance(tags, list) or any(tag not in safety.HAZARDS for tag in tags):
        raise ValidationError({field: HAZARD_UNKNOWN})


class Material(models.Model):
    """One material or tool in the practice's catalogue."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=12, choices=Category.choices)
    unit = models.CharField(max_length=30, help_text="What one is counted or measured in: sheet, pair, g, ml.")
    whole_units = models.BooleanField(default=True, help_text="Counted in whole units (no fractions).")
    seal = models.CharField("ACMI seal", max_length=2, choices=Seal.choices, blank=True)
    hazards = models.JSONField(default=list, blank=True)
    allergen = models.CharField(max_length=60, blank=True, help_text="The allergen, when tagged as one: wheat, wool…")
    min_age = models.PositiveSmallIntegerField(
        "minimum age", null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    supplier = models.CharField(max_length=120, blank=True)
    unit_cost = models.DecimalField(
        max_digits=9, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    is_active = models.BooleanField("in use", default=True)

    class Meta:
        ordering = ["category", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="material_name_once")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _check_tags(self.hazards, "hazards")
        self.hazards = sorted(set(self.hazards))
        self.allergen = self.allergen.strip()
        if safety.ALLERGEN in self.hazards and not self.allergen:
            raise ValidationError({"allergen": ALLERGEN_NAME_NEEDED})
        if self.allergen and safety.ALLERGEN not in self.hazards:
            raise ValidationError({"allergen": ALLERGEN_WITHOUT_TAG})

    def facts(self) -> safety.MaterialFacts:
        return safety.MaterialFacts(
            id=self.pk,
            name=self.name,
            hazards=frozenset(self.hazards),
            allergen=self.allergen,
            seal=self.seal,
            min_age=self.min_age,
        )

    @property
    def hazard_labels(self) -> list[str]:
        labels = [safety.HAZARDS[tag][0] for tag in self.hazards if tag in safety.HAZARDS]
        return [f"{label}: {self.allergen}" if label == "Allergen" else label for label in labels]


class _Rules(models.Model):
    forbidden = models.JSONField(default=list, blank=True)
    supervised = models.JSONField(default=list, blank=True)
    ap_only = models.BooleanField("no CL-sealed materials", default=False)

    class Meta:
        abstract = True

    def clean(self) -> None:
        _check_tags(self.forbidden, "forbidden")
        _check_tags(self.supervised, "supervised")
        self.forbidden = sorted(set(self.forbidden))
        self.supervised = sorted(set(self.supervised))
        if set(self.forbidden) & set(self.supervised):
            raise ValidationError({"supervised": TAG_BOTH_WAYS})


class PopulationProfile(_Rules):
    """The defaults of a population (a school, memory care, a forensic unit…): what is
    forbidden, what is supervised and counted, and how sessions usually run."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    typical_goals = models.TextField(max_length=1000, validators=[MaxLengthValidator(1000)], blank=True)
    group_size = models.PositiveSmallIntegerField(
        "usual largest group", default=8, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    session_minutes = models.PositiveSmallIntegerField(
        "usual session length (minutes)", default=45, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    art_leaves_room = models.BooleanField("art may leave the room", default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "kind"], name="profile_kind_once")]

    def __str__(self) -> str:
        return self.name


class SiteProfile(_Rules):
    """The rules a site keeps: its population's profile, tightened as the site chooses.

    A site's rules that allow what its profile forbids or supervises are a loosening: an
    admin's decision, kept with the reason (and the audit event that recorded it)."""

    site = models.OneToOneField(Site, on_delete=models.PROTECT, related_name="supplies_profile")
    profile = models.ForeignKey(PopulationProfile, on_delete=models.PROTECT, related_name="sites")
    loosened_reason = models.CharField(max_length=500, blank=True)
    loosened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["site__name", "id"]

    def __str__(self) -> str:
        return f"{self.site} ({self.profile})"

    def loosened(self) -> list[str]:
        """What the profile forbids or supervises that this site does not, in words."""
        return loosenings(self.profile, self.forbidden, self.supervised, self.ap_only)

    def rules(self) -> safety.SiteRules:
        return safety.SiteRules(
            site=self.site.name,
            forbidden=frozenset(self.forbidden),
            supervised=frozenset(self.supervised),
            ap_only=self.ap_only,
        )


def loosenings(profile: PopulationProfile, forbidden: list, supervised: list, ap_only: bool) -> list[str]:
    words = []
    for tag in profile.forbidden:
        if tag not in forbidden:
            words.append(f"{safety.HAZARDS[tag][1]} no longer forbidden")
    for tag in profile.supervised:
        if tag not in forbidden and tag not in supervised:
            words.append(f"{safety.HAZARDS[tag][1]} no longer supervised")
    if profile.ap_only and not ap_only:
        words.append("CL-sealed materials allowed")
    return words


class DirectiveMaterial(models.Model):
    """A material a directive needs, and how much for each participant."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="material_links")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="directive_links")
    quantity = models.DecimalField(
        "quantity per participant", max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    class Meta:
        ordering = ["material__name", "id"]
        constraints = [models.UniqueConstraint(fields=["directive", "material"], name="directive_material_once")]

    def __str__(self) -> str:
        return f"{self.material} for directive {self.directive_id}"


class SafetyOverride(models.Model):
    """A clinician's decision to go ahead with one conflict of a session, and why."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "key"], name="safety_override_once")]

    def __str__(self) -> str:
        return f"Override of {self.key} for session {self.session_id}"

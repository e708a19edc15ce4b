"""Programs and the directive library: for now a bare directive and program that plans and sessions can name.

They grow later (populations, curricula, materials with safety attributes);
nothing here is about one client, so no row names one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from artchart.core.messages import UserMessage
from artchart.core.models import Organization, Site

SITE_UNKNOWN = UserMessage("program_site_unknown", "Choose one of your organization's sites.")


class _LibraryEntry(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    description = models.TextField(max_length=2000, validators=[MaxLengthValidator(2000)], blank=True)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="Leave empty for every site."
    )

    class Meta:
        abstract = True
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.site_id
            and self.organization_id
            and not Site.objects.filter(pk=self.site_id, organization_id=self.organization_id).exists()
        ):
            raise ValidationError({"site": SITE_UNKNOWN})


class Directive(_LibraryEntry):
    """An art directive (intervention) a therapist may offer: what it is and what it needs."""

    materials = models.TextField(max_length=1000, validators=[MaxLengthValidator(1000)], blank=True)

    class Meta(_LibraryEntry.Meta):
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="directive_name_once")]


class Program(_LibraryEntry):
    """A program the practice runs (a school group, a memory-care studio…)."""

    class Meta(_LibraryEntry.Meta):
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="program_name_once")]

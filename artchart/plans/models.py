"""Versioned treatment plans: problems, goals with Goal Attainment Scaling levels, objectives, planned interventions.

A plan is written as a draft, signed (an intern's is submitted, then co-signed
by their supervisor) and then never changed: a revision is the next version,
and signing it supersedes the one before, which is kept.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from artchart.clients.models import Client
from artchart.core.messages import UserMessage
from artchart.programs.models import Directive


def _text(label: str = "", limit: int = 1000, **extra):
    return models.TextField(label or None, max_length=limit, validators=[MaxLengthValidator(limit)], **extra)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for co-signature"
    SIGNED = "signed", "Active"
    SUPERSEDED = "superseded", "Superseded"


OPEN_STATUSES = (PlanStatus.DRAFT, PlanStatus.SUBMITTED)


class TreatmentPlan(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="treatment_plans")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    review_date = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the plan's content as signed, so a later change to a row is found.
    content_hash = models.CharField(max_length=64, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_comment = _text("supervisor's comment", 2000, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["client", "-version"]
        constraints = [models.UniqueConstraint(fields=["client", "version"], name="plan_version_once_per_client")]
        indexes = [models.Index(fields=["status", "review_date"])]

    def __str__(self) -> str:
        return f"Treatment plan v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def is_signed(self) -> bool:
        return self.status in (PlanStatus.SIGNED, PlanStatus.SUPERSEDED)


class Problem(models.Model):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="problems")
    statement = _text("problem", 1000)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.statement[:60]


class Goal(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="goals")
    statement = _text("goal", 1000)
    # Goal Attainment Scaling: what each outcome looks like, −2 (much less than expected) to +2 (much more).
    level_minus_2 = _text("−2 much less than expected", 500, blank=True)
    level_minus_1 = _text("−1 somewhat less than expected", 500, blank=True)
    level_0 = _text("0 expected outcome", 500, blank=True)
    level_plus_1 = _text("+1 somewhat more than expected", 500, blank=True)
    level_plus_2 = _text("+2 much more than expected", 500, blank=True)
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(10)])

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.statement[:60]

    @property
    def gas_levels(self) -> list[tuple[str, str]]:
        levels = [
            ("−2", self.level_minus_2),
            ("−1", self.level_minus_1),
            ("0", self.level_0),
            ("+1", self.level_plus_1),
            ("+2", self.level_plus_2),
        ]
        return [(score, text) for score, text in levels if text]


class ObjectiveStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"
    DISCONTINUED = "discontinued", "Discontinued"


class Objective(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    statement = _text("measurable objective", 1000)
    baseline = models.CharField(max_length=300, blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=14, choices=ObjectiveStatus.choices, default=ObjectiveStatus.NOT_STARTED)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.statement[:60]


class PlannedIntervention(models.Model):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="interventions")
    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    technique = models.CharField(max_length=300, blank=True, help_text="If no directive from the library fits.")
    media = models.CharField(max_length=200, blank=True)
    frequency = models.CharField(max_length=100, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.directive.name if self.directive_id else self.technique

    def clean(self) -> None:
        if not self.directive_id and not self.technique.strip():
            raise ValidationError({"technique": NEEDS_DIRECTIVE_OR_TECHNIQUE})
        if (
            self.directive_id
            and self.plan_id
            and not Directive.objects.filter(
                pk=self.directive_id, organization_id=self.plan.client.organization_id
            ).exists()
        ):
            raise ValidationError({"directive": DIRECTIVE_UNKNOWN})
        # The web offers the care team only; the API takes an id, so it is checked here.
        if (
            self.delivered_by_id
            and self.plan_id
            and not self.plan.client.care_team.filter(user_id=self.delivered_by_id).exists()
        ):
            raise ValidationError({"delivered_by": DELIVERER_NOT_ON_TEAM})


NEEDS_DIRECTIVE_OR_TECHNIQUE = UserMessage(
    "plan_needs_directive_or_technique", "Choose a directive from the library or name the technique."
)
DIRECTIVE_UNKNOWN = UserMessage("plan_directive_unknown", "Choose a directive from your organization's library.")
DELIVERER_NOT_ON_TEAM = UserMessage(
    "plan_deliverer_not_on_team", "Choose someone on the client's care team to deliver it."
)
CONFERENCE_IN_FUTURE = UserMessage(
    "conference_in_future", "Record a conference once it has been held: its date cannot be in the future."
)
ATTENDEE_USER_OR_NAME = UserMessage(
    "attendee_user_or_name",
    "Choose a colleague who uses ArtChart or name an outside professional (and their role), not both.",
)
ATTENDEE_LISTED = UserMessage("attendee_listed", "This colleague is already listed as attending.")
ATTENDEE_NEEDS_ROLE = UserMessage(
    "attendee_needs_role", "Give the outside professional's role or discipline, e.g. psychiatrist."
)


class TeamConference(models.Model):
    """A treatment-team conference about one client: who met, what was discussed and decided.

    It is the record of a meeting, not a signed document: whoever may write the
    client's clinical record may correct it later, and each change is audited.
    The plan versions it led to are linked (only versions of the same client).
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="team_conferences")
    held_on = models.DateField("held on")
    discussion = _text("discussion", 10000, blank=True)
    decisions = _text("decisions", 5000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    plan_versions = models.ManyToManyField(
        TreatmentPlan, blank=True, related_name="conferences", verbose_name="plan versions it led to"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["client", "held_on"])]

    def __str__(self) -> str:
        return f"Team conference of {self.held_on:%-d %B %Y}"

    def clean(self) -> None:
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"held_on": CONFERENCE_IN_FUTURE})


class ConferenceAttendee(models.Model):
    """Someone at a conference: a user of ArtChart, or an outside professional by name (exactly one)."""

    conference = models.ForeignKey(TeamConference, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True, help_text="An outside professional, e.g. Dr. Ana Ruiz.")
    discipline = models.CharField(
        "role or discipline", max_length=200, blank=True, help_text="e.g. psychiatrist, school counsellor, case manager"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False, name="") | (models.Q(user__isnull=True) & ~models.Q(name=""))),
                name="attendee_is_a_user_or_named",
                violation_error_message=ATTENDEE_USER_OR_NAME,
            ),
            models.UniqueConstraint(
                fields=["conference", "user"],
                condition=models.Q(user__isnull=False),
                name="attendee_user_once",
                violation_error_message=ATTENDEE_LISTED,
            ),
        ]

    def __str__(self) -> str:
        who = self.user.display_name if self.user_id else self.name
        return f"{who}, {self.discipline}" if self.discipline else who

    def clean(self) -> None:
        # Neither or both of user and name is refused by the constraint (its message), checked after this.
        self.name, self.discipline = self.name.strip(), self.discipline.strip()
        if self.name and not self.user_id and not self.discipline:
            raise ValidationError({"discipline": ATTENDEE_NEEDS_ROLE})

"""Standardized measures: each administration with its item answers and score,
the per-client schedule, one-time links for answering at home, risk alerts,
Goal Attainment Scaling ratings, and the organization's crisis resources.

Instruments themselves are data files read by the pure ``artchart.outcomes``
core; a row names its instrument by id and keeps the version that scored it.
A scored administration is never edited: a mistake is recorded as a new one.
A form that cannot be scored (an item left blank where the authors allow
none) is kept as an *incomplete* administration with what was answered, so a
risk answer in it is never lost; it gains answers until it is completed and
scored, and each change is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from artchart.clients import validation as v
from artchart.clients.models import Client, Contact
from artchart.core.models import Organization
from artchart.plans.models import Goal
from artchart.therapy.models import Session

USER = settings.AUTH_USER_MODEL


class Mode(models.TextChoices):
    ENTERED = "entered", "Entered by the clinician"
    TABLET = "tablet", "Completed by the client on the tablet"
    LINK = "link", "Completed through a link"
    API = "api", "Recorded through the API"


class Respondent(models.TextChoices):
    CLIENT = "client", "Client"
    GUARDIAN = "guardian", "Parent or guardian"


class Administration(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="administrations")
    instrument = models.CharField(max_length=40)  # the instrument file's id, e.g. "phq9"
    instrument_version = models.CharField(max_length=20)
    administered_on = models.DateField(validators=[v.validate_not_future])
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="administrations"
    )
    mode = models.CharField(max_length=8, choices=Mode.choices)
    respondent = models.CharField(max_length=8, choices=Respondent.choices, default=Respondent.CLIENT)
    answers = models.JSONField()  # one option value (or null) per scored item, in order
    extra_answers = models.JSONField(default=dict, blank=True)  # unscored questions (PHQ-9's difficulty)
    total = models.FloatField(null=True, blank=True)  # None while incomplete: never a number from a part-form
    is_complete = models.BooleanField(default=True)
    incomplete_reason = models.CharField(max_length=300, blank=True)  # the scorer's words, e.g. "4 of 9 unanswered"
    subscales = models.JSONField(default=dict, blank=True)
    band = models.CharField(max_length=60, blank=True)
    flags = models.JSONField(default=list, blank=True)
    risk = models.BooleanField(default=False)
    prorated = models.BooleanField(default=False)
    # Why an instrument made for another age range was used for this client (blank where it fits).
    fit_reason = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["administered_on", "recorded_at", "pk"]
        indexes = [models.Index(fields=["client", "instrument", "administered_on"])]

    def __str__(self) -> str:
        score = f"{self.total:g}" if self.is_complete else "incomplete"
        return f"{self.instrument} {self.administered_on:%Y-%m-%d}: {score}"

    @property
    def answered_count(self) -> int:
        return sum(answer is not None for answer in self.answers)


class ScheduleRule(models.TextChoices):
    EVERY_N_SESSIONS = "sessions", "Every N attended sessions"
    EVERY_N_WEEKS = "weeks", "Every N weeks"
    INTAKE_DISCHARGE = "ends", "At intake and discharge only"


class MeasureSchedule(models.Model):
    """When a client is due an instrument: at intake (no administration yet), then by the rule,
    and at discharge (a discharge note newer than the last administration)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="measure_schedules")
    instrument = models.CharField(max_length=40)
    rule = models.CharField(max_length=8, choices=ScheduleRule.choices, default=ScheduleRule.EVERY_N_SESSIONS)
    interval = models.PositiveSmallIntegerField(default=4, validators=[MinValueValidator(1), MaxValueValidator(52)])
    at_discharge = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["instrument"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "instrument"],
                condition=models.Q(is_active=True),
                name="one_active_schedule_per_instrument",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} schedule for client {self.client_id}"


class MeasureLink(models.Model):
    """A one-time link for a client or guardian to answer at home with no account. Only the
    token's hash is kept; the link is shown once (and mailed if the therapist asks)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="measure_links")
    instrument = models.CharField(max_length=40)
    token_hash = models.CharField(max_length=64, unique=True)
    respondent = models.CharField(max_length=8, choices=Respondent.choices, default=Respondent.CLIENT)
    recipient = models.CharField("sent to", max_length=200)
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    emailed_to = models.EmailField(blank=True)
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)  # replaced by a resend, or withdrawn
    # Set with the first answers saved (an incomplete administration), completed on submit.
    administration = models.OneToOneField(
        Administration, on_delete=models.PROTECT, null=True, blank=True, related_name="link"
    )
    fit_reason = models.CharField(max_length=500, blank=True)  # carried to the administration it becomes

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.instrument} link for client {self.client_id}, due {self.due_on}"

    @property
    def status(self) -> str:
        if self.completed_at:
            return "completed"
        if self.administration_id and self.expires_at > timezone.now() and not self.cancelled_at:
            return "started"
        if self.cancelled_at:
            return "cancelled"
        if self.expires_at <= timezone.now():
            return "expired"
        if self.due_on < timezone.localdate():
            return "overdue"
        return "waiting"

    STATUS_LABELS = {
        "completed": "Completed",
        "started": "Started, not finished",
        "cancelled": "Replaced or withdrawn",
        "expired": "Expired",
        "overdue": "Overdue",
        "waiting": "Waiting",
    }

    @property
    def status_label(self) -> str:
        return self.STATUS_LABELS[self.status]


class AlertOutcome(models.TextChoices):
    """What the clinician did about a risk alert: a safety plan written or reviewed, or why not."""

    PLAN_WRITTEN = "plan_written", "Wrote a new safety plan with the client"
    PLAN_REVIEWED = "plan_reviewed", "Reviewed the current safety plan with the client"
    ALREADY_SAFE = "already_safe", "Already safe: assessed in session"
    DECLINED = "declined", "Client declined"
    REFERRED = "referred", "Referred to crisis service"
    OTHER = "other", "Other"


class AlertSeverity(models.TextChoices):
    """How urgent an alert is, from its instrument's risk flags: intent, a plan or recent behaviour is high."""

    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"


class RiskAlert(models.Model):
    """Raised by an administration with a risk flag (PHQ-9 item 9 above 0). It stays on the
    dashboard and the chart until a clinician acknowledges it: by writing or reviewing a safety
    plan, or by recording why not. Left open past ``RISK_ESCALATE_MINUTES`` it is escalated once
    (``escalated_at``) to the supervising and on-call clinicians."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="risk_alerts")
    administration = models.OneToOneField(Administration, on_delete=models.PROTECT, related_name="alert")
    flags = models.JSONField(default=list)
    severity = models.CharField(max_length=8, choices=AlertSeverity.choices, default=AlertSeverity.HIGH)
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Acknowledgements made before the structured outcome existed kept a free-text note; kept as written.
    safety_plan_note = models.TextField(max_length=5000, validators=[MaxLengthValidator(5000)], blank=True)
    outcome = models.CharField(max_length=16, choices=AlertOutcome.choices, blank=True)
    outcome_note = models.CharField(max_length=1000, blank=True)  # required for "Other"
    safety_plan = models.ForeignKey(
        "SafetyPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )  # the version written or reviewed
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["client", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"Risk alert {self.pk} for client {self.client_id}, {self.raised_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class GoalAttainment(models.Model):
    """A Goal Attainment Scaling rating of one plan goal: −2 (much less than expected) to +2."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="attainments")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="goal_attainments")
    level = models.SmallIntegerField(validators=[MinValueValidator(-2), MaxValueValidator(2)])
    rated_on = models.DateField(validators=[v.validate_not_future])
    session = models.ForeignKey(Session, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    rated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rated_on", "pk"]
        indexes = [models.Index(fields=["client", "rated_on"])]

    def __str__(self) -> str:
        return f"Goal {self.goal_id} rated {self.level} on {self.rated_on}"


DEFAULT_CRISIS_RESOURCES = (
    "If you are thinking about hurting yourself or are in crisis, call or text 988 "
    "(the 988 Suicide & Crisis Lifeline, US) now, or chat at 988lifeline.org. "
    "If you are in danger right now, call 911 or go to the nearest emergency department."
)


class CrisisResources(models.Model):
    """What a client answering through a link sees at once on a risk answer (988 in the US by default)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="crisis_resources")
    text = models.TextField(max_length=2000, validators=[MaxLengthValidator(2000)])
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Crisis resources of organization {self.organization_id}"


class SafetyPlan(models.Model):
    """One signed version of a client's safety plan (Stanley & Brown's Safety Planning
    Intervention, 2012): the six steps and the means of making the environment safe.

    Each list holds one entry per line as the client put it. A version is written and signed
    in one step and never changes after; a change is a new version, which supersedes it (the
    current plan is the client's highest version). The organization's crisis resources are
    copied in when a version is written, so the printed plan says what was true that day.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="safety_plans")
    version = models.PositiveSmallIntegerField()
    warning_signs = models.JSONField(default=list, blank=True)
    coping_strategies = models.JSONField(default=list, blank=True)  # internal: what I can do on my own
    distractions = models.JSONField(default=list, blank=True)  # people and places that distract
    help_contacts = models.JSONField(default=list, blank=True)  # people I can ask for help
    professionals = models.JSONField(default=list, blank=True)  # professionals and agencies to contact
    crisis_resources = models.TextField(max_length=2000, validators=[MaxLengthValidator(2000)])
    means_safety = models.JSONField(default=list, blank=True)  # making the environment safe
    reasons_for_living = models.JSONField(default=list, blank=True)
    signed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["client", "version"], name="safety_plan_version_once")]

    def __str__(self) -> str:
        return f"Safety plan v{self.version}"

    # The steps in the order the client uses them in a crisis, in the words of the printed form.
    STEPS = (
        ("warning_signs", "1. Warning signs that a crisis may be coming"),
        ("coping_strategies", "2. Things I can do on my own to take my mind off my problems"),
        ("distractions", "3. People and places that take my mind off things"),
        ("help_contacts", "4. People I can ask for help"),
        ("professionals", "5. Professionals and agencies I can contact in a crisis"),
        ("means_safety", "6. Making the environment safe"),
        ("reasons_for_living", "The one thing most important to me and worth living for"),
    )

    @property
    def steps(self) -> list[tuple[str, list[str]]]:
        return [(label, getattr(self, name)) for name, label in self.STEPS]


class SafetyPlanReview(models.Model):
    """A safety plan gone through with the client: on which day and by whom (the plan itself is unchanged)."""

    plan = models.ForeignKey(SafetyPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(validators=[v.validate_not_future])
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"Review of safety plan {self.plan_id} on {self.reviewed_on}"


class EscalationReason(models.TextChoices):
    SUPERVISOR = "supervisor", "Supervising clinician"
    ON_CALL = "on_call", "On-call clinician of the site"


class AlertEscalation(models.Model):
    """One clinician told that a risk alert went unacknowledged; ``seen_at`` is when their dashboard first showed it."""

    alert = models.ForeignKey(RiskAlert, on_delete=models.PROTECT, related_name="escalations")
    recipient = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=12, choices=EscalationReason.choices)
    notified_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-notified_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["alert", "recipient"], name="escalated_once_per_recipient")]

    def __str__(self) -> str:
        return f"Escalation of alert {self.alert_id} to user {self.recipient_id}"

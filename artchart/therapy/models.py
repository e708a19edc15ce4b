"""Sessions, recurring series, groups and attendance, notes and their addenda,
process notes, mandated reports and incidents, rooms and calendar feeds.

A session is individual or family (one ``client``) or group (a ``group``, whose
members' presence is ``Attendance``). A note belongs to one client and, for a
progress note, to one session that client attended. Signed notes never change:
their ``content_hash`` is checked whenever they are shown, and what comes later
is a signed ``Addendum``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from artchart.clients.models import Client
from artchart.core.models import Organization, Site
from artchart.plans.models import Goal, Objective
from artchart.programs.models import Directive, Program

USER = settings.AUTH_USER_MODEL


def _text(label: str = "", limit: int = 5000, **extra):
    return models.TextField(
        label or None, max_length=limit, validators=[MaxLengthValidator(limit)], blank=True, **extra
    )


# ---------------------------------------------------------------- places


class Room(models.Model):
    """A room at a site, so the schedule can show it and find it double-booked."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="room_name_once_per_site")]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- groups


class Group(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="therapy_groups")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="therapy_groups")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, null=True, blank=True, related_name="groups")
    name = models.CharField(max_length=200)
    description = _text("description", 2000)
    facilitators = models.ManyToManyField(USER, related_name="facilitated_groups")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """A client's time in a group: joined, and (once they leave) left. A client may rejoin later."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="group_memberships")
    joined_on = models.DateField(default=timezone.localdate)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["group", "client__legal_last_name", "client__legal_first_name"]
        indexes = [models.Index(fields=["client", "group"])]

    def __str__(self) -> str:
        return f"Client {self.client_id} in group {self.group_id} from {self.joined_on}"

    def is_member_on(self, day: dt.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)


# ---------------------------------------------------------------- sessions


class SessionKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    GROUP = "group", "Group"
    FAMILY = "family", "Family"


class Modality(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    TELEHEALTH = "telehealth", "Telehealth"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"


class BillingFields(models.Model):
    """A series' service code for the sessions it makes (each becomes the session's first service line)."""

    cpt_code = models.CharField("CPT code", max_length=5, blank=True)
    place_of_service = models.CharField("place of service", max_length=2, blank=True)
    modifier = models.CharField(max_length=2, blank=True, help_text="95, GT or 93 (audio only) for telehealth.")

    class Meta:
        abstract = True


class Series(BillingFields):
    """A recurring appointment. Its sessions exist a rolling 26 weeks ahead; a
    background task extends open-ended (and long) series as time passes."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="session_series")
    kind = models.CharField(max_length=12, choices=SessionKind.choices)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, null=True, blank=True, related_name="series")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, null=True, blank=True, related_name="series")
    therapist = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="series")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="series")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True, related_name="series")
    modality = models.CharField(max_length=12, choices=Modality.choices, default=Modality.IN_PERSON)
    frequency = models.CharField(max_length=12, choices=Frequency.choices, default=Frequency.WEEKLY)
    first_starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(5), MaxValueValidator(600)])
    # At most one of these ends the series; neither means open-ended.
    count = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(520)])
    until = models.DateField(null=True, blank=True)
    # Sessions exist up to this day; the extender adds the next weeks from here.
    generated_through = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["first_starts_at"]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} {self.get_kind_display().lower()} series"


class Session(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="sessions")
    kind = models.CharField(max_length=12, choices=SessionKind.choices)
    # Individual and family sessions name one client; group sessions name a group.
    client = models.ForeignKey(Client, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions")
    series = models.ForeignKey(Series, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions")
    therapist = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="therapy_sessions")
    co_facilitators = models.ManyToManyField(USER, blank=True, related_name="co_facilitated_sessions")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="therapy_sessions")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(5), MaxValueValidator(600)])
    modality = models.CharField(max_length=12, choices=Modality.choices, default=Modality.IN_PERSON)
    status = models.CharField(max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    cancel_reason = models.CharField(max_length=300, blank=True)
    # What the session was for: directives used are on its notes; this is the plan.
    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Where the service was given, for practices that bill; the codes are the session's ``service_lines``.
    place_of_service = models.CharField("place of service", max_length=2, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["therapist", "starts_at"]),
            models.Index(fields=["room", "starts_at"]),
            models.Index(fields=["site", "starts_at"]),
            models.Index(fields=["client", "starts_at"]),
            models.Index(fields=["group", "starts_at"]),
            models.Index(fields=["series", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} session {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class ServiceLine(models.Model):
    """One billed service of a session: a CPT code, its units and modifiers (``artchart/therapy/billing_rules.py``
    holds the codes and the rules the lines of one session keep). ArtChart records them; a billing system bills."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="service_lines")
    code = models.CharField("CPT code", max_length=5)
    units = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(16)])
    # Space-separated, in the order billed: "95", "93", "GT".
    modifiers = models.CharField(max_length=11, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "code"], name="service_code_once_per_session")]

    def __str__(self) -> str:
        return f"{self.code} x{self.units} on session {self.session_id}"

    @property
    def modifier_list(self) -> list[str]:
        return self.modifiers.split()


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    LATE = "late", "Came late"
    LEFT_EARLY = "left_early", "Left early"
    ABSENT = "absent", "Absent"
    EXCUSED = "excused", "Excused"


PRESENT_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)


class Attendance(models.Model):
    """A group member's presence at one group session (shown in the member's own chart)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=12, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "client__legal_last_name", "client__legal_first_name"]
        constraints = [models.UniqueConstraint(fields=["session", "client"], name="attendance_once_per_session")]
        indexes = [models.Index(fields=["client", "session"])]

    def __str__(self) -> str:
        return f"Client {self.client_id} at session {self.session_id}: {self.get_status_display()}"

    @property
    def attended(self) -> bool:
        return self.status in PRESENT_STATUSES


# ---------------------------------------------------------------- notes


class NoteKind(models.TextChoices):
    INTAKE = "intake", "Intake assessment"
    PROGRESS = "progress", "Progress note"
    DISCHARGE = "discharge", "Discharge summary"


class NoteFormat(models.TextChoices):
    SOAP = "soap", "SOAP"
    DAP = "dap", "DAP"
    BIRP = "birp", "BIRP"


# The sections each format writes, in order (field name, heading).
FORMAT_SECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    NoteFormat.SOAP: (
        ("subjective", "Subjective"),
        ("objective", "Objective"),
        ("assessment", "Assessment"),
        ("plan", "Plan"),
    ),
    NoteFormat.DAP: (("data", "Data"), ("assessment", "Assessment"), ("plan", "Plan")),
    NoteFormat.BIRP: (
        ("behavior", "Behaviour"),
        ("intervention", "Intervention"),
        ("response", "Response"),
        ("plan", "Plan"),
    ),
}

# The art-process fields, offered in every format; a note template says which are required or hidden.
ART_PROCESS_FIELDS: tuple[tuple[str, str], ...] = (
    ("directive_notes", "Directive(s) given"),
    ("media", "Media and materials used"),
    ("engagement", "Engagement and process observations"),
    ("client_title", "The client's own title for the work"),
    ("client_words", "The client's words about the work"),
)


class NoteTemplate(models.Model):
    """A practice's choice of what a kind of note asks for, without code: fields
    required or hidden, and extra fields of its own (stored in ``Note.extra``)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="note_templates")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=NoteKind.choices)
    format = models.CharField(max_length=6, choices=NoteFormat.choices)
    required_fields = models.JSONField(default=list, blank=True)  # field names of Note
    hidden_fields = models.JSONField(default=list, blank=True)  # art-process field names not shown
    # [{"key": "safety_plan_reviewed", "label": "Safety plan reviewed", "required": true}, …]
    extra_fields = models.JSONField(default=list, blank=True)
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for co-signature"
    SIGNED = "signed", "Signed"


class RiskLevel(models.TextChoices):
    NOT_SCREENED = "", "Not screened"
    NONE = "none", "No risk indicated"
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


class Note(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="notes")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, null=True, blank=True, related_name="notes")
    kind = models.CharField(max_length=12, choices=NoteKind.choices, default=NoteKind.PROGRESS)
    format = models.CharField(max_length=6, choices=NoteFormat.choices, default=NoteFormat.SOAP)
    template = models.ForeignKey(NoteTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="notes_written")
    status = models.CharField(max_length=12, choices=NoteStatus.choices, default=NoteStatus.DRAFT)

    # A group session's shared account, the same in each attending member's note.
    group_part = _text("group session (shared)", 10000)
    # The format's sections (only those of ``format`` are used).
    subjective = _text("subjective", 10000)
    objective = _text("objective", 10000)
    data = _text("data", 10000)
    assessment = _text("assessment", 10000)
    plan = _text("plan", 10000)
    behavior = _text("behaviour", 10000)
    intervention = _text("intervention", 10000)
    response = _text("response", 10000)
    # Art process.
    directives = models.ManyToManyField(Directive, blank=True, related_name="+")
    directive_notes = _text("directive(s) given", 2000)
    media = _text("media and materials used", 1000)
    engagement = _text("engagement and process observations", 5000)
    client_title = models.CharField("the client's own title", max_length=200, blank=True)
    client_words = _text("the client's words about the work", 5000)
    # Risk screen.
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True, default="")
    risk_notes = _text("risk screen notes", 2000)
    extra = models.JSONField(default=dict, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    cosigned_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cosigned_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 over the content as submitted or signed; checked whenever the note is shown.
    content_hash = models.CharField(max_length=64, blank=True)
    # Signed or submitted more than settings.LATE_ENTRY_HOURS after the session.
    late_entry = models.BooleanField(default=False)
    # Why the signer and the co-signer let a risk screen of "no risk" stand while the client had an open
    # risk alert (asked for then, empty otherwise); part of the signature, not of the hashed content.
    sign_risk_reason = models.CharField("reason for no risk despite an open alert", max_length=1000, blank=True)
    cosign_risk_reason = models.CharField(
        "co-signer's reason for no risk despite an open alert", max_length=1000, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One progress note per client per session.
            models.UniqueConstraint(
                fields=["client", "session"],
                condition=models.Q(kind="progress"),
                name="progress_note_once_per_client_and_session",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "created_at"]),
            models.Index(fields=["author", "status"]),
            models.Index(fields=["status", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_draft(self) -> bool:
        return self.status == NoteStatus.DRAFT

    @property
    def is_signed(self) -> bool:
        return self.status == NoteStatus.SIGNED

    @property
    def sections(self) -> list[tuple[str, str, str]]:
        """(field, heading, text) of this note's format, in order."""
        return [(field, heading, getattr(self, field)) for field, heading in FORMAT_SECTIONS[self.format]]


class NoteReturn(models.Model):
    """A supervisor sent an intern's submitted note back: the comment the intern reads beside it."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="returns")
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = _text("comment", 5000)
    # Requested edits per field: {"assessment": "Say what the drawing showed.", …}
    field_comments = models.JSONField(default=dict, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Note {self.note_id} returned {self.at:%Y-%m-%d}"


class ProgressRating(models.TextChoices):
    REGRESSED = "regressed", "Regressed"
    NO_CHANGE = "no_change", "No change"
    SOME = "some", "Some progress"
    GOOD = "good", "Good progress"
    MET = "met", "Met"


class NoteGoalProgress(models.Model):
    """A goal or objective of the plan addressed in this note, with a progress rating."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="goal_progress")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rating = models.CharField(max_length=10, choices=ProgressRating.choices)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Note {self.note_id}, goal {self.goal_id}: {self.get_rating_display()}"


class Addendum(models.Model):
    """Later content for a signed note: written, signed and hashed once, never changed."""

    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=10000, validators=[MaxLengthValidator(10000)])
    reason = models.CharField(max_length=300, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["signed_at", "pk"]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum to note {self.note_id}, {self.signed_at:%Y-%m-%d}"


class ProcessNote(models.Model):
    """Psychotherapy notes in the HIPAA sense (45 CFR 164.501): kept apart from
    the chart, seen only by the author and an intern author's supervisor."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="process_notes")
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(max_length=20000, validators=[MaxLengthValidator(20000)])
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["author", "client"])]

    def __str__(self) -> str:
        return f"Process note {self.pk} for client {self.client_id}, {self.created_at:%Y-%m-%d}"


# ---------------------------------------------------------------- reports and incidents


class ReportKind(models.TextChoices):
    CHILD_ABUSE = "child_abuse", "Suspected child abuse or neglect"
    ELDER_ABUSE = "elder_abuse", "Suspected elder or dependent-adult abuse"
    DUTY_TO_WARN = "duty_to_warn", "Duty to warn or protect"
    OTHER = "other", "Other mandated report"


class MandatedReport(models.Model):
    """A report made to an outside agency. Restricted: the care team's clinicians and admins only."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=16, choices=ReportKind.choices)
    reported_on = models.DateField()
    agency = models.CharField(max_length=200)
    reference_number = models.CharField(max_length=100, blank=True)
    what_was_reported = models.TextField(max_length=10000, validators=[MaxLengthValidator(10000)])
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reported_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} report {self.pk} for client {self.client_id}, {self.reported_on}"


class IncidentKind(models.TextChoices):
    INJURY = "injury", "Injury"
    SELF_HARM = "self_harm", "Self-harm"
    AGGRESSION = "aggression", "Aggression"
    MATERIALS = "materials", "Misuse or loss of materials (sharps, ligature)"
    MEDICAL = "medical", "Medical emergency"
    ELOPEMENT = "elopement", "Left without permission"
    OTHER = "other", "Other"


class Incident(models.Model):
    """Something that happened in session and must be on record. Restricted like mandated reports."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=12, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField()
    description = models.TextField(max_length=10000, validators=[MaxLengthValidator(10000)])
    action_taken = _text("action taken", 5000)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} incident {self.pk} for client {self.client_id}"


# ---------------------------------------------------------------- calendar feed


class FeedNames(models.TextChoices):
    NOTHING = "nothing", 'No client names ("Session")'
    INITIALS = "initials", "Initials only"
    FULL = "full", "Full names"


class CalendarFeed(models.Model):
    """A user's iCalendar feed at a secret URL. Only the token's SHA-256 is kept;
    resetting issues a new token and the old URL stops working."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    names = models.CharField(max_length=10, choices=FeedNames.choices, default=FeedNames.NOTHING)
    created_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

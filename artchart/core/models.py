"""Organization, sites, people, care-team roles, supervision, API tokens and the audit log."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class Organization(models.Model):
    name = models.CharField(max_length=200)
    # Set only by ``artchart demo``; the demo refuses to load beside real records.
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class PopulationType(models.TextChoices):
    SCHOOL = "school", "School"
    NURSING_HOME = "nursing_home", "Nursing home / memory care"
    FORENSIC = "forensic", "Prison / forensic unit"
    SHELTER = "shelter", "Shelter"
    INPATIENT_PSYCHIATRY = "inpatient_psychiatry", "Hospital — inpatient psychiatry"
    HOSPITAL_MEDICAL = "hospital_medical", "Hospital — medical (oncology, paediatrics, rehabilitation)"
    WELLNESS = "wellness", "Wellness centre"
    OUTPATIENT = "outpatient", "Outpatient / private studio"


class Site(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    population_type = models.CharField(max_length=32, choices=PopulationType.choices)
    address = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    # Told (with the supervising clinician) when a client's risk alert goes unacknowledged too long.
    on_call_clinician = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="on_call_sites"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="site_name_unique_in_organization")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Admin (IT)"
    PROGRAM_ADMIN = "program_admin", "Program administrator"
    THERAPIST = "therapist", "Therapist"
    SUPERVISOR = "supervisor", "Supervisor"
    INTERN = "intern", "Intern"
    TEAM_MEMBER = "team_member", "Treatment-team member"


class User(AbstractUser):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.THERAPIST)
    credentials = models.CharField(max_length=60, blank=True, help_text="For example ATR-BC, LCAT.")
    # For practices that bill: the provider's National Provider Identifier and state licence.
    npi = models.CharField("NPI", max_length=10, blank=True, help_text="National Provider Identifier, 10 digits.")
    licence = models.CharField(
        max_length=60, blank=True, help_text="Licence type, number and state, e.g. LCAT 001234 NY."
    )
    # Raised whenever a change must end the user's sessions and API tokens
    # (password or role change, deactivation); part of the session auth hash.
    security_epoch = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        name = self.get_full_name() or self.username
        return f"{name}, {self.credentials}" if self.credentials else name

    def get_session_auth_hash(self) -> str:
        return salted_hmac(
            "artchart.core.User.session",
            f"{self.password}:{self.security_epoch}:{self.role}:{self.is_active}",
            algorithm="sha256",
        ).hexdigest()


class CareTeamRole(models.TextChoices):
    PRIMARY = "primary", "Primary therapist"
    CO_THERAPIST = "co_therapist", "Co-therapist"
    INTERN = "intern", "Intern"
    SUPERVISOR = "supervisor", "Supervising clinician"
    VIEWER = "viewer", "Treatment-team member"


class SupervisionLink(models.Model):
    """A supervisor oversees a supervisee's clients (co-signs, reads, returns)."""

    supervisor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="supervisees_links")
    supervisee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="supervisor_links")
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["supervisor", "supervisee"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_supervision_link",
            ),
            models.CheckConstraint(condition=~models.Q(supervisor=models.F("supervisee")), name="no_self_supervision"),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} supervises {self.supervisee} from {self.started_on}"


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    security_epoch = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"API token {self.prefix}… of {self.user}"

    @property
    def is_live(self) -> bool:
        return (
            self.revoked_at is None
            and self.expires_at > timezone.now()
            and self.security_epoch == self.user.security_epoch
            and self.user.is_active
        )


class AuditCounter(models.Model):
    """The one row the audit writer locks: the chain's head (number and hash).

    A database sequence would leave gaps on rollback; this counter moves only
    when the event row commits with it, so a gap in numbers means a deletion.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"Audit counter at {self.last_seq}"


class AuditEvent(models.Model):
    """One append-only, hash-chained audit event. Ids and actions, never clinical text.

    A database trigger refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL).
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # ",12,40," — delimited text, so "events about client 12" is one LIKE on
    # both SQLite and PostgreSQL without a JSON operator either lacks.
    client_ids = models.TextField(blank=True, default="")
    detail = models.JSONField(default=dict)
    flagged = models.BooleanField(default=False)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["at"]), models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def client_id_list(self) -> list[int]:
        return [int(part) for part in self.client_ids.strip(",").split(",") if part]


class MfaDevice(models.Model):
    """A user's confirmed TOTP authenticator (one each).

    The shared secret is Fernet-encrypted under ``ARTCHART_MFA_KEY``, which is
    kept outside the database (see ``artchart.core.mfa``). ``last_step`` is the
    last TOTP time step accepted, so a code cannot be used twice.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="mfa_device")
    secret_encrypted = models.TextField()
    last_step = models.BigIntegerField(default=-1)
    confirmed_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Authenticator of {self.user}"


class RecoveryCode(models.Model):
    """A one-time recovery code, stored only as a keyed hash."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when a newer set replaced this one, so an old code is refused with a reason.
    replaced_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Recovery code {self.pk} of {self.user}"


class ThrottleScope(models.TextChoices):
    ACCOUNT = "account", "One username from one source"
    ADDRESS = "address", "One address, every username"


class SignInThrottle(models.Model):
    """Failed sign-ins counted for one username from one source, or for one address across usernames.

    A source is the client's address, or a known device (a signed cookie set after a
    sign-in with the second factor), so failures from elsewhere never lock the user
    out where they are. Each failure past the limit pauses the pair (or the address)
    for twice as long as the one before, up to a cap. The username is kept only as a
    hash of its lower-cased form, so an unknown username is counted and paused exactly
    like a real one; ``user`` names the account when there is one, for the admins' page.
    """

    scope = models.CharField(max_length=16, choices=ThrottleScope.choices)
    key = models.CharField(max_length=64, unique=True)  # hash of (scope, username, source)
    username_key = models.CharField(max_length=64, blank=True, db_index=True)  # "" for an address
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=64)  # an address, or "device:<id>" for a known device
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"Sign-in throttle {self.pk}: {self.failures} failures"

    @staticmethod
    def key_for(scope: str, username_key: str, source_key: str) -> str:
        return hashlib.sha256(f"{scope}|{username_key}|{source_key}".encode()).hexdigest()

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    @property
    def source_address(self) -> str:
        """The address failures came from, or "" for a known device."""
        return self.source.removeprefix("address:") if self.source.startswith("address:") else ""

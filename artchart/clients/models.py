"""The client record: identity, precautions, diagnoses, contacts, consents, gathered information."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from artchart.clients import validation as v
from artchart.core.models import Organization, Site


# A TextField's max_length only sizes its form widget; the MaxLengthValidator
# beside it makes full_clean() (and so the API) enforce the same limit.


class ClientStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    DISCHARGED = "discharged", "Discharged"


class Client(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="clients")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="clients")
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField()
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(max_length=500, validators=[MaxLengthValidator(500)], blank=True)
    status = models.CharField(max_length=12, choices=ClientStatus.choices, default=ClientStatus.ACTIVE)
    referral_source = models.CharField(max_length=200, blank=True)

    # Precautions: what everyone in the studio must know before the session.
    latex_allergy = models.BooleanField(default=False)
    allergies = models.CharField("other allergies", max_length=300, blank=True)
    sharps_restriction = models.BooleanField(default=False)
    ligature_risk = models.BooleanField(default=False)
    choking_risk = models.BooleanField("choking or ingestion risk", default=False)
    self_harm_risk = models.BooleanField("self-harm risk", default=False)
    precautions_note = models.TextField("other precautions", max_length=1000, validators=[MaxLengthValidator(1000)], blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name", "id"]
        indexes = [
            models.Index(fields=["organization", "legal_last_name", "legal_first_name"]),
            models.Index(fields=["site", "status"]),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        today = timezone.localdate()
        if self.date_of_birth:
            if self.date_of_birth > today:
                raise ValidationError({"date_of_birth": v.DOB_IN_FUTURE})
            if self.age_on(today) > 120:
                raise ValidationError({"date_of_birth": v.DOB_TOO_OLD})
        if self.site_id and self.organization_id:
            if not Site.objects.filter(pk=self.site_id, organization_id=self.organization_id, is_active=True).exists():
                raise ValidationError({"site": v.SITE_UNKNOWN})

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}"

    @property
    def initials(self) -> str:
        return f"{(self.preferred_name or self.legal_first_name)[:1]}{self.legal_last_name[:1]}".upper()

    def age_on(self, day: dt.date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def is_minor(self) -> bool:
        return self.age < settings.AGE_OF_MAJORITY

    @property
    def precaution_flags(self) -> list[str]:
        flags = [
            label
            for flag, label in (
                (self.latex_allergy, "Latex allergy"),
                (self.sharps_restriction, "Sharps restriction"),
                (self.ligature_risk, "Ligature risk"),
                (self.choking_risk, "Choking / ingestion risk"),
                (self.self_harm_risk, "Self-harm risk"),
            )
            if flag
        ]
        if self.allergies:
            flags.append(f"Allergies: {self.allergies}")
        return flags


class Diagnosis(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="diagnoses")
    icd10_code = models.CharField("ICD-10 code", max_length=8, validators=[v.validate_icd10])
    label = models.CharField(max_length=200)
    is_primary = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_primary", "icd10_code"]
        constraints = [models.UniqueConstraint(fields=["client", "icd10_code"], name="diagnosis_once_per_client")]

    def __str__(self) -> str:
        return f"{self.icd10_code} {self.label}"


class Contact(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100)
    is_guardian = models.BooleanField("legal guardian", default=False)
    is_emergency = models.BooleanField("emergency contact", default=False)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(max_length=500, validators=[MaxLengthValidator(500)], blank=True)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-is_guardian", "-is_emergency", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", "Consent to treatment"
    RELEASE = "release", "Release of information"
    RECORD = "record", "Artwork: photograph for the clinical record"
    SUPERVISION = "supervision", "Artwork: show in supervision or case consultation"
    TEACHING = "teaching", "Artwork: de-identified teaching use"
    EXHIBIT = "exhibit", "Artwork: exhibit in a showcase"
    PUBLICATION = "publication", "Artwork: print, web or promotional use"
    RESEARCH = "research", "Artwork: research data set"


ARTWORK_SCOPES = (
    ConsentKind.RECORD,
    ConsentKind.SUPERVISION,
    ConsentKind.TEACHING,
    ConsentKind.EXHIBIT,
    ConsentKind.PUBLICATION,
    ConsentKind.RESEARCH,
)


class ConsentDecision(models.TextChoices):
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"


class Signer(models.TextChoices):
    CLIENT = "client", "Client"
    GUARDIAN = "guardian", "Guardian"


class SignatureKind(models.TextChoices):
    TYPED = "typed", "Typed name"
    DRAWN = "drawn", "Drawn signature"


class Consent(models.Model):
    """One consent decision, as signed. Its content never changes; a revocation
    is recorded on it once (when, by whom, why), and a new decision is a new row."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=16, choices=ConsentKind.choices)
    decision = models.CharField(max_length=10, choices=ConsentDecision.choices)
    signed_on = models.DateField(validators=[v.validate_not_future])
    signer = models.CharField(max_length=10, choices=Signer.choices)
    signer_name = models.CharField(max_length=200)
    guardian = models.ForeignKey(Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signature_kind = models.CharField(max_length=8, choices=SignatureKind.choices)
    signature_typed = models.CharField(max_length=200, blank=True)
    # A drawn signature as a PNG data URL from the signature pad (size-limited).
    signature_drawn = models.TextField(blank=True)
    exhibit_with_name = models.BooleanField(
        "show the client's name when exhibited", default=False
    )

    # Release of information (HIPAA 164.508)
    recipient = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=300, blank=True)
    information = models.TextField("information to be released", max_length=1000, validators=[MaxLengthValidator(1000)], blank=True)
    expires_on = models.DateField(null=True, blank=True)
    expiry_event = models.CharField(max_length=200, blank=True)
    right_to_revoke_explained = models.BooleanField(default=False)

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    revoked_on = models.DateField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.state_label}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == ConsentKind.RELEASE:
            if not self.recipient.strip():
                errors["recipient"] = v.RELEASE_NEEDS_RECIPIENT
            if not self.purpose.strip():
                errors["purpose"] = v.RELEASE_NEEDS_PURPOSE
            if not self.information.strip():
                errors["information"] = v.RELEASE_NEEDS_WHAT
            if not self.expires_on and not self.expiry_event.strip():
                errors["expires_on"] = v.RELEASE_NEEDS_EXPIRY
            if not self.right_to_revoke_explained:
                errors["right_to_revoke_explained"] = v.RELEASE_NEEDS_REVOCATION_NOTICE
        if self.expires_on and self.signed_on and self.expires_on <= self.signed_on:
            errors["expires_on"] = v.EXPIRY_BEFORE_SIGNING
        if self.exhibit_with_name and self.kind != ConsentKind.EXHIBIT:
            errors["exhibit_with_name"] = v.SCOPE_FOR_ARTWORK_ONLY
        if self.signature_kind == SignatureKind.TYPED and not self.signature_typed.strip():
            errors["signature_typed"] = v.TYPED_SIGNATURE_NEEDED
        if self.signature_kind == SignatureKind.DRAWN:
            if not self.signature_drawn:
                errors["signature_drawn"] = v.DRAWN_SIGNATURE_NEEDED
            else:
                try:
                    v.validate_drawn_signature(self.signature_drawn)
                except ValidationError as exc:
                    errors["signature_drawn"] = exc.messages[0]
        if self.signer == Signer.GUARDIAN:
            if not self.guardian_id:
                errors["guardian"] = v.GUARDIAN_NEEDED
            elif not self.guardian.is_guardian or self.guardian.client_id != self.client_id:
                errors["guardian"] = v.GUARDIAN_NOT_GUARDIAN
        if errors:
            raise ValidationError(errors)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_on is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def in_force(self) -> bool:
        return self.decision == ConsentDecision.GRANTED and not self.is_revoked and not self.is_expired

    @property
    def state_label(self) -> str:
        if self.is_revoked:
            return "Revoked"
        if self.decision == ConsentDecision.REFUSED:
            return "Refused"
        if self.is_expired:
            return "Expired"
        return "Granted"

    @property
    def needs_renewal(self) -> bool:
        """Signed by a guardian for a client who has since come of age."""
        return self.signer == Signer.GUARDIAN and not self.client.is_minor and not self.is_revoked


class InfoSource(models.TextChoices):
    CASE_DOCUMENT = "case_document", "Case documentation"
    OBSERVATION = "observation", "Observation"
    CLIENT_INTERVIEW = "client_interview", "Client interview"
    FAMILY_INTERVIEW = "family_interview", "Family interview"
    PROFESSIONAL = "professional", "Another professional"


class GatheredInfo(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="gathered_info")
    source = models.CharField(max_length=20, choices=InfoSource.choices)
    occurred_on = models.DateField(validators=[v.validate_not_future])
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=20000, validators=[MaxLengthValidator(20000)], blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return self.title


class GatheredDocument(models.Model):
    """A file attached to gathered information, stored under its SHA-256."""

    entry = models.ForeignKey(GatheredInfo, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["original_name"]

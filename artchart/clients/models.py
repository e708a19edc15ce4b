"""The client record: care team, identity, precautions, diagnoses, contacts, consents, gathered information."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from artchart.clients import validation as v
from artchart.core.messages import UserMessage
from artchart.core.models import CareTeamRole, Organization, Site

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
    precautions_note = models.TextField(
        "other precautions", max_length=1000, validators=[MaxLengthValidator(1000)], blank=True
    )

    # 42 CFR Part 2: every release of this record carries the redisclosure notice.
    part2_substance_use = models.BooleanField("substance-use treatment record (42 CFR Part 2)", default=False)

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
        if (
            self.site_id
            and self.organization_id
            and not Site.objects.filter(pk=self.site_id, organization_id=self.organization_id, is_active=True).exists()
        ):
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


class CareTeamMembership(models.Model):
    """A user's place in one client's care team; the source of all chart access."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="care_team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_team_memberships")
    role = models.CharField(max_length=20, choices=CareTeamRole.choices)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table keeps the name it had when core kept care teams, so moving the model moved no rows.
        db_table = "core_careteammembership"
        constraints = [
            models.UniqueConstraint(fields=["client", "user"], name="care_team_member_once"),
        ]
        indexes = [models.Index(fields=["user", "client"], name="core_carete_user_id_07ad8d_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


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
    exhibit_with_name = models.BooleanField("show the client's name when exhibited", default=False)

    # Release of information (HIPAA 164.508)
    recipient = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=300, blank=True)
    information = models.TextField(
        "information to be released", max_length=1000, validators=[MaxLengthValidator(1000)], blank=True
    )
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
            self._check_release(errors)
        if self.expires_on and self.signed_on and self.expires_on <= self.signed_on:
            errors["expires_on"] = v.EXPIRY_BEFORE_SIGNING
        if self.exhibit_with_name and self.kind != ConsentKind.EXHIBIT:
            errors["exhibit_with_name"] = v.SCOPE_FOR_ARTWORK_ONLY
        self._check_signature(errors)
        if self.signer == Signer.GUARDIAN:
            self._check_guardian(errors)
        if errors:
            raise ValidationError(errors)

    def _check_release(self, errors: dict[str, str]) -> None:
        """What a release of information must name (HIPAA 164.508)."""
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

    def _check_signature(self, errors: dict[str, str]) -> None:
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

    def _check_guardian(self, errors: dict[str, str]) -> None:
        if not self.guardian_id:
            errors["guardian"] = v.GUARDIAN_NEEDED
        elif not self.guardian.is_guardian or self.guardian.client_id != self.client_id:
            errors["guardian"] = v.GUARDIAN_NOT_GUARDIAN

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

    def __str__(self) -> str:
        return f"Document {self.pk} of gathered information {self.entry_id}"


# --- restricted clients and emergency access ("break the glass") -------------------------


class RestrictionCategory(models.TextChoices):
    STAFF = "staff", "Staff member of the organization"
    PUBLIC_FIGURE = "public_figure", "Public figure"
    SHELTER_RESIDENT = "shelter_resident", "Shelter resident (location protected)"
    OTHER = "other", "Other reason for extra privacy"


class ClientRestriction(models.Model):
    """A client only the named users may see; the rest of the care team gets 404.

    The rule itself lives in ``core.permissions`` (one place for every door).
    """

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="restriction")
    category = models.CharField(max_length=20, choices=RestrictionCategory.choices)
    named_users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    restricted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    restricted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Restricted: {self.get_category_display()}"


class EmergencyAccessDesignation(models.Model):
    """An admin's designation of a user who may break the glass (an account flag kept beside the user)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="break_glass_designation"
    )
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    designated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} may use emergency access"


class EmergencyCategory(models.TextChoices):
    CLINICAL_EMERGENCY = "clinical_emergency", "Clinical emergency"
    SAFETY = "safety", "Safety of the client or others"
    CONTINUITY = "continuity", "Continuity of care (covering for the care team)"


class EmergencyAccess(models.Model):
    """One break-the-glass: read access to a chart for a set time, with the reason given.

    The reason is kept here, not in the audit event (events hold no free text);
    an admin reviews every one.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="emergency_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses")
    category = models.CharField(max_length=20, choices=EmergencyCategory.choices)
    reason = models.TextField(max_length=500, validators=[MaxLengthValidator(500)])
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(max_length=1000, validators=[MaxLengthValidator(1000)], blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["user", "client", "expires_at"]),
            models.Index(fields=["reviewed_at"]),
        ]

    def __str__(self) -> str:
        return f"Emergency access by {self.user} until {self.expires_at:%H:%M}"


# --- amendments (HIPAA 164.526) -------------------------------------------------------------
#
# A client may ask for their record to be amended. The request is recorded as
# received; a clinician accepts it (an addendum is written beside the original)
# or denies it (with the reason, and later perhaps the client's statement of
# disagreement). The original item is never changed: both outcomes are shown
# beside it.

AMENDMENT_NEEDS_ITEM = UserMessage("amendment_needs_item", "Say which part of the record the client asks to amend.")
AMENDMENT_NEEDS_CHANGE = UserMessage("amendment_needs_change", "Write down the change the client asks for.")
AMENDMENT_ITEM_OTHER_CLIENT = UserMessage("amendment_item_other_client", "Choose an entry of this client's record.")
AMENDMENT_ITEM_NOT_GATHERED = UserMessage(
    "amendment_item_not_gathered",
    "A gathered-information entry is linked only when the part of the record is gathered information.",
)
AMENDMENT_ALREADY_DECIDED = UserMessage(
    "amendment_already_decided", "This request was already decided; a decision is never changed."
)
AMENDMENT_DECISION_NEEDED = UserMessage(
    "amendment_decision_needed", "Choose whether the amendment is accepted or denied."
)
AMENDMENT_DECIDED_BEFORE_RECEIVED = UserMessage(
    "amendment_decided_before_received", "The decision cannot come before the request was received."
)
DENIAL_NEEDS_REASON = UserMessage("denial_needs_reason", "A denial states its reason (HIPAA 164.526(d)(1)(i)).")
ADDENDUM_NEEDS_TEXT = UserMessage("addendum_needs_text", "An accepted amendment needs the text of the addendum.")
DISAGREEMENT_ONLY_AFTER_DENIAL = UserMessage(
    "disagreement_only_after_denial", "A statement of disagreement answers a denial; this request was not denied."
)
DISAGREEMENT_NEEDS_TEXT = UserMessage("disagreement_needs_text", "Write down the client's statement of disagreement.")
DISAGREEMENT_ALREADY = UserMessage(
    "disagreement_already", "A statement of disagreement is already on file for this request."
)
DISAGREEMENT_BEFORE_DECISION = UserMessage(
    "disagreement_before_decision", "The statement cannot come before the denial it answers."
)

# HIPAA 164.526(b)(2): act on the request no later than 60 days after receipt.
AMENDMENT_RESPONSE_DAYS = 60


class AmendmentPart(models.TextChoices):
    DEMOGRAPHICS = "demographics", "Demographics and contact details"
    PRECAUTIONS = "precautions", "Precautions"
    DIAGNOSES = "diagnoses", "Diagnoses"
    CONSENTS = "consents", "Consents"
    GATHERED_INFO = "gathered_info", "Gathered information"
    OTHER = "other", "Another part of the record"


class ReceivedVia(models.TextChoices):
    IN_WRITING = "in_writing", "In writing (letter or form)"
    EMAIL = "email", "E-mail"
    IN_PERSON = "in_person", "In person (written up by staff)"
    PHONE = "phone", "By telephone (written up by staff)"


class AmendmentDecision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DENIED = "denied", "Denied"


class AmendmentRequest(models.Model):
    """A client's request to amend their record, and what became of it."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="amendment_requests")
    part = models.CharField("part of the record", max_length=16, choices=AmendmentPart.choices)
    gathered_info = models.ForeignKey(
        GatheredInfo,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="amendment_requests",
        verbose_name="gathered-information entry",
    )
    item = models.CharField("which item, in the client's words", max_length=300, blank=True)
    requested_change = models.TextField(max_length=5000, validators=[MaxLengthValidator(5000)], blank=True)
    received_on = models.DateField(validators=[v.validate_not_future])
    received_via = models.CharField("received", max_length=12, choices=ReceivedVia.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    # The decision: blank while it waits.
    decision = models.CharField(max_length=10, choices=AmendmentDecision.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True, validators=[v.validate_not_future])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    denial_reason = models.TextField(max_length=2000, validators=[MaxLengthValidator(2000)], blank=True)

    # HIPAA 164.526(d)(1)(ii): after a denial the client may file a statement of disagreement.
    disagreement = models.TextField(
        "statement of disagreement", max_length=5000, validators=[MaxLengthValidator(5000)], blank=True
    )
    disagreement_received_on = models.DateField(null=True, blank=True, validators=[v.validate_not_future])
    disagreement_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["client", "received_on"])]

    def __str__(self) -> str:
        return f"Amendment request of {self.received_on:%d %b %Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.item.strip() and not self.gathered_info_id:
            errors["item"] = AMENDMENT_NEEDS_ITEM
        if not self.requested_change.strip():
            errors["requested_change"] = AMENDMENT_NEEDS_CHANGE
        if self.gathered_info_id:
            if self.part != AmendmentPart.GATHERED_INFO:
                errors["gathered_info"] = AMENDMENT_ITEM_NOT_GATHERED
            elif self.gathered_info.client_id != self.client_id:
                errors["gathered_info"] = AMENDMENT_ITEM_OTHER_CLIENT
        if self.decision:
            if self.decided_on and self.received_on and self.decided_on < self.received_on:
                errors["decided_on"] = AMENDMENT_DECIDED_BEFORE_RECEIVED
            if self.decision == AmendmentDecision.DENIED and not self.denial_reason.strip():
                errors["denial_reason"] = DENIAL_NEEDS_REASON
        if self.disagreement_received_on and self.decided_on and self.disagreement_received_on < self.decided_on:
            errors["disagreement_received_on"] = DISAGREEMENT_BEFORE_DECISION
        if errors:
            raise ValidationError(errors)

    @property
    def due_on(self) -> dt.date:
        return self.received_on + dt.timedelta(days=AMENDMENT_RESPONSE_DAYS)

    @property
    def is_pending(self) -> bool:
        return not self.decision

    @property
    def is_overdue(self) -> bool:
        return self.is_pending and timezone.localdate() > self.due_on

    @property
    def state_label(self) -> str:
        if self.decision == AmendmentDecision.DENIED and self.disagreement:
            return "Denied, disputed"
        if self.decision:
            return self.get_decision_display()
        return "Overdue" if self.is_overdue else "Awaiting decision"


class AmendmentAddendum(models.Model):
    """The addendum an accepted amendment adds beside the original item (which stays as it was)."""

    request = models.OneToOneField(AmendmentRequest, on_delete=models.CASCADE, related_name="addendum")
    text = models.TextField(max_length=5000, validators=[MaxLengthValidator(5000)], blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_on = models.DateField(validators=[v.validate_not_future])
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Addendum of {self.written_on:%d %b %Y}"

    def clean(self) -> None:
        if not self.text.strip():
            raise ValidationError({"text": ADDENDUM_NEEDS_TEXT})


# --- accounting of disclosures (HIPAA 164.528, 42 CFR Part 2) -------------------------------------

DISCLOSURE_NEEDS_RECIPIENT = UserMessage("disclosure_needs_recipient", "Name who received the information.")
DISCLOSURE_NEEDS_PURPOSE = UserMessage(
    "disclosure_needs_purpose", "State the purpose of the disclosure (or what the request asked for)."
)
DISCLOSURE_NEEDS_WHAT = UserMessage("disclosure_needs_what", "Describe what was released.")
DISCLOSURE_NEEDS_CONSENT = UserMessage(
    "disclosure_needs_consent",
    "A disclosure on the client's authorization names the release of information it relied on.",
)
CONSENT_NOT_IN_FORCE = UserMessage(
    "consent_not_in_force",
    "This release of information was not in force on the date of disclosure "
    "(refused, revoked, expired or not yet signed).",
)
CONSENT_OTHER_CLIENT = UserMessage("consent_other_client", "Choose a release of information signed for this client.")
CONSENT_NOT_RELEASE = UserMessage(
    "consent_not_release", "Choose a release of information, not another kind of consent."
)
CORRECTION_NEEDS_REASON = UserMessage("correction_needs_reason", "Say what the correction puts right.")
CORRECTION_OTHER_CLIENT = UserMessage(
    "correction_other_client", "A correction refers to a disclosure of the same client."
)

# 42 CFR 2.32(a)(1) (Statement 1), as amended by the final rule of 16 Feb 2024
# (89 FR 12472); it accompanies every disclosure of a Part 2 record. The first
# paragraph was checked against a published copy of the rule; items (i)–(iii)
# are not yet confirmed word for word against eCFR (tracked in the issue note).
PART2_REDISCLOSURE_NOTICE = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). "
    "These rules prohibit you from using or disclosing this record, or testimony that describes the information "
    "contained in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, "
    "State, or local authority, against the patient, unless authorized by the consent of the patient, except as "
    "provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In "
    "addition, the Federal rules prohibit you from making any other use or disclosure of this record unless at "
    "least one of the following applies: (i) Further use or disclosure is expressly permitted by the written "
    "consent of the individual whose information is being disclosed in this record or as otherwise permitted by "
    "42 CFR part 2. (ii) You are a covered entity or business associate and have received the record for "
    "treatment, payment, or health care operations, or (iii) You have received the record from a covered entity "
    "or business associate as permitted by 45 CFR part 164, subparts A and E. A general authorization for the "
    "release of medical or other information is NOT sufficient to meet the required elements of written consent "
    "to further use or redisclose the record (see 42 CFR 2.31)."
)

# HIPAA 164.528(a)(1): the accounting covers the six years before the request.
ACCOUNTING_YEARS = 6


class DisclosureKind(models.TextChoices):
    REPORT = "report", "Report sent"
    EXPORT = "export", "Export of records"
    RECORDS_REQUEST = "records_request", "Copy of records on request"
    VERBAL = "verbal", "Verbal or telephone disclosure"
    OTHER = "other", "Other release"


class LegalBasis(models.TextChoices):
    """Why a release was lawful: the client's authorization, or a basis that needs none (164.512)."""

    AUTHORIZATION = "authorization", "The client's authorization (release of information)"
    REQUIRED_BY_LAW = "required_by_law", "Required by law (164.512(a))"
    PUBLIC_HEALTH = "public_health", "Public health activity (164.512(b))"
    ABUSE_NEGLECT = "abuse_neglect", "Report of abuse, neglect or domestic violence (164.512(c))"
    HEALTH_OVERSIGHT = "health_oversight", "Health oversight (164.512(d))"
    JUDICIAL = "judicial", "Judicial or administrative proceeding (164.512(e))"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement (164.512(f))"
    SERIOUS_THREAT = "serious_threat", "To avert a serious threat to health or safety (164.512(j))"


def release_in_force_on(consent: Consent, day: dt.date) -> bool:
    """Whether a release of information allowed a disclosure on ``day``: granted, signed, not yet revoked or expired."""
    return (
        consent.kind == ConsentKind.RELEASE
        and consent.decision == ConsentDecision.GRANTED
        and consent.signed_on <= day
        and (consent.revoked_on is None or day < consent.revoked_on)
        and (consent.expires_on is None or day <= consent.expires_on)
    )


class Disclosure(models.Model):
    """One release of the client's information outside the practice: append-only.

    A mistake is put right by a correction (a new row naming the one it
    corrects), never by editing; the accounting shows both. Releases on the
    client's authorization are recorded too, though 164.528(a)(1)(iv) would
    let them be left out: clients ask about them, and Part 2 programs must
    be able to list them.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="disclosures")
    kind = models.CharField("what kind of release", max_length=16, choices=DisclosureKind.choices)
    disclosed_on = models.DateField("date of disclosure", validators=[v.validate_not_future])
    recipient = models.CharField(max_length=200, blank=True)
    recipient_address = models.CharField("recipient's address, if known", max_length=300, blank=True)
    purpose = models.CharField(max_length=300, blank=True)
    description = models.TextField(
        "what was released", max_length=2000, validators=[MaxLengthValidator(2000)], blank=True
    )
    legal_basis = models.CharField(max_length=20, choices=LegalBasis.choices, default=LegalBasis.AUTHORIZATION)
    consent = models.ForeignKey(
        Consent,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="disclosures",
        verbose_name="release of information relied on",
    )
    # The 42 CFR 2.32 notice as it accompanied this release (empty for records outside Part 2).
    redisclosure_notice = models.TextField(blank=True)
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    corrects = models.ForeignKey("self", on_delete=models.RESTRICT, null=True, blank=True, related_name="corrections")
    correction_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-disclosed_on", "-id"]
        indexes = [models.Index(fields=["client", "disclosed_on"])]

    def __str__(self) -> str:
        return f"Disclosure to {self.recipient} on {self.disclosed_on:%d %b %Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.recipient.strip():
            errors["recipient"] = DISCLOSURE_NEEDS_RECIPIENT
        if not self.purpose.strip():
            errors["purpose"] = DISCLOSURE_NEEDS_PURPOSE
        if not self.description.strip():
            errors["description"] = DISCLOSURE_NEEDS_WHAT
        self._check_consent(errors)
        if self.corrects_id:
            if self.corrects.client_id != self.client_id:
                errors["corrects"] = CORRECTION_OTHER_CLIENT
            if not self.correction_reason.strip():
                errors["correction_reason"] = CORRECTION_NEEDS_REASON
        if errors:
            raise ValidationError(errors)

    def _check_consent(self, errors: dict[str, str]) -> None:
        """The release relied on: this client's, a release, and in force on the day (under an authorization)."""
        if self.consent_id:
            consent = self.consent
            if consent.client_id != self.client_id:
                errors["consent"] = CONSENT_OTHER_CLIENT
            elif consent.kind != ConsentKind.RELEASE:
                errors["consent"] = CONSENT_NOT_RELEASE
            elif (
                self.legal_basis == LegalBasis.AUTHORIZATION
                and self.disclosed_on
                and not release_in_force_on(consent, self.disclosed_on)
            ):
                errors["consent"] = CONSENT_NOT_IN_FORCE
        elif self.legal_basis == LegalBasis.AUTHORIZATION:
            errors["consent"] = DISCLOSURE_NEEDS_CONSENT

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None

"""Writes to the client record. Each is one transaction with its audit event.

Services check access themselves (not only the views), so the API, the CLI and
the web cannot differ on who may change what. Validation is the model's
``full_clean()``, so every entry point gives the same field messages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from artchart.clients import models as record
from artchart.clients import validation as v
from artchart.clients.audit_actions import ClientAction
from artchart.clients.models import (
    CareTeamMembership,
    Client,
    ClientRestriction,
    Consent,
    ConsentDecision,
    Contact,
    Diagnosis,
    EmergencyAccess,
    EmergencyAccessDesignation,
    GatheredDocument,
    GatheredInfo,
)
from artchart.clients.selectors import restriction_candidates
from artchart.core import audit
from artchart.core.access import NOT_DESIGNATED, require_client_access, require_role
from artchart.core.changes import UNSET, apply_changes, given, save_changes
from artchart.core.messages import UserMessage
from artchart.core.models import CareTeamRole, Role, Site, User
from artchart.core.permissions import Action, Area, allows, may_break_glass, relations_of
from artchart.core.services import NOT_SAME_ORGANIZATION

CONSENT_FIELDS = (
    "kind",
    "decision",
    "signed_on",
    "signer",
    "signer_name",
    "guardian",
    "signature_kind",
    "signature_typed",
    "signature_drawn",
    "exhibit_with_name",
    "recipient",
    "purpose",
    "information",
    "expires_on",
    "expiry_event",
    "right_to_revoke_explained",
)
LAST_PRIMARY = UserMessage(
    "last_primary", "A care team needs a primary therapist: name another before removing this one."
)
ALREADY_ON_TEAM = UserMessage("already_on_team", "This person is already on the care team.")
CLINICAL_ROLE_NEEDED = UserMessage(
    "clinical_role_needed", "An admin or program administrator cannot take a clinical place on a care team."
)
CANNOT_CREATE_CLIENTS = UserMessage(
    "cannot_create_clients", "Only therapists, supervisors and interns open client records."
)
CONTACT_SIGNED_CONSENT = UserMessage(
    "contact_signed_consent", "This guardian signed a consent on record; it cannot be removed."
)
DOCUMENT_TOO_LARGE = UserMessage("document_too_large", "The file is larger than {limit} MB.")
DOCUMENT_TYPE = UserMessage("document_type", "Attach a PDF, an image (JPEG, PNG, WebP), a Word document or plain text.")
ALLOWED_DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
}
# The first bytes each type must start with: a file is judged by its content, not its name.
MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
}

CREATOR_TEAM_ROLE: dict[str, CareTeamRole] = {
    Role.THERAPIST: CareTeamRole.PRIMARY,
    Role.SUPERVISOR: CareTeamRole.PRIMARY,
    Role.INTERN: CareTeamRole.INTERN,
}


# --- clients ------------------------------------------------------------------------


@transaction.atomic
def client_create(
    *,
    by: User,
    site: Site | int = UNSET,
    legal_first_name: str = UNSET,
    legal_last_name: str = UNSET,
    preferred_name: str = UNSET,
    pronouns: str = UNSET,
    date_of_birth: dt.date = UNSET,
    phone: str = UNSET,
    email: str = UNSET,
    address: str = UNSET,
    status: str = UNSET,
    referral_source: str = UNSET,
    latex_allergy: bool = UNSET,
    allergies: str = UNSET,
    sharps_restriction: bool = UNSET,
    ligature_risk: bool = UNSET,
    choking_risk: bool = UNSET,
    self_harm_risk: bool = UNSET,
    precautions_note: str = UNSET,
    part2_substance_use: bool = UNSET,
) -> Client:
    """Open a client record; the creator joins its care team (therapist as primary)."""
    team_role = CREATOR_TEAM_ROLE.get(by.role)
    if team_role is None:
        raise PermissionDenied(CANNOT_CREATE_CLIENTS)
    # A creator outside every organization leaves it empty, and full_clean refuses the client;
    # django-stubs refuses the None before that.
    client = Client(organization_id=by.organization_id)  # type: ignore[misc]
    apply_changes(
        client,
        {
            "site": site,
            "legal_first_name": legal_first_name,
            "legal_last_name": legal_last_name,
            "preferred_name": preferred_name,
            "pronouns": pronouns,
            "date_of_birth": date_of_birth,
            "phone": phone,
            "email": email,
            "address": address,
            "status": status,
            "referral_source": referral_source,
            "latex_allergy": latex_allergy,
            "allergies": allergies,
            "sharps_restriction": sharps_restriction,
            "ligature_risk": ligature_risk,
            "choking_risk": choking_risk,
            "self_harm_risk": self_harm_risk,
            "precautions_note": precautions_note,
            "part2_substance_use": part2_substance_use,
        },
    )
    client.full_clean()
    client.save()
    CareTeamMembership.objects.create(client=client, user=by, role=team_role)
    audit.record(actor=by, action=ClientAction.CLIENT_CREATE, obj=client, client_ids=[client.pk])
    return client


@transaction.atomic
def client_update(
    *,
    by: User,
    client: Client,
    site: Site | int = UNSET,
    legal_first_name: str = UNSET,
    legal_last_name: str = UNSET,
    preferred_name: str = UNSET,
    pronouns: str = UNSET,
    date_of_birth: dt.date = UNSET,
    phone: str = UNSET,
    email: str = UNSET,
    address: str = UNSET,
    status: str = UNSET,
    referral_source: str = UNSET,
    latex_allergy: bool = UNSET,
    allergies: str = UNSET,
    sharps_restriction: bool = UNSET,
    ligature_risk: bool = UNSET,
    choking_risk: bool = UNSET,
    self_harm_risk: bool = UNSET,
    precautions_note: str = UNSET,
    part2_substance_use: bool = UNSET,
) -> Client:
    """Change the given fields of the record; nothing is saved or audited when none changed."""
    require_client_access(by, client.pk, Area.DEMOGRAPHICS, Action.WRITE)
    client = Client.objects.select_for_update().get(pk=client.pk)
    changed = apply_changes(
        client,
        {
            "site": site,
            "legal_first_name": legal_first_name,
            "legal_last_name": legal_last_name,
            "preferred_name": preferred_name,
            "pronouns": pronouns,
            "date_of_birth": date_of_birth,
            "phone": phone,
            "email": email,
            "address": address,
            "status": status,
            "referral_source": referral_source,
            "latex_allergy": latex_allergy,
            "allergies": allergies,
            "sharps_restriction": sharps_restriction,
            "ligature_risk": ligature_risk,
            "choking_risk": choking_risk,
            "self_harm_risk": self_harm_risk,
            "precautions_note": precautions_note,
            "part2_substance_use": part2_substance_use,
        },
    )
    if not changed:
        return client
    client.full_clean()
    save_changes(client, changed)
    audit.record(
        actor=by, action=ClientAction.CLIENT_UPDATE, obj=client, client_ids=[client.pk], detail={"fields": changed}
    )
    return client


@transaction.atomic
def diagnosis_add(*, by: User, client: Client, icd10_code: str, label: str, is_primary: bool = False) -> Diagnosis:
    require_client_access(by, client.pk, Area.DEMOGRAPHICS, Action.WRITE)
    diagnosis = Diagnosis(
        client=client, icd10_code=icd10_code.strip().upper(), label=label.strip(), is_primary=is_primary
    )
    diagnosis.full_clean()
    if is_primary:
        client.diagnoses.filter(is_primary=True).update(is_primary=False)
    diagnosis.save()
    audit.record(actor=by, action=ClientAction.DIAGNOSIS_ADD, obj=diagnosis, client_ids=[client.pk])
    return diagnosis


@transaction.atomic
def diagnosis_remove(*, by: User, diagnosis: Diagnosis) -> None:
    require_client_access(by, diagnosis.client_id, Area.DEMOGRAPHICS, Action.WRITE)
    audit.record(actor=by, action=ClientAction.DIAGNOSIS_REMOVE, obj=diagnosis, client_ids=[diagnosis.client_id])
    diagnosis.delete()


# --- contacts -------------------------------------------------------------------------


@transaction.atomic
def contact_add(
    *,
    by: User,
    client: Client,
    name: str = UNSET,
    relationship: str = UNSET,
    is_guardian: bool = UNSET,
    is_emergency: bool = UNSET,
    phone: str = UNSET,
    email: str = UNSET,
    address: str = UNSET,
    notes: str = UNSET,
) -> Contact:
    require_client_access(by, client.pk, Area.DEMOGRAPHICS, Action.WRITE)
    contact = Contact(client=client)
    apply_changes(
        contact,
        {
            "name": name,
            "relationship": relationship,
            "is_guardian": is_guardian,
            "is_emergency": is_emergency,
            "phone": phone,
            "email": email,
            "address": address,
            "notes": notes,
        },
    )
    contact.full_clean()
    contact.save()
    audit.record(actor=by, action=ClientAction.CONTACT_ADD, obj=contact, client_ids=[client.pk])
    return contact


@transaction.atomic
def contact_update(
    *,
    by: User,
    contact: Contact,
    name: str = UNSET,
    relationship: str = UNSET,
    is_guardian: bool = UNSET,
    is_emergency: bool = UNSET,
    phone: str = UNSET,
    email: str = UNSET,
    address: str = UNSET,
    notes: str = UNSET,
) -> Contact:
    """Change the given fields of a contact; nothing is saved or audited when none changed."""
    require_client_access(by, contact.client_id, Area.DEMOGRAPHICS, Action.WRITE)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    changed = apply_changes(
        contact,
        {
            "name": name,
            "relationship": relationship,
            "is_guardian": is_guardian,
            "is_emergency": is_emergency,
            "phone": phone,
            "email": email,
            "address": address,
            "notes": notes,
        },
    )
    if not changed:
        return contact
    contact.full_clean()
    save_changes(contact, changed)
    audit.record(
        actor=by,
        action=ClientAction.CONTACT_UPDATE,
        obj=contact,
        client_ids=[contact.client_id],
        detail={"fields": changed},
    )
    return contact


@transaction.atomic
def contact_remove(*, by: User, contact: Contact) -> None:
    require_client_access(by, contact.client_id, Area.DEMOGRAPHICS, Action.WRITE)
    if Consent.objects.filter(guardian=contact).exists():
        raise ValidationError(CONTACT_SIGNED_CONSENT)
    audit.record(actor=by, action=ClientAction.CONTACT_REMOVE, obj=contact, client_ids=[contact.client_id])
    contact.delete()


# --- consents -------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    by: User,
    client: Client,
    kind: str = UNSET,
    decision: str = UNSET,
    signed_on: dt.date = UNSET,
    signer: str = UNSET,
    signer_name: str = UNSET,
    guardian: Contact | int | None = UNSET,
    signature_kind: str = UNSET,
    signature_typed: str = UNSET,
    signature_drawn: str = UNSET,
    exhibit_with_name: bool = UNSET,
    recipient: str = UNSET,
    purpose: str = UNSET,
    information: str = UNSET,
    expires_on: dt.date | None = UNSET,
    expiry_event: str = UNSET,
    right_to_revoke_explained: bool = UNSET,
) -> Consent:
    require_client_access(by, client.pk, Area.DEMOGRAPHICS, Action.WRITE)
    consent = Consent(client=client, recorded_by=by)
    apply_changes(
        consent,
        {
            "kind": kind,
            "decision": decision,
            "signed_on": signed_on,
            "signer": signer,
            "signer_name": signer_name,
            "guardian": guardian,
            "signature_kind": signature_kind,
            "signature_typed": signature_typed,
            "signature_drawn": signature_drawn,
            "exhibit_with_name": exhibit_with_name,
            "recipient": recipient,
            "purpose": purpose,
            "information": information,
            "expires_on": expires_on,
            "expiry_event": expiry_event,
            "right_to_revoke_explained": right_to_revoke_explained,
        },
    )
    consent.full_clean()
    consent.save()
    audit.record(
        actor=by,
        action=ClientAction.CONSENT_RECORD,
        obj=consent,
        client_ids=[client.pk],
        detail={"kind": consent.kind, "decision": consent.decision},
    )
    return consent


@transaction.atomic
def consent_revoke(*, by: User, consent: Consent, on: dt.date | None = None, note: str = "") -> Consent:
    require_client_access(by, consent.client_id, Area.DEMOGRAPHICS, Action.WRITE)
    on = on or timezone.localdate()
    if consent.is_revoked:
        raise ValidationError(v.REVOKED_ALREADY)
    if consent.decision == ConsentDecision.REFUSED:
        raise ValidationError(v.REFUSED_CANNOT_REVOKE)
    if on < consent.signed_on:
        raise ValidationError({"revoked_on": v.REVOKE_BEFORE_SIGNED})
    if on > timezone.localdate():
        raise ValidationError({"revoked_on": v.DATE_IN_FUTURE})
    consent.revoked_on, consent.revoked_by, consent.revocation_note = on, by, note[:300]
    consent.save(update_fields=["revoked_on", "revoked_by", "revocation_note"])
    audit.record(
        actor=by,
        action=ClientAction.CONSENT_REVOKE,
        obj=consent,
        client_ids=[consent.client_id],
        detail={"kind": consent.kind},
    )
    return consent


# --- gathered information -----------------------------------------------------------------


def _check_document(upload: File[bytes]) -> tuple[str, str]:
    """Refuse a file before it is stored: size, an allowed type, content matching its type."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError({"documents": DOCUMENT_TOO_LARGE.format(limit=limit // (1024 * 1024))})
    # A file from a request always has a name; the stubs allow a File without one.
    name = upload.name or ""
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = ALLOWED_DOCUMENT_TYPES.get(ext)
    if content_type is None:
        raise ValidationError({"documents": DOCUMENT_TYPE})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    magic = MAGIC.get(content_type)
    if magic and not head.startswith(magic):
        raise ValidationError({"documents": DOCUMENT_TYPE})
    if content_type == "text/plain" and b"\x00" in head:
        raise ValidationError({"documents": DOCUMENT_TYPE})
    return ext, content_type


def _store_by_hash(upload: File[bytes], ext: str) -> tuple[str, str]:
    """Write the file under its SHA-256 before any row names it; a retry finds it there."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha = digest.hexdigest()
    name = f"documents/{sha[:2]}/{sha}{ext}"
    if not default_storage.exists(name):
        upload.seek(0)
        default_storage.save(name, File(upload))
    return name, sha


@transaction.atomic
def gathered_info_add(
    *,
    by: User,
    client: Client,
    source: str = UNSET,
    occurred_on: dt.date = UNSET,
    title: str = UNSET,
    body: str = UNSET,
    documents: Iterable[File[bytes]] = (),
) -> GatheredInfo:
    require_client_access(by, client.pk, Area.DEMOGRAPHICS, Action.WRITE)
    entry = GatheredInfo(client=client, author=by)
    apply_changes(entry, {"source": source, "occurred_on": occurred_on, "title": title, "body": body})
    entry.full_clean()
    documents = list(documents)
    checked = [(upload, *_check_document(upload)) for upload in documents]
    entry.save()
    for upload, ext, content_type in checked:
        name, sha = _store_by_hash(upload, ext)
        GatheredDocument.objects.create(
            entry=entry,
            file=name,
            original_name=(upload.name or "")[:200],
            content_type=content_type,
            size=upload.size,
            sha256=sha,
        )
    audit.record(
        actor=by,
        action=ClientAction.GATHERED_INFO_ADD,
        obj=entry,
        client_ids=[client.pk],
        detail={"source": entry.source, "documents": len(checked)},
    )
    return entry


# --- amendments (HIPAA 164.526) ----------------------------------------------------------------
#
# The original item is never touched here: an accepted request gets an addendum
# beside it, a denied one its reason and perhaps the client's disagreement.
# Audit events carry ids and the decision, never the client's words.


@transaction.atomic
def amendment_request_record(
    *,
    by: User,
    client: Client,
    part: str = UNSET,
    gathered_info: GatheredInfo | int | None = UNSET,
    item: str = UNSET,
    requested_change: str = UNSET,
    received_on: dt.date = UNSET,
    received_via: str = UNSET,
) -> record.AmendmentRequest:
    """Record a client's request to amend their record, as received."""
    require_client_access(by, client.pk, Area.DEMOGRAPHICS, Action.WRITE)
    amendment = record.AmendmentRequest(client=client, recorded_by=by)
    apply_changes(
        amendment,
        {
            "part": part,
            "gathered_info": gathered_info,
            "item": item,
            "requested_change": requested_change,
            "received_on": received_on,
            "received_via": received_via,
        },
    )
    amendment.full_clean()
    amendment.save()
    audit.record(
        actor=by,
        action=ClientAction.AMENDMENT_REQUEST,
        obj=amendment,
        client_ids=[client.pk],
        detail={"part": amendment.part, "gathered_info": amendment.gathered_info_id},
    )
    return amendment


@transaction.atomic
def amendment_decide(
    *,
    by: User,
    amendment: record.AmendmentRequest,
    decision: str,
    decided_on: dt.date | None = None,
    addendum: str = "",
    denial_reason: str = "",
) -> record.AmendmentRequest:
    """Accept (an addendum is written beside the original) or deny (with the reason). Decided once."""
    require_client_access(by, amendment.client_id, Area.DEMOGRAPHICS, Action.WRITE)
    # Locked, so two clinicians deciding at once cannot both succeed.
    amendment = record.AmendmentRequest.objects.select_for_update().get(pk=amendment.pk)
    if not amendment.is_pending:
        raise ValidationError(record.AMENDMENT_ALREADY_DECIDED)
    if decision not in record.AmendmentDecision.values:
        raise ValidationError({"decision": record.AMENDMENT_DECISION_NEEDED})
    decided_on = decided_on or timezone.localdate()
    amendment.decision, amendment.decided_on, amendment.decided_by = decision, decided_on, by
    amendment.denial_reason = denial_reason if decision == record.AmendmentDecision.DENIED else ""
    errors: dict[str, list[ValidationError]] = {}
    try:
        amendment.full_clean()
    except ValidationError as exc:
        errors.update(exc.error_dict)
    note = None
    if decision == record.AmendmentDecision.ACCEPTED:
        note = record.AmendmentAddendum(request=amendment, text=addendum, author=by, written_on=decided_on)
        try:
            note.full_clean(exclude=["request", "written_on"])
        except ValidationError as exc:
            errors.update(
                {"addendum" if name == "text" else name: messages for name, messages in exc.error_dict.items()}
            )
    if errors:
        raise ValidationError(errors)
    amendment.save(update_fields=["decision", "decided_on", "decided_by", "denial_reason"])
    if note is not None:
        note.save()
    accepted = decision == record.AmendmentDecision.ACCEPTED
    audit.record(
        actor=by,
        action=ClientAction.AMENDMENT_ACCEPTED if accepted else ClientAction.AMENDMENT_DENIED,
        obj=amendment,
        client_ids=[amendment.client_id],
        detail={"addendum": note.pk if note else None},
    )
    return amendment


@transaction.atomic
def amendment_disagreement_record(
    *,
    by: User,
    amendment: record.AmendmentRequest,
    statement: str,
    received_on: dt.date | None = None,
) -> record.AmendmentRequest:
    """Attach the client's statement of disagreement to a denied request (once)."""
    require_client_access(by, amendment.client_id, Area.DEMOGRAPHICS, Action.WRITE)
    amendment = record.AmendmentRequest.objects.select_for_update().get(pk=amendment.pk)
    if amendment.decision != record.AmendmentDecision.DENIED:
        raise ValidationError(record.DISAGREEMENT_ONLY_AFTER_DENIAL)
    if amendment.disagreement:
        raise ValidationError(record.DISAGREEMENT_ALREADY)
    if not statement.strip():
        raise ValidationError({"statement": record.DISAGREEMENT_NEEDS_TEXT})
    amendment.disagreement = statement
    amendment.disagreement_received_on = received_on or timezone.localdate()
    amendment.disagreement_recorded_by = by
    try:
        amendment.full_clean()
    except ValidationError as exc:
        raise ValidationError(
            {
                {"disagreement": "statement", "disagreement_received_on": "received_on"}.get(name, name): messages
                for name, messages in exc.error_dict.items()
            }
        ) from None
    amendment.save(update_fields=["disagreement", "disagreement_received_on", "disagreement_recorded_by"])
    audit.record(actor=by, action=ClientAction.AMENDMENT_DISAGREEMENT, obj=amendment, client_ids=[amendment.client_id])
    return amendment


# --- disclosures (HIPAA 164.528, 42 CFR Part 2) ------------------------------------------------------

DISCLOSURE_FIELDS = (
    "kind",
    "disclosed_on",
    "recipient",
    "recipient_address",
    "purpose",
    "description",
    "legal_basis",
    "consent",
)


@transaction.atomic
def disclosure_record(
    *,
    by: User,
    client: Client,
    disclosed_on: dt.date,
    kind: str = UNSET,
    recipient: str = UNSET,
    recipient_address: str = UNSET,
    purpose: str = UNSET,
    description: str = UNSET,
    legal_basis: str = UNSET,
    consent: Consent | int | None = UNSET,
    corrects: record.Disclosure | None = None,
    correction_reason: str = "",
) -> record.Disclosure:
    """Record one release of the client's information outside the practice. The one way to do so.

    Reports, exports and answers to records requests call this as they release:
    it refuses a release without a recipient, or one relying on a release of
    information that was not in force that day (unless another legal basis is
    chosen), and stamps the 42 CFR 2.32 notice on a Part 2 record's release so
    the sender can include it. A correction is a new row naming the one it
    corrects; a disclosure is never edited. ``by`` needs write access to the
    client's demographics (the care team's clinicians and interns). The caller
    names the day of the release (the form and the API offer today).
    """
    require_client_access(by, client.pk, Area.DEMOGRAPHICS, Action.WRITE)
    disclosure = record.Disclosure(
        client=client,
        disclosed_by=by,
        corrects=corrects,
        correction_reason=correction_reason,
        redisclosure_notice=record.PART2_REDISCLOSURE_NOTICE if client.part2_substance_use else "",
    )
    apply_changes(
        disclosure,
        {
            "kind": kind,
            "disclosed_on": disclosed_on,
            "recipient": recipient,
            "recipient_address": recipient_address,
            "purpose": purpose,
            "description": description,
            "legal_basis": legal_basis,
            "consent": consent,
        },
    )
    disclosure.full_clean()
    disclosure.save()
    audit.record(
        actor=by,
        action=ClientAction.DISCLOSURE_CORRECT if corrects else ClientAction.DISCLOSURE_RECORD,
        obj=disclosure,
        client_ids=[client.pk],
        detail={
            "kind": disclosure.kind,
            "legal_basis": disclosure.legal_basis,
            "consent": disclosure.consent_id,
            "corrects": disclosure.corrects_id,
            "part2": bool(disclosure.redisclosure_notice),
        },
    )
    return disclosure


def disclosure_correct(
    *,
    by: User,
    original: record.Disclosure,
    correction_reason: str,
    kind: str = UNSET,
    disclosed_on: dt.date = UNSET,
    recipient: str = UNSET,
    recipient_address: str = UNSET,
    purpose: str = UNSET,
    description: str = UNSET,
    legal_basis: str = UNSET,
    consent: Consent | int | None = UNSET,
) -> record.Disclosure:
    """Append a correction of ``original``: its values, overridden by those given, and the reason."""
    corrected = {
        "kind": kind,
        "disclosed_on": disclosed_on,
        "recipient": recipient,
        "recipient_address": recipient_address,
        "purpose": purpose,
        "description": description,
        "legal_basis": legal_basis,
        "consent": consent,
    }
    columns = {field.name: field.attname for field in original._meta.concrete_fields}
    values = {name: getattr(original, columns[name]) for name in DISCLOSURE_FIELDS} | given(corrected)
    return disclosure_record(
        by=by, client=original.client, corrects=original, correction_reason=correction_reason, **values
    )


# --- restricted clients -------------------------------------------------------------------

RESTRICTION_NEEDS_NAMES = UserMessage("restriction_needs_names", "Name at least one person who may see this client.")
RESTRICTION_NEEDS_PRIMARY = UserMessage(
    "restriction_needs_primary",
    "Name the client's primary therapist among those allowed: "
    "otherwise nobody treating the client could open the chart.",
)
RESTRICTION_NAMES_OUTSIDERS = UserMessage(
    "restriction_names_outsiders", "Only members of this client's care team, and their supervisors, can be named."
)
NOT_RESTRICTED = UserMessage("not_restricted", "This client is not restricted.")


def _require_manages_team(by: User, client: Client) -> None:
    if client.organization_id != by.organization_id:
        raise Http404
    require_client_access(by, client.pk, Area.CARE_TEAM, Action.MANAGE)


@transaction.atomic
def client_restrict(*, by: User, client: Client, category: str, named_users: Iterable[User]) -> ClientRestriction:
    """Make a client restricted (or change who is named): only the named users may see the chart."""
    _require_manages_team(by, client)
    named = {user.pk for user in named_users}
    if not named:
        raise ValidationError({"named_users": RESTRICTION_NEEDS_NAMES})
    if named - set(restriction_candidates(client.pk).values_list("pk", flat=True)):
        raise ValidationError({"named_users": RESTRICTION_NAMES_OUTSIDERS})
    primaries = set(client.care_team.filter(role=CareTeamRole.PRIMARY).values_list("user_id", flat=True))
    if not named & primaries:
        raise ValidationError({"named_users": RESTRICTION_NEEDS_PRIMARY})
    restriction = ClientRestriction.objects.select_for_update().filter(client=client).first()
    creating = restriction is None
    if restriction is None:
        restriction = ClientRestriction(client=client, restricted_by=by)
    restriction.category = category
    restriction.full_clean(exclude=["named_users"])
    restriction.save()
    restriction.named_users.set(named)
    audit.record(
        actor=by,
        action=ClientAction.CLIENT_RESTRICT,
        obj=restriction,
        client_ids=[client.pk],
        flagged=True,
        detail={"category": category, "named_user_ids": sorted(named), "new": creating},
    )
    return restriction


@transaction.atomic
def client_unrestrict(*, by: User, client: Client) -> None:
    """Lift a restriction: the whole care team sees the client again."""
    _require_manages_team(by, client)
    restriction = ClientRestriction.objects.select_for_update().filter(client=client).first()
    if restriction is None:
        raise ValidationError(NOT_RESTRICTED)
    audit.record(
        actor=by,
        action=ClientAction.CLIENT_UNRESTRICT,
        obj=restriction,
        client_ids=[client.pk],
        flagged=True,
        detail={"category": restriction.category},
    )
    restriction.delete()


# --- emergency access (break the glass) ------------------------------------------------------

BREAK_GLASS_REASON_REQUIRED = UserMessage(
    "break_glass_reason_required",
    "Say why you need emergency access: a reason is required, and an admin will review it.",
)
BREAK_GLASS_NOT_DESIGNATED = NOT_DESIGNATED  # the one sentence, wherever the glass is broken
BREAK_GLASS_NOT_NEEDED = UserMessage(
    "break_glass_not_needed", "You can already open this client's chart; emergency access is not needed."
)
DESIGNATION_CLINICAL_ONLY = UserMessage(
    "designation_clinical_only",
    "Emergency access is for clinicians: an admin or program administrator cannot be designated.",
)
REVIEW_NOTE_REQUIRED = UserMessage(
    "review_note_required", "Write a note on what you found: the review is part of the record."
)
REVIEWED_ALREADY = UserMessage("reviewed_already", "This emergency access was already reviewed.")


def break_glass_minutes() -> int:
    """How long an emergency access lasts (ARTCHART_BREAK_GLASS_MINUTES, 60 by default)."""
    return settings.BREAK_GLASS_MINUTES


def _refuse_break_glass(*, by: User, client: Client, why: str) -> None:
    """Record a refused break-the-glass as a flagged security event, committed even though the request fails."""
    with transaction.atomic():
        audit.record(
            actor=by,
            action=ClientAction.BREAK_GLASS_REFUSED,
            obj=client,
            client_ids=[client.pk],
            flagged=True,
            detail={"why": why},
        )


def emergency_access_start(*, by: User, client: Client, category: str, reason: str) -> EmergencyAccess:
    """Break the glass: read access to a chart the user is not on the care team of, for a set time.

    Refusals (no reason, not designated) are audited as security events and
    committed before the error is raised, so the attempt stays on record.
    """
    if client.organization_id != by.organization_id:
        raise Http404
    if not may_break_glass(by):
        _refuse_break_glass(by=by, client=client, why="not_designated")
        raise PermissionDenied(BREAK_GLASS_NOT_DESIGNATED)
    relations = relations_of(by, client.pk)
    if allows(relations, Area.DEMOGRAPHICS, Action.READ):
        raise ValidationError(BREAK_GLASS_NOT_NEEDED)
    reason = (reason or "").strip()
    if not reason:
        _refuse_break_glass(by=by, client=client, why="no_reason")
        raise ValidationError({"reason": BREAK_GLASS_REASON_REQUIRED})
    now = timezone.now()
    minutes = break_glass_minutes()
    access = EmergencyAccess(
        client=client,
        user=by,
        category=category,
        reason=reason,
        started_at=now,
        expires_at=now + dt.timedelta(minutes=minutes),
    )
    access.full_clean()
    with transaction.atomic():
        access.save()
        audit.record(
            actor=by,
            action=ClientAction.BREAK_GLASS_START,
            obj=access,
            client_ids=[client.pk],
            flagged=True,
            detail={"category": category, "minutes": minutes},
        )
    return access


@transaction.atomic
def emergency_access_review(*, by: User, access: EmergencyAccess, note: str) -> EmergencyAccess:
    """An admin reviews one break-the-glass: a note, and who reviewed it when."""
    require_role(by, Role.ADMIN)
    if access.client.organization_id != by.organization_id:
        raise Http404
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": REVIEW_NOTE_REQUIRED})
    locked = type(access).objects.select_for_update().get(pk=access.pk)
    if locked.reviewed_at is not None:
        raise ValidationError(REVIEWED_ALREADY)
    access.reviewed_by, access.reviewed_at, access.review_note = by, timezone.now(), note
    access.full_clean()
    access.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    audit.record(
        actor=by,
        action=ClientAction.BREAK_GLASS_REVIEW,
        obj=access,
        client_ids=[access.client_id],
        detail={"emergency_user_id": access.user_id},
    )
    return access


@transaction.atomic
def break_glass_designation_set(*, by: User, user: User, designated: bool) -> bool:
    """Designate a user who may break the glass, or take the designation away; True if it changed.

    Taking it away also ends any emergency access the user still has running.
    """
    require_role(by, Role.ADMIN)
    if user.organization_id != by.organization_id:
        raise Http404
    if designated and user.role in (Role.ADMIN, Role.PROGRAM_ADMIN):
        raise ValidationError({"may_break_glass": DESIGNATION_CLINICAL_ONLY})
    current = EmergencyAccessDesignation.objects.select_for_update().filter(user=user).first()
    if designated == (current is not None):
        return False
    if current is None:  # so ``designated`` is True
        EmergencyAccessDesignation.objects.create(user=user, designated_by=by)
        audit.record(actor=by, action=ClientAction.BREAK_GLASS_DESIGNATE, obj=user, flagged=True)
    else:
        current.delete()
        audit.record(actor=by, action=ClientAction.BREAK_GLASS_UNDESIGNATE, obj=user, flagged=True)
    return True


# --- care teams ------------------------------------------------------------------


@transaction.atomic
def care_team_add(*, by: User, client_id: int, user: User, role: str) -> CareTeamMembership:
    require_client_access(by, client_id, Area.CARE_TEAM, Action.MANAGE)
    if user.organization_id != by.organization_id:
        raise ValidationError({"user": NOT_SAME_ORGANIZATION})
    if user.role in (Role.ADMIN, Role.PROGRAM_ADMIN):
        raise ValidationError({"user": CLINICAL_ROLE_NEEDED})
    if CareTeamMembership.objects.filter(client_id=client_id, user=user).exists():
        raise ValidationError({"user": ALREADY_ON_TEAM})
    membership = CareTeamMembership(client_id=client_id, user=user, role=role)
    membership.full_clean()
    membership.save()
    audit.record(
        actor=by,
        action=ClientAction.CARE_TEAM_ADD,
        obj=membership,
        client_ids=[client_id],
        detail={"user": user.pk, "role": role},
        flagged=True,
    )
    return membership


@transaction.atomic
def care_team_remove(*, by: User, membership: CareTeamMembership) -> None:
    require_client_access(by, membership.client_id, Area.CARE_TEAM, Action.MANAGE)
    if (
        membership.role == CareTeamRole.PRIMARY
        and not CareTeamMembership.objects.filter(client_id=membership.client_id, role=CareTeamRole.PRIMARY)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(LAST_PRIMARY)
    detail = {"user": membership.user_id, "role": membership.role}
    audit.record(
        actor=by,
        action=ClientAction.CARE_TEAM_REMOVE,
        obj=membership,
        client_ids=[membership.client_id],
        detail=detail,
        flagged=True,
    )
    membership.delete()

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
from django.utils import timezone

from artchart.clients import validation as v
from artchart.clients.models import (
    Client,
    Consent,
    ConsentDecision,
    Contact,
    Diagnosis,
    GatheredDocument,
    GatheredInfo,
)
from artchart.core import audit
from artchart.core.access import require_client_access
from artchart.core.models import CareTeamMembership, CareTeamRole, Role, User
from artchart.core.permissions import Action, Area

CLIENT_FIELDS = (
    "site", "legal_first_name", "legal_last_name", "preferred_name", "pronouns", "date_of_birth",
    "phone", "email", "address", "status", "referral_source", "latex_allergy", "allergies",
    "sharps_restriction", "ligature_risk", "choking_risk", "self_harm_risk", "precautions_note",
)
CONTACT_FIELDS = ("name", "relationship", "is_guardian", "is_emergency", "phone", "email", "address", "notes")
CONSENT_FIELDS = (
    "kind", "decision", "signed_on", "signer", "signer_name", "guardian", "signature_kind", "signature_typed",
    "signature_drawn", "exhibit_with_name", "recipient", "purpose", "information", "expires_on", "expiry_event",
    "right_to_revoke_explained",
)
CANNOT_CREATE_CLIENTS = "Only therapists, supervisors and interns open client records."
CONTACT_SIGNED_CONSENT = "This guardian signed a consent on record; it cannot be removed."
DOCUMENT_TOO_LARGE = "The file is larger than {limit} MB."
DOCUMENT_TYPE = "Attach a PDF, an image (JPEG, PNG, WebP), a Word document or plain text."
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

CREATOR_TEAM_ROLE = {Role.THERAPIST: CareTeamRole.PRIMARY, Role.SUPERVISOR: CareTeamRole.PRIMARY, Role.INTERN: CareTeamRole.INTERN}


def _changed(instance, fields: dict, allowed: Iterable[str]) -> list[str]:
    """Copy the allowed fields onto ``instance``; return the names that changed.

    A relation may be given as an object or as its id (the API sends ids).
    """
    changed = []
    for name in allowed:
        if name not in fields:
            continue
        field = instance._meta.get_field(name)
        value = fields[name]
        if field.is_relation and hasattr(value, "pk"):
            value = value.pk
        if getattr(instance, field.attname) != value:
            setattr(instance, field.attname, value)
            changed.append(name)
    return changed


# --- clients ------------------------------------------------------------------------


@transaction.atomic
def client_create(*, by: User, **fields) -> Client:
    """Open a client record; the creator joins its care team (therapist as primary)."""
    team_role = CREATOR_TEAM_ROLE.get(by.role)
    if team_role is None:
        raise PermissionDenied(CANNOT_CREATE_CLIENTS)
    client = Client(organization_id=by.organization_id)
    _changed(client, fields, CLIENT_FIELDS)
    client.full_clean()
    client.save()
    CareTeamMembership.objects.create(client=client, user=by, role=team_role)
    audit.record(actor=by, action="client.create", obj=client, client_ids=[client.pk])
    return client


@transaction.atomic
def client_update(*, by: User, client: Client, **fields) -> Client:
    require_client_access(by, client.pk, Area.DEMOGRAPHICS, Action.WRITE)
    changed = _changed(client, fields, CLIENT_FIELDS)
    if not changed:
        return client
    client.updated_at = timezone.now()
    client.full_clean()
    client.save()
    audit.record(actor=by, action="client.update", obj=client, client_ids=[client.pk], detail={"fields": changed})
    return client


@transaction.atomic
def diagnosis_add(*, by: User, client: Client, icd10_code: str, label: str, is_primary: bool = False) -> Diagnosis:
    require_client_access(by, client.pk, Area.DEMOGRAPHICS, Action.WRITE)
    diagnosis = Diagnosis(client=client, icd10_code=icd10_code.strip().upper(), label=label.strip(), is_primary=is_primary)
    diagnosis.full_clean()
    if is_primary:
        client.diagnoses.filter(is_primary=True).update(is_primary=False)
    diagnosis.save()
    audit.record(actor=by, action="diagnosis.add", obj=diagnosis, client_ids=[client.pk])
    return diagnosis


@transaction.atomic
def diagnosis_remove(*, by: User, diagnosis: Diagnosis) -> None:
    require_client_access(by, diagnosis.client_id, Area.DEMOGRAPHICS, Action.WRITE)
    audit.record(actor=by, action="diagnosis.remove", obj=diagnosis, client_ids=[diagnosis.client_id])
    diagnosis.delete()


# --- contacts -------------------------------------------------------------------------


@transaction.atomic
def contact_add(*, by: User, client: Client, **fields) -> Contact:
    require_client_access(by, client.pk, Area.DEMOGRAPHICS, Action.WRITE)
    contact = Contact(client=client)
    _changed(contact, fields, CONTACT_FIELDS)
    contact.full_clean()
    contact.save()
    audit.record(actor=by, action="contact.add", obj=contact, client_ids=[client.pk])
    return contact


@transaction.atomic
def contact_update(*, by: User, contact: Contact, **fields) -> Contact:
    require_client_access(by, contact.client_id, Area.DEMOGRAPHICS, Action.WRITE)
    changed = _changed(contact, fields, CONTACT_FIELDS)
    if changed:
        contact.full_clean()
        contact.save()
        audit.record(actor=by, action="contact.update", obj=contact, client_ids=[contact.client_id],
                     detail={"fields": changed})
    return contact


@transaction.atomic
def contact_remove(*, by: User, contact: Contact) -> None:
    require_client_access(by, contact.client_id, Area.DEMOGRAPHICS, Action.WRITE)
    if Consent.objects.filter(guardian=contact).exists():
        raise ValidationError(CONTACT_SIGNED_CONSENT)
    audit.record(actor=by, action="contact.remove", obj=contact, client_ids=[contact.client_id])
    contact.delete()


# --- consents -------------------------------------------------------------------------


@transaction.atomic
def consent_record(*, by: User, client: Client, **fields) -> Consent:
    require_client_access(by, client.pk, Area.DEMOGRAPHICS, Action.WRITE)
    consent = Consent(client=client, recorded_by=by)
    _changed(consent, fields, CONSENT_FIELDS)
    consent.full_clean()
    consent.save()
    audit.record(actor=by, action="consent.record", obj=consent, client_ids=[client.pk],
                 detail={"kind": consent.kind, "decision": consent.decision})
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
    audit.record(actor=by, action="consent.revoke", obj=consent, client_ids=[consent.client_id],
                 detail={"kind": consent.kind})
    return consent


# --- gathered information -----------------------------------------------------------------


def _check_document(upload) -> tuple[str, str]:
    """Refuse a file before it is stored: size, an allowed type, content matching its type."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError({"documents": DOCUMENT_TOO_LARGE.format(limit=limit // (1024 * 1024))})
    ext = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
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


def _store_by_hash(upload, ext: str) -> tuple[str, str]:
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
def gathered_info_add(*, by: User, client: Client, documents: Iterable = (), **fields) -> GatheredInfo:
    require_client_access(by, client.pk, Area.DEMOGRAPHICS, Action.WRITE)
    entry = GatheredInfo(client=client, author=by)
    _changed(entry, fields, ("source", "occurred_on", "title", "body"))
    entry.full_clean()
    documents = list(documents)
    checked = [(upload, *_check_document(upload)) for upload in documents]
    entry.save()
    for upload, ext, content_type in checked:
        name, sha = _store_by_hash(upload, ext)
        GatheredDocument.objects.create(
            entry=entry, file=name, original_name=upload.name[:200], content_type=content_type,
            size=upload.size, sha256=sha,
        )
    audit.record(actor=by, action="gathered_info.add", obj=entry, client_ids=[client.pk],
                 detail={"source": entry.source, "documents": len(checked)})
    return entry



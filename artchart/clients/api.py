"""API for the client record: the same selectors and services as the web pages."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils import timezone
from ninja import Body, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from artchart.clients import models as record
from artchart.clients import selectors, services
from artchart.clients import validation as v
from artchart.clients.models import Client, Consent, Contact, Diagnosis, GatheredInfo
from artchart.core.api import Day, Id, Listing, paginated
from artchart.core.permissions import VIEWER_HIDDEN_FIELDS_RESTRICTED, Action
from artchart.core.selectors import active_sites_for

router = Router(tags=["clients"])


# --- schemas ---------------------------------------------------------------------------


def _limit(model, name: str) -> int:
    """A TextField's max_length: full_clean() leaves it to forms, so the API checks it here."""
    return model._meta.get_field(name).max_length


class DiagnosisIn(Schema):
    icd10_code: str
    label: str
    is_primary: bool = False


class DiagnosisOut(Schema):
    id: int
    icd10_code: str
    label: str
    is_primary: bool


class ClientFields(Schema):
    preferred_name: str = ""
    pronouns: str = ""
    phone: str = ""
    email: str = ""
    address: str = Field("", max_length=_limit(Client, "address"))
    status: str = "active"
    referral_source: str = ""
    latex_allergy: bool = False
    allergies: str = ""
    sharps_restriction: bool = False
    ligature_risk: bool = False
    choking_risk: bool = False
    self_harm_risk: bool = False
    precautions_note: str = Field("", max_length=_limit(Client, "precautions_note"))
    part2_substance_use: bool = False


class ClientIn(ClientFields):
    legal_first_name: str
    legal_last_name: str
    date_of_birth: Day
    site: Id


class ClientPatch(Schema):
    # Send only the fields that change; those left out stay as they are. No
    # field of a client may be null (an empty string clears a text), so null is
    # refused here, not left to the database: hence no "| None" below.
    legal_first_name: str = None
    legal_last_name: str = None
    preferred_name: str = None
    pronouns: str = None
    date_of_birth: Day = None
    site: Id = None
    phone: str = None
    email: str = None
    address: str = Field(None, max_length=_limit(Client, "address"))
    status: str = None
    referral_source: str = None
    latex_allergy: bool = None
    allergies: str = None
    sharps_restriction: bool = None
    ligature_risk: bool = None
    choking_risk: bool = None
    self_harm_risk: bool = None
    precautions_note: str = Field(None, max_length=_limit(Client, "precautions_note"))
    part2_substance_use: bool = None


class ClientSummary(Schema):
    id: int
    display_name: str
    legal_first_name: str
    legal_last_name: str
    preferred_name: str
    pronouns: str
    date_of_birth: dt.date
    site: int
    site_name: str
    status: str
    precautions: list[str]

    @staticmethod
    def resolve_site(client: Client) -> int:
        return client.site_id

    @staticmethod
    def resolve_site_name(client: Client) -> str:
        return client.site.name

    @staticmethod
    def resolve_precautions(client: Client) -> list[str]:
        return client.precaution_flags


class ClientOut(ClientSummary, ClientFields):
    diagnoses: list[DiagnosisOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_diagnoses(client: Client) -> list[Diagnosis]:
        return list(client.diagnoses.all())


class ContactIn(Schema):
    name: str
    relationship: str
    is_guardian: bool = False
    is_emergency: bool = False
    phone: str = ""
    email: str = ""
    address: str = Field("", max_length=_limit(Contact, "address"))
    notes: str = ""


class ContactPatch(Schema):
    # As ClientPatch: absent means unchanged, null is refused.
    name: str = None
    relationship: str = None
    is_guardian: bool = None
    is_emergency: bool = None
    phone: str = None
    email: str = None
    address: str = Field(None, max_length=_limit(Contact, "address"))
    notes: str = None


class ContactOut(ContactIn):
    id: int


class ConsentIn(Schema):
    kind: str
    decision: str
    signed_on: Day
    signer: str
    signer_name: str
    guardian: Id | None = None
    signature_kind: str
    signature_typed: str = ""
    signature_drawn: str = ""
    exhibit_with_name: bool = False
    recipient: str = ""
    purpose: str = ""
    information: str = Field("", max_length=_limit(Consent, "information"))
    expires_on: Day | None = None
    expiry_event: str = ""
    right_to_revoke_explained: bool = False


class ConsentOut(Schema):
    id: int
    kind: str
    decision: str
    state: str
    in_force: bool
    needs_renewal: bool
    signed_on: dt.date
    signer: str
    signer_name: str
    guardian: int | None
    signature_kind: str
    exhibit_with_name: bool
    recipient: str
    purpose: str
    information: str
    expires_on: dt.date | None
    expiry_event: str
    right_to_revoke_explained: bool
    recorded_at: dt.datetime
    revoked_on: dt.date | None
    revocation_note: str

    @staticmethod
    def resolve_state(consent: Consent) -> str:
        return consent.state_label.lower()

    @staticmethod
    def resolve_guardian(consent: Consent) -> int | None:
        return consent.guardian_id


class RevokeIn(Schema):
    revoked_on: Day | None = None
    note: str = Field("", max_length=300)


class GatheredIn(Schema):
    source: str
    occurred_on: Day
    title: str
    body: str = Field("", max_length=_limit(GatheredInfo, "body"))


class DocumentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str


class GatheredOut(GatheredIn):
    id: int
    author: str
    created_at: dt.datetime
    documents: list[DocumentOut]

    @staticmethod
    def resolve_author(entry: GatheredInfo) -> str:
        return entry.author.display_name

    @staticmethod
    def resolve_documents(entry: GatheredInfo) -> list:
        return list(entry.documents.all())


# --- helpers ----------------------------------------------------------------------------


def _site_id(user, site_id: int) -> int:
    """The id of one of the user's organization's active sites, or a field error."""
    if not active_sites_for(user).filter(pk=site_id).exists():
        raise ValidationError({"site": v.SITE_UNKNOWN})
    return site_id


def _guardian_id(client: Client, guardian_id: int | None) -> int | None:
    if guardian_id is not None and not client.contacts.filter(pk=guardian_id, is_guardian=True).exists():
        raise ValidationError({"guardian": v.GUARDIAN_NOT_GUARDIAN})
    return guardian_id


# --- clients ------------------------------------------------------------------------------


@router.get("", response=list[ClientSummary], url_name="clients_list")
@paginated
def clients_list(request, q: str = "", status: str = "", site: Id | None = None):
    """Your clients (your care teams and your supervisees'), by name, status and site."""
    return Listing(selectors.client_search(request.user, q=q[:100], status=status, site_id=site), selectors.shown)


@router.post("", response={201: ClientOut}, url_name="clients_create")
def clients_create(request, payload: ClientIn):
    """Open a client record; you join its care team (a therapist as primary, an intern as intern)."""
    fields = payload.dict()
    fields["site"] = _site_id(request.user, fields["site"])
    client = services.client_create(by=request.user, **fields)
    return Status(201, client)


@router.get("{client_id}", response=ClientOut, url_name="client_detail")
def client_detail(request, client_id: Id):
    """One client. For a restricted client, a treatment-team member gets address, phone and email empty."""
    access = selectors.client_get_for_user(request.user, client_id)
    if access.hides_contact:
        return ClientOut.from_orm(access.client).model_copy(update=dict.fromkeys(VIEWER_HIDDEN_FIELDS_RESTRICTED, ""))
    return access.client


@router.patch("{client_id}", response=ClientOut, url_name="client_update")
def client_update(request, client_id: Id, payload: ClientPatch):
    client = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE).client
    fields = payload.dict(exclude_unset=True)
    if "site" in fields:
        fields["site"] = _site_id(request.user, fields["site"])
    return services.client_update(by=request.user, client=client, **fields)


# --- diagnoses -------------------------------------------------------------------------------


@router.post("{client_id}/diagnoses", response={201: DiagnosisOut}, url_name="diagnoses_create")
def diagnoses_create(request, client_id: Id, payload: DiagnosisIn):
    client = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE).client
    return Status(201, services.diagnosis_add(by=request.user, client=client, **payload.dict()))


@router.delete("{client_id}/diagnoses/{diagnosis_id}", response={204: None}, url_name="diagnosis_delete")
def diagnosis_delete(request, client_id: Id, diagnosis_id: Id):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    services.diagnosis_remove(by=request.user, diagnosis=selectors.diagnosis_get(access, diagnosis_id))
    return Status(204, None)


# --- contacts ---------------------------------------------------------------------------------


@router.get("{client_id}/contacts", response=list[ContactOut], url_name="contacts_list")
@paginated
def contacts_list(request, client_id: Id):
    """The client's contacts. For a restricted client, whoever may not see the client's
    own address and phone does not see the contacts' either (they can lead to the client)."""
    access = selectors.client_get_for_user(request.user, client_id)
    contacts = selectors.contacts_of(access)
    if access.hides_contact:
        hidden = dict.fromkeys(VIEWER_HIDDEN_FIELDS_RESTRICTED, "")
        return Listing(
            contacts, lambda page: [ContactOut.from_orm(contact).model_copy(update=hidden) for contact in page]
        )
    return contacts


@router.post("{client_id}/contacts", response={201: ContactOut}, url_name="contacts_create")
def contacts_create(request, client_id: Id, payload: ContactIn):
    client = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE).client
    return Status(201, services.contact_add(by=request.user, client=client, **payload.dict()))


@router.patch("{client_id}/contacts/{contact_id}", response=ContactOut, url_name="contact_update")
def contact_update(request, client_id: Id, contact_id: Id, payload: ContactPatch):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    contact: Contact = selectors.contact_get(access, contact_id)
    return services.contact_update(by=request.user, contact=contact, **payload.dict(exclude_unset=True))


@router.delete("{client_id}/contacts/{contact_id}", response={204: None}, url_name="contact_delete")
def contact_delete(request, client_id: Id, contact_id: Id):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    services.contact_remove(by=request.user, contact=selectors.contact_get(access, contact_id))
    return Status(204, None)


# --- consents -----------------------------------------------------------------------------------


@router.get("{client_id}/consents", response=list[ConsentOut], url_name="consents_list")
@paginated
def consents_list(request, client_id: Id):
    return list(selectors.consents_of(selectors.client_get_for_user(request.user, client_id)))


@router.post("{client_id}/consents", response={201: ConsentOut}, url_name="consents_create")
def consents_create(request, client_id: Id, payload: ConsentIn):
    client = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE).client
    fields = payload.dict()
    fields["guardian"] = _guardian_id(client, fields["guardian"])
    return Status(201, services.consent_record(by=request.user, client=client, **fields))


@router.post("{client_id}/consents/{consent_id}/revoke", response=ConsentOut, url_name="consent_revoke")
def consent_revoke(request, client_id: Id, consent_id: Id, payload: Body[RevokeIn | None] = None):
    """Revoke a granted consent. The body is optional: ``revoked_on`` (default today) and a ``note``."""
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    consent = selectors.consent_get(access, consent_id)
    payload = payload or RevokeIn()
    return services.consent_revoke(by=request.user, consent=consent, on=payload.revoked_on, note=payload.note)


# --- gathered information -----------------------------------------------------------------------


@router.get("{client_id}/gathered", response=list[GatheredOut], url_name="gathered_list")
@paginated
def gathered_list(request, client_id: Id):
    return list(selectors.gathered_info_of(selectors.client_get_for_user(request.user, client_id)))


@router.post("{client_id}/gathered", response={201: GatheredOut}, url_name="gathered_create")
def gathered_create(request, client_id: Id, payload: Form[GatheredIn], documents: File[list[UploadedFile]] = None):
    """Multipart form: the entry's fields, and any number of ``documents`` files."""
    client = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE).client
    entry = services.gathered_info_add(by=request.user, client=client, documents=documents or [], **payload.dict())
    return Status(201, entry)


@router.get("documents/{document_id}", response={200: None}, url_name="document_download")
def document_download(request, document_id: Id):
    document = selectors.document_get_for_user(request.user, document_id)
    return FileResponse(
        default_storage.open(document.file.name, "rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=document.original_name,
    )


# --- amendments (HIPAA 164.526) ------------------------------------------------------------------


class AmendmentIn(Schema):
    part: str
    gathered_info: Id | None = None
    item: str = Field("", max_length=300)
    requested_change: str = Field("", max_length=_limit(record.AmendmentRequest, "requested_change"))
    received_on: Day
    received_via: str


class AddendumOut(Schema):
    text: str
    author: str
    written_on: dt.date

    @staticmethod
    def resolve_author(addendum) -> str:
        return addendum.author.display_name


class AmendmentOut(Schema):
    id: int
    part: str
    gathered_info: int | None
    item: str
    requested_change: str
    received_on: dt.date
    received_via: str
    due_on: dt.date
    overdue: bool
    state: str
    decision: str
    decided_on: dt.date | None
    decided_by: str | None
    denial_reason: str
    addendum: AddendumOut | None
    disagreement: str
    disagreement_received_on: dt.date | None

    @staticmethod
    def resolve_gathered_info(amendment) -> int | None:
        return amendment.gathered_info_id

    @staticmethod
    def resolve_overdue(amendment) -> bool:
        return amendment.is_overdue

    @staticmethod
    def resolve_state(amendment) -> str:
        return amendment.state_label

    @staticmethod
    def resolve_decided_by(amendment) -> str | None:
        return amendment.decided_by.display_name if amendment.decided_by_id else None

    @staticmethod
    def resolve_addendum(amendment):
        return getattr(amendment, "addendum", None)


class DecisionIn(Schema):
    decision: str
    decided_on: Day | None = None
    addendum: str = Field("", max_length=5000)
    denial_reason: str = Field("", max_length=_limit(record.AmendmentRequest, "denial_reason"))


class DisagreementIn(Schema):
    statement: str = Field("", max_length=_limit(record.AmendmentRequest, "disagreement"))
    received_on: Day | None = None


def _gathered_info_id(client: Client, entry_id: int | None) -> int | None:
    if entry_id is not None and not client.gathered_info.filter(pk=entry_id).exists():
        raise ValidationError({"gathered_info": record.AMENDMENT_ITEM_OTHER_CLIENT})
    return entry_id


@router.get("{client_id}/amendments", response=list[AmendmentOut], url_name="amendments_list")
@paginated
def amendments_list(request, client_id: Id):
    """The client's requests to amend their record, newest first, with their decisions."""
    return list(selectors.amendments_of(selectors.client_get_for_user(request.user, client_id)))


@router.post("{client_id}/amendments", response={201: AmendmentOut}, url_name="amendments_create")
def amendments_create(request, client_id: Id, payload: AmendmentIn):
    """Record a request to amend, as received; the response is due 60 days after ``received_on``."""
    client = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE).client
    fields = payload.dict()
    fields["gathered_info"] = _gathered_info_id(client, fields["gathered_info"])
    return Status(201, services.amendment_request_record(by=request.user, client=client, **fields))


@router.post("{client_id}/amendments/{amendment_id}/decision", response=AmendmentOut, url_name="amendment_decide")
def amendment_decide(request, client_id: Id, amendment_id: Id, payload: DecisionIn):
    """Accept (with the ``addendum`` text) or deny (with the ``denial_reason``). A request is decided once."""
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    services.amendment_decide(
        by=request.user, amendment=selectors.amendment_get(access, amendment_id), **payload.dict()
    )
    return selectors.amendment_get(access, amendment_id)


@router.post(
    "{client_id}/amendments/{amendment_id}/disagreement", response=AmendmentOut, url_name="amendment_disagreement"
)
def amendment_disagreement(request, client_id: Id, amendment_id: Id, payload: DisagreementIn):
    """Attach the client's statement of disagreement to a denied request."""
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    services.amendment_disagreement_record(
        by=request.user, amendment=selectors.amendment_get(access, amendment_id), **payload.dict()
    )
    return selectors.amendment_get(access, amendment_id)


# --- disclosures and their accounting (HIPAA 164.528) -------------------------------------------------


class DisclosureIn(Schema):
    kind: str
    disclosed_on: Day | None = Field(None, description="The day of the release; today when absent")
    recipient: str = Field("", max_length=200)
    recipient_address: str = Field("", max_length=300)
    purpose: str = Field("", max_length=300)
    description: str = Field("", max_length=_limit(record.Disclosure, "description"))
    legal_basis: str = record.LegalBasis.AUTHORIZATION.value
    consent: Id | None = None


class CorrectionIn(Schema):
    # Absent fields keep the original's value; the reason is required.
    correction_reason: str = Field("", max_length=300)
    kind: str = None
    disclosed_on: Day = None
    recipient: str = Field(None, max_length=200)
    recipient_address: str = Field(None, max_length=300)
    purpose: str = Field(None, max_length=300)
    description: str = Field(None, max_length=_limit(record.Disclosure, "description"))
    legal_basis: str = None
    consent: Id | None = None


class DisclosureOut(Schema):
    id: int
    kind: str
    disclosed_on: dt.date
    recipient: str
    recipient_address: str
    purpose: str
    description: str
    legal_basis: str
    consent: int | None
    disclosed_by: str
    recorded_at: dt.datetime
    corrects: int | None
    correction_reason: str
    redisclosure_notice: str

    @staticmethod
    def resolve_consent(disclosure) -> int | None:
        return disclosure.consent_id

    @staticmethod
    def resolve_disclosed_by(disclosure) -> str:
        return disclosure.disclosed_by.display_name

    @staticmethod
    def resolve_corrects(disclosure) -> int | None:
        return disclosure.corrects_id


class AccountingEntryOut(Schema):
    disclosure: DisclosureOut
    corrected_by: list[int]  # ids of the later rows that correct this one


class AccountingOut(Schema):
    client: int
    since: dt.date
    until: dt.date
    part2_substance_use: bool
    entries: list[AccountingEntryOut]


def _consent_id(client: Client, consent_id: int | None) -> int | None:
    if consent_id is not None and not client.consents.filter(pk=consent_id).exists():
        raise ValidationError({"consent": record.CONSENT_OTHER_CLIENT})
    return consent_id


@router.get("{client_id}/disclosures", response=list[DisclosureOut], url_name="disclosures_list")
@paginated
def disclosures_list(request, client_id: Id):
    """Every recorded release of the client's information, newest first, corrections included."""
    return list(selectors.disclosures_of(selectors.client_get_for_user(request.user, client_id)))


@router.post("{client_id}/disclosures", response={201: DisclosureOut}, url_name="disclosures_create")
def disclosures_create(request, client_id: Id, payload: DisclosureIn):
    """Record a release outside the practice. On the client's authorization, name a release of information
    (``consent``) in force on ``disclosed_on``; another ``legal_basis`` needs none."""
    client = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE).client
    fields = payload.dict(exclude_none=True)
    fields.setdefault("disclosed_on", timezone.localdate())  # most releases are recorded as they happen
    if "consent" in fields:
        fields["consent"] = _consent_id(client, fields["consent"])
    return Status(201, services.disclosure_record(by=request.user, client=client, **fields))


@router.post(
    "{client_id}/disclosures/{disclosure_id}/corrections", response={201: DisclosureOut}, url_name="disclosure_correct"
)
def disclosure_correct(request, client_id: Id, disclosure_id: Id, payload: CorrectionIn):
    """Append a correction of a disclosure: fields sent replace the original's; the original is kept."""
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    original = selectors.disclosure_get(access, disclosure_id)
    fields = payload.dict(exclude_unset=True)
    if fields.get("consent") is not None:
        fields["consent"] = _consent_id(access.client, fields["consent"])
    fields.setdefault("correction_reason", "")
    return Status(201, services.disclosure_correct(by=request.user, original=original, **fields))


@router.get("{client_id}/accounting", response=AccountingOut, url_name="accounting")
def accounting(request, client_id: Id):
    """The accounting of disclosures (HIPAA 164.528): the last six years, corrections beside their originals."""
    report = selectors.accounting_of(selectors.client_get_for_user(request.user, client_id))
    return {
        "client": report.client.pk,
        "since": report.since,
        "until": report.until,
        "part2_substance_use": report.client.part2_substance_use,
        "entries": report.entries,
    }

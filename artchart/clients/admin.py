"""Django's admin for the client record: read-only, for the operator's superuser.

The record is written through the services, which check the care team and
audit each change; the operator (IT) has no clinical access of their own, so
these lists show ids, kinds, dates and states, never names, contacts or
clinical text. Signed consents, amendment decisions and disclosures are final
and are changed only by new rows made through the pages.
"""

from __future__ import annotations

from django.contrib import admin

from artchart.clients.models import (
    AmendmentAddendum,
    AmendmentRequest,
    CareTeamMembership,
    Client,
    ClientRestriction,
    Consent,
    Contact,
    Diagnosis,
    Disclosure,
    EmergencyAccess,
    EmergencyAccessDesignation,
    GatheredDocument,
    GatheredInfo,
)
from artchart.core.admin import ListOnlyAdmin, ReadOnlyAdmin


@admin.register(Client)
class ClientAdmin(ListOnlyAdmin):
    list_display = ("id", "organization", "site", "status", "created_at", "updated_at")
    list_filter = ("status", "organization")
    list_select_related = ("organization", "site")


@admin.register(Consent)
class ConsentAdmin(ListOnlyAdmin):
    list_display = ("id", "client_id", "kind", "decision", "signed_on", "expires_on", "revoked_on", "recorded_at")
    list_filter = ("kind", "decision")


@admin.register(ClientRestriction)
class ClientRestrictionAdmin(ListOnlyAdmin):
    list_display = ("id", "client_id", "category", "restricted_by", "restricted_at")
    list_filter = ("category",)
    list_select_related = ("restricted_by",)


@admin.register(EmergencyAccessDesignation)
class EmergencyAccessDesignationAdmin(ReadOnlyAdmin):
    list_display = ("user", "designated_by", "designated_at")
    list_select_related = ("user", "designated_by")


@admin.register(EmergencyAccess)
class EmergencyAccessAdmin(ListOnlyAdmin):
    list_display = ("id", "client_id", "user", "category", "started_at", "expires_at", "reviewed_by", "reviewed_at")
    list_filter = ("category",)
    list_select_related = ("user", "reviewed_by")


@admin.register(AmendmentRequest)
class AmendmentRequestAdmin(ListOnlyAdmin):
    list_display = ("id", "client_id", "part", "received_on", "decision", "decided_on")
    list_filter = ("decision", "part")


@admin.register(Disclosure)
class DisclosureAdmin(ListOnlyAdmin):
    list_display = ("id", "client_id", "kind", "legal_basis", "disclosed_on", "recorded_at", "corrects_id")
    list_filter = ("kind", "legal_basis")


@admin.register(Diagnosis)
class DiagnosisAdmin(ListOnlyAdmin):
    list_display = ("id", "client_id", "is_primary", "added_at")


@admin.register(Contact)
class ContactAdmin(ListOnlyAdmin):
    list_display = ("id", "client_id", "is_guardian", "is_emergency")


@admin.register(GatheredInfo)
class GatheredInfoAdmin(ListOnlyAdmin):
    list_display = ("id", "client_id", "source", "occurred_on", "created_at")
    list_filter = ("source",)


@admin.register(GatheredDocument)
class GatheredDocumentAdmin(ListOnlyAdmin):
    list_display = ("id", "entry_id", "content_type", "size", "uploaded_at")


@admin.register(AmendmentAddendum)
class AmendmentAddendumAdmin(ListOnlyAdmin):
    list_display = ("id", "request_id", "written_on", "created_at")


@admin.register(CareTeamMembership)
class CareTeamMembershipAdmin(ListOnlyAdmin):
    """Changed only on the client's care-team page, whose service checks who may and audits it."""

    list_display = ("id", "client_id", "user", "role", "added_at")
    list_filter = ("role",)
    raw_id_fields = ("client", "user")

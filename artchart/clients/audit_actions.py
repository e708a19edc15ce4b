"""Audit actions of the client record: care teams, consents, contacts, amendments, disclosures, restriction and
emergency access.

Each value is the code an event stores (never changed once events carry it); each label says what
happened in the words a clinician would use.
"""

from artchart.core.audit import AuditAction


class ClientAction(AuditAction):
    AMENDMENT_ACCEPTED = "amendment.accepted", "Accepted a request to amend the record"
    AMENDMENT_DENIED = "amendment.denied", "Denied a request to amend the record"
    AMENDMENT_DISAGREEMENT = "amendment.disagreement", "Attached a statement of disagreement"
    AMENDMENT_REQUEST = "amendment.request", "Recorded a request to amend the record"
    BREAK_GLASS_DESIGNATE = "break_glass.designate", "Allowed someone to use emergency access"
    BREAK_GLASS_REFUSED = "break_glass.refused", "Was refused emergency access"
    BREAK_GLASS_REVIEW = "break_glass.review", "Reviewed an emergency access"
    BREAK_GLASS_START = "break_glass.start", "Used emergency access"
    BREAK_GLASS_UNDESIGNATE = "break_glass.undesignate", "Withdrew someone's emergency access"
    CARE_TEAM_ADD = "care_team.add", "Added someone to a care team"
    CARE_TEAM_REMOVE = "care_team.remove", "Removed someone from a care team"
    CLIENT_CREATE = "client.create", "Opened a client record"
    CLIENT_RESTRICT = "client.restrict", "Restricted a client record"
    CLIENT_UNRESTRICT = "client.unrestrict", "Lifted a client record's restriction"
    CLIENT_UPDATE = "client.update", "Updated a client record"
    CONSENT_RECORD = "consent.record", "Recorded a consent"
    CONSENT_REVOKE = "consent.revoke", "Recorded a consent revocation"
    CONTACT_ADD = "contact.add", "Added a contact"
    CONTACT_REMOVE = "contact.remove", "Removed a contact"
    CONTACT_UPDATE = "contact.update", "Updated a contact"
    DIAGNOSIS_ADD = "diagnosis.add", "Added a diagnosis"
    DIAGNOSIS_REMOVE = "diagnosis.remove", "Removed a diagnosis"
    DISCLOSURE_CORRECT = "disclosure.correct", "Corrected a disclosure"
    DISCLOSURE_RECORD = "disclosure.record", "Recorded a disclosure"
    GATHERED_INFO_ADD = "gathered_info.add", "Added gathered information"

"""Rules the client record holds, shared by the model's clean(), the forms and the API.

Messages are module constants so tests assert on exactly what a user reads.
"""

from __future__ import annotations

import base64
import binascii
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from artchart.core.messages import UserMessage

DOB_IN_FUTURE = UserMessage("dob_in_future", "The date of birth cannot be in the future.")
DOB_TOO_OLD = UserMessage("dob_too_old", "Check the date of birth: that would make the client over 120.")
ICD10_MALFORMED = UserMessage(
    "icd10_malformed",
    "Enter an ICD-10 code such as F43.10 or F32.A: a letter, two characters, then an optional dot and up to four more.",
)
RELEASE_NEEDS_RECIPIENT = UserMessage("release_needs_recipient", "A release of information names who receives it.")
RELEASE_NEEDS_PURPOSE = UserMessage("release_needs_purpose", "A release of information states its purpose.")
RELEASE_NEEDS_WHAT = UserMessage("release_needs_what", "Say what information may be released.")
RELEASE_NEEDS_EXPIRY = UserMessage(
    "release_needs_expiry", "A release of information needs an expiry date or an expiry event."
)
RELEASE_NEEDS_REVOCATION_NOTICE = UserMessage(
    "release_needs_revocation_notice", "The client must be told of the right to revoke (HIPAA 164.508(c)(2))."
)
EXPIRY_BEFORE_SIGNING = UserMessage("expiry_before_signing", "The expiry date must come after the date signed.")
SIGNED_IN_FUTURE = UserMessage("signed_in_future", "The date signed cannot be in the future.")
TYPED_SIGNATURE_NEEDED = UserMessage("typed_signature_needed", "Type the signer's name as their signature.")
DRAWN_SIGNATURE_NEEDED = UserMessage("drawn_signature_needed", "Draw the signature in the box.")
DRAWN_SIGNATURE_INVALID = UserMessage(
    "drawn_signature_invalid", "The drawn signature could not be read; please draw it again."
)
GUARDIAN_NEEDED = UserMessage("guardian_needed", "Choose which guardian signed.")
GUARDIAN_NOT_GUARDIAN = UserMessage("guardian_not_guardian", "This contact is not recorded as a legal guardian.")
SCOPE_FOR_ARTWORK_ONLY = UserMessage(
    "scope_for_artwork_only", "Only an exhibit consent can say whether the client's name is shown."
)
REVOKE_BEFORE_SIGNED = UserMessage("revoke_before_signed", "A consent cannot be revoked before the date it was signed.")
REVOKED_ALREADY = UserMessage("revoked_already", "This consent was already revoked.")
REFUSED_CANNOT_REVOKE = UserMessage("refused_cannot_revoke", "A refused consent has nothing to revoke.")
DATE_IN_FUTURE = UserMessage("date_in_future", "This date cannot be in the future.")
SITE_UNKNOWN = UserMessage("site_unknown", "Choose one of your organization's active sites.")

# ICD-10-CM: letter, digit, alphanumeric; then optionally a dot and 1–4 more.
ICD10_PATTERN = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")

DRAWN_SIGNATURE_PREFIX = "data:image/png;base64,"
DRAWN_SIGNATURE_MAX_CHARS = 300_000  # ~220 kB of PNG: a signature pad, not a photo


def validate_icd10(value: str) -> None:
    if not ICD10_PATTERN.match(value or ""):
        raise ValidationError(ICD10_MALFORMED, code="icd10")


def validate_not_future(value) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(DATE_IN_FUTURE, code="future")


def validate_drawn_signature(value: str) -> None:
    if not value.startswith(DRAWN_SIGNATURE_PREFIX) or len(value) > DRAWN_SIGNATURE_MAX_CHARS:
        raise ValidationError(DRAWN_SIGNATURE_INVALID, code="signature")
    try:
        png = base64.b64decode(value[len(DRAWN_SIGNATURE_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(DRAWN_SIGNATURE_INVALID, code="signature") from None
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValidationError(DRAWN_SIGNATURE_INVALID, code="signature")

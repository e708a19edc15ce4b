"""The second factor's arithmetic: TOTP (RFC 6238), the encryption of its secret,
recovery codes, and who must use one. No database access: services.py stores.

TOTP itself is django-otp's (``django_otp.oath.TOTP``). Its ``TOTPDevice`` model
keeps the shared secret as plain hex in the database, so ArtChart keeps its own
small device model (``core.MfaDevice``) with the secret encrypted by Fernet
under ``ARTCHART_MFA_KEY``, a key that lives outside the database: someone with
a copy of the database alone cannot produce codes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from urllib.parse import quote

import segno
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django_otp.oath import TOTP

MFA_REQUIRED_ROLES = ("admin", "supervisor", "program_admin")
SECRET_BYTES = 20  # RFC 4226 recommends 160 bits
STEP_SECONDS = 30
# One step either side: phone clocks drift, and a code typed at :29 arrives at :31.
TOLERANCE_STEPS = 1
RECOVERY_CODE_COUNT = 10
# Ten characters from 32 unambiguous ones: 50 bits each, and every guess counts
# toward the sign-in lockout.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10

TOTP_PATTERN = re.compile(r"^\d{6}$")


def required_for(user) -> bool:
    """Whether this user must have a second factor to sign in.

    Django admin's operators too (staff or superuser, whatever their role): ``/django-admin/``
    reaches every table.
    """
    return user.role in MFA_REQUIRED_ROLES or user.is_staff or user.is_superuser or bool(settings.MFA_REQUIRED_FOR_ALL)


def username_key(username: str) -> str:
    """What the lockout counts failures under: a hash of the lower-cased username."""
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()


# --- the key outside the database -------------------------------------------------------


def _keys() -> list[bytes]:
    return [k.strip().encode() for k in settings.MFA_KEY.split(",") if k.strip()]


def _fernet() -> MultiFernet:
    # Any operator string becomes a Fernet key through SHA-256, so the key is made
    # the same way as the others (`secrets.token_urlsafe(48)`).
    return MultiFernet(
        [Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"artchart-mfa-secret:" + key).digest())) for key in _keys()]
    )


def encrypt_secret(secret: bytes) -> str:
    return _fernet().encrypt(secret).decode()


def decrypt_secret(token: str) -> bytes:
    """The raw secret; raises ``InvalidToken`` if no configured key opens it."""
    return _fernet().decrypt(token.encode())


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def secret_base32(secret: bytes) -> str:
    """The secret as an authenticator app's "enter a key" screen wants it, in groups of four."""
    text = base64.b32encode(secret).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otpauth_uri(secret: bytes, *, username: str) -> str:
    issuer = settings.MFA_ISSUER
    label = quote(f"{issuer}:{username}")
    key = base64.b32encode(secret).decode().rstrip("=")
    return f"otpauth://totp/{label}?secret={key}&issuer={quote(issuer)}&digits=6&period={STEP_SECONDS}"


def qr_data_uri(uri: str) -> str:
    """An SVG QR code as a data: URI for an <img>: made here, nothing fetched, no inline style."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


# --- codes -----------------------------------------------------------------------------------


def normalize(code: str) -> str:
    """What the user typed, without spaces or dashes and in lower case."""
    return re.sub(r"[\s-]", "", code or "").lower()


def is_totp_shaped(code: str) -> bool:
    return bool(TOTP_PATTERN.match(normalize(code)))


def totp_step(secret: bytes, code: str, *, now: float | None = None) -> int | None:
    """The time step a six-digit code belongs to (within the tolerance), or None.

    The caller compares it with the last step it accepted, so a code is used once.
    """
    code = normalize(code)
    if not TOTP_PATTERN.match(code):
        return None
    totp = TOTP(secret, step=STEP_SECONDS, digits=6)
    totp.time = time.time() if now is None else now
    for offset in range(-TOLERANCE_STEPS, TOLERANCE_STEPS + 1):
        totp.drift = offset
        if hmac.compare_digest(f"{totp.token():06d}", code):
            return totp.t()
    return None


def totp_now(secret: bytes, *, now: float | None = None) -> str:
    """The current code (for tests and the browser tests' sign-in helper)."""
    totp = TOTP(secret, step=STEP_SECONDS, digits=6)
    totp.time = time.time() if now is None else now
    return f"{totp.token():06d}"


def new_recovery_codes() -> list[str]:
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_code_hashes(code: str) -> list[str]:
    """The code's keyed hash under each configured key (the first is the one stored).

    Keyed with the MFA key, so the stored hashes of 50-bit codes cannot be searched
    from a copy of the database alone.
    """
    value = normalize(code).encode()
    return [hmac.new(b"artchart-recovery:" + key, value, hashlib.sha256).hexdigest() for key in _keys()]

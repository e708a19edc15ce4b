"""Where a sign-in comes from, for the lockout: the client's address, or a known device.

A known device is a browser that completed a sign-in with the second factor: it
carries a signed, httponly cookie naming the user and a random device id, good for
``KNOWN_DEVICE_DAYS``. For that user (and only while the account has two-step
sign-in) the device is its own source: failures are counted for the pair (account,
device), and the per-address limit does not apply to it. So someone hammering an
account from elsewhere, even from the same hospital network, never locks the user
out of the tablet they signed in on; the device still needs the password and the
second factor every time. A password change forgets every known device of the user.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef

from artchart.core.middleware import client_ip
from artchart.core.models import MfaDevice, User

SALT = "artchart.core.known-device"


@dataclass(frozen=True)
class SignInSource:
    """Where one attempt comes from: an address, or (bound to the account named) a known device."""

    address: str
    device: str = ""

    @property
    def key(self) -> str:
        """What the throttle counts under, and shows an admin: ``device:<id>`` or ``address:<ip>``."""
        return f"device:{self.device}" if self.device else f"address:{self.address}"


def cookie_name() -> str:
    # The server profile's cookies are __Host- prefixed (https only, this host only), like the session's.
    return "__Host-artchart-device" if settings.SERVER else "artchart-device"


def _device_id(request, user: User) -> str:
    """The id of the known device this request's cookie names for ``user``, or ""."""
    raw = request.COOKIES.get(cookie_name())
    if not raw:
        return ""
    try:
        data = signing.loads(raw, salt=SALT, max_age=settings.KNOWN_DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return ""
    if not isinstance(data, dict) or data.get("u") != user.pk or not isinstance(data.get("d"), str):
        return ""
    if data.get("p") != _password_mark(user):
        return ""  # the password changed since: a device known under the old one is not known now
    return data["d"]


def _password_mark(user: User) -> str:
    # Django's own HMAC of the password hash (what ends the user's sessions on a password change).
    return user.get_session_auth_hash()[:16]


def source_of(request, user: User) -> SignInSource:
    """The source of an attempt at ``user``: a known device only while the account has two-step sign-in."""
    address = client_ip(request) or "unknown"
    if not request.COOKIES.get(cookie_name()) or not MfaDevice.objects.filter(user=user).exists():
        return SignInSource(address=address)
    return SignInSource(address=address, device=_device_id(request, user))


def source_for_username(request, username: str) -> SignInSource:
    """As ``source_of``, for the username typed: one query with a device cookie, none without,
    whether or not the username names an account."""
    address = client_ip(request) or "unknown"
    if not request.COOKIES.get(cookie_name()):
        return SignInSource(address=address)
    user = (
        User.objects.filter(username__iexact=username.strip(), is_active=True)
        .annotate(has_device=Exists(MfaDevice.objects.filter(user=OuterRef("pk"))))
        .first()
    )
    if user is None or not user.has_device:
        return SignInSource(address=address)
    return SignInSource(address=address, device=_device_id(request, user))


def remember(request, response, user: User) -> None:
    """After a sign-in with the second factor: this browser is a known device of ``user`` (the same id if it was)."""
    device = _device_id(request, user) or secrets.token_urlsafe(12)
    response.set_cookie(
        cookie_name(),
        signing.dumps({"u": user.pk, "d": device, "p": _password_mark(user)}, salt=SALT),
        max_age=settings.KNOWN_DEVICE_DAYS * 86400,
        secure=settings.SERVER,
        httponly=True,
        samesite="Lax",
    )

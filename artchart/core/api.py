"""API: signing in for a token, and listing and revoking tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status
from pydantic import Field

from artchart.core import mfa, selectors, services
from artchart.core.forms import SIGN_IN_FAILED
from artchart.core.models import ApiToken

OTP_NEEDED = "This account uses two-step sign-in: send the code from the authenticator app (or a recovery code) as \"otp\"."
ENROL_FIRST = "This account must set up two-step sign-in first: sign in on the web once, then ask for a token."

auth_router = Router(tags=["auth"])
tokens_router = Router(tags=["tokens"])

# A row id as the API accepts it: within the database's 64-bit keys, so an
# absurd number is a 400 rather than an overflow inside the database driver.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Credentials(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=1024)
    name: str = Field("API sign-in", max_length=100, description="A label to tell your tokens apart")
    otp: str = Field("", max_length=64, description="For accounts with two-step sign-in: the current code, or a recovery code")


class IssuedToken(Schema):
    token: str
    expires_at: dt.datetime


class Message(Schema):
    message: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    username: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    live: bool

    @staticmethod
    def resolve_username(token: ApiToken) -> str:
        return token.user.username

    @staticmethod
    def resolve_live(token: ApiToken) -> bool:
        return token.is_live


@auth_router.post("token", auth=None, response={200: IssuedToken, 401: Message}, url_name="auth_token")
def token_create(request, credentials: Credentials):
    """Exchange a username and password (and, for accounts with two-step sign-in,
    ``otp``) for a bearer token (shown once).

    Failures count toward the same lockout as the web sign-in; a locked username,
    known or not, gets the same 401 without its password being checked.
    """
    username = credentials.username
    locked = {"message": services.SIGN_IN_LOCKED.format(minutes=settings.LOCKOUT_MINUTES)}
    if selectors.sign_in_locked_until(username):
        services.sign_in_refused_locked(username=username)
        return Status(401, locked)
    # authenticate() hashes for unknown usernames too, and the answer is the
    # same for a wrong password, an unknown user and an inactive account.
    user = authenticate(None, username=username, password=credentials.password)
    if user is None:
        services.sign_in_recorded(user=None, username=username, succeeded=False)
        return Status(401, locked if selectors.sign_in_locked_until(username) else {"message": SIGN_IN_FAILED})
    if selectors.has_mfa_device(user):
        if not credentials.otp:
            return Status(401, {"message": OTP_NEEDED})
        try:
            services.mfa_verify(user=user, code=credentials.otp, stage="api")
        except ValidationError as exc:
            return Status(401, locked if selectors.sign_in_locked_until(username) else {"message": exc.messages[0]})
    elif mfa.required_for(user):
        return Status(401, {"message": ENROL_FIRST})
    services.sign_in_throttle_clear(username=username)
    token, raw = services.token_issue(user=user, name=credentials.name)
    return Status(200, {"token": raw, "expires_at": token.expires_at})


@tokens_router.get("", response=list[TokenOut], url_name="tokens_list")
def tokens_list(request, everyone: bool = Query(False, alias="all", description="Admins: every token of the organization")):
    """Your own tokens; with ``?all=true`` an admin sees the organization's (anyone else gets 403)."""
    if everyone:
        return list(selectors.tokens_for_admin(request.user))
    return list(selectors.tokens_of(request.user))


@tokens_router.post("{token_id}/revoke", response=TokenOut, url_name="token_revoke")
def token_revoke(request, token_id: Id):
    """Revoke a token: your own, or as an admin any of your organization's (404 for anyone else)."""
    token = selectors.token_get_for_user(request.user, token_id)
    return services.token_revoke(by=request.user, token=token)

"""API: signing in for a token, and listing and revoking tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.contrib.auth import authenticate
from ninja import Query, Router, Schema, Status
from pydantic import Field

from artchart.core import selectors, services
from artchart.core.forms import SIGN_IN_FAILED
from artchart.core.models import ApiToken

auth_router = Router(tags=["auth"])
tokens_router = Router(tags=["tokens"])

# A row id as the API accepts it: within the database's 64-bit keys, so an
# absurd number is a 422 rather than an overflow inside the database driver.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Credentials(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=1024)
    name: str = Field("API sign-in", max_length=100, description="A label to tell your tokens apart")


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
    """Exchange a username and password for a bearer token (shown once)."""
    # authenticate() hashes for unknown usernames too, and the answer is the
    # same for a wrong password, an unknown user and an inactive account.
    user = authenticate(None, username=credentials.username, password=credentials.password)
    if user is None:
        services.sign_in_recorded(user=None, username=credentials.username, succeeded=False)
        return Status(401, {"message": SIGN_IN_FAILED})
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

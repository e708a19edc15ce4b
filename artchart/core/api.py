"""API: signing in for a token, listing and revoking tokens, and (admins) sign-in lockouts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, NamedTuple, get_type_hints

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status
from ninja.pagination import PaginationBase, paginate
from pydantic import AfterValidator, Field

from artchart.core import known_devices, mfa, selectors, services
from artchart.core.forms import SIGN_IN_FAILED
from artchart.core.messages import UserMessage
from artchart.core.models import ApiToken, SignInThrottle

OTP_NEEDED = UserMessage(
    "otp_needed",
    'This account uses two-step sign-in: send the code from the authenticator app (or a recovery code) as "otp".',
)
ENROL_FIRST = UserMessage(
    "enrol_first", "This account must set up two-step sign-in first: sign in on the web once, then ask for a token."
)

auth_router = Router(tags=["auth"])
tokens_router = Router(tags=["tokens"])
lockouts_router = Router(tags=["lockouts"])

# A row id as the API accepts it: within the database's 64-bit keys, so an
# absurd number is a 400 rather than an overflow inside the database driver.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

# --- the shapes every operation shares (docs/api.md) ---------------------------------------

# Dates a clinical record can hold: a birth in 1900 or a review in 2100 are
# possible, a session in the year 9999 is a typing mistake (and overflows
# date arithmetic further on).
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)
DATE_OUT_OF_RANGE = UserMessage("date_out_of_range", "Give a date between 1900-01-01 and 2100-12-31.")
NAIVE_DATETIME = UserMessage(
    "naive_datetime", "Give the time with its time zone, e.g. 2026-03-04T14:00:00-05:00 or 2026-03-04T19:00:00Z."
)
# A session, an artwork's time or a series' step is minutes to hours, never more than a day.
MAX_MINUTES = 24 * 60


def _within_range(value: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(DATE_OUT_OF_RANGE)
    return value


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(NAIVE_DATETIME)
    return value


# A day as the API accepts it.
Day = Annotated[dt.date, AfterValidator(_within_range)]
# A moment as the API accepts it: with its zone, since a bare "14:00" could be
# the organization's, the server's or the caller's (refused, not guessed).
Moment = Annotated[
    dt.datetime,
    AfterValidator(_aware),
    AfterValidator(_within_range),
    Field(description="With its time zone (Z or ±hh:mm)"),
]
Minutes = Annotated[int, Field(ge=1, le=MAX_MINUTES)]


class ApiError(Schema):
    """Every error the API returns: a stable code, a sentence for people, and the fields named."""

    code: str
    message: str
    errors: dict[str, list[str]]


ERROR_CODES = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "throttled",
    500: "server_error",
}


def error_body(
    status: int, message: str, errors: dict[str, list[str]] | None = None, *, code: str | None = None
) -> dict[str, Any]:
    """The one error shape. Its ``code`` is, first found: the one given (the code of the
    message a service refused with, or a status's published code), the message's own
    code when it is a ``UserMessage``, else the status's generic code."""
    if code is None and isinstance(message, UserMessage):
        code = message.code
    return {"code": code or ERROR_CODES.get(status, "error"), "message": message, "errors": errors or {}}


def error(status: int, message: str, errors: dict[str, list[str]] | None = None, *, code: str | None = None) -> Status:
    """An error answer from an operation, in the shape of every other error."""
    return Status(status, error_body(status, message, errors, code=code))


LIST_LIMIT = 25
MAX_LIST_LIMIT = 100
MAX_LIST_OFFSET = 1_000_000


class Listing(NamedTuple):
    """What a list operation may return instead of the rows alone: ``on_page``
    runs on the page's rows only (to note the clients shown, or to decorate them)."""

    items: Any
    on_page: Callable[[list], list]


class Envelope(PaginationBase):
    """The one envelope of every list: ``count``, ``next``, ``previous`` (links or
    null) and ``results``, read with ``limit`` (1–100, 25 by default) and ``offset``."""

    class Input(Schema):
        limit: int = Field(LIST_LIMIT, ge=1, le=MAX_LIST_LIMIT, description="Rows a page (at most 100)")
        offset: int = Field(0, ge=0, le=MAX_LIST_OFFSET, description="Rows to skip")

    class Output(Schema):
        count: int
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        on_page = None
        if isinstance(queryset, Listing):
            queryset, on_page = queryset
        limit, offset = pagination.limit, pagination.offset
        count = self._items_count(queryset)
        rows = list(queryset[offset : offset + limit])
        return {
            "count": count,
            "next": _page_link(request, limit, offset + limit) if offset + limit < count else None,
            "previous": _page_link(request, limit, max(offset - limit, 0)) if offset > 0 else None,
            "results": on_page(rows) if on_page else rows,
        }


def _page_link(request, limit: int, offset: int) -> str:
    params = request.GET.copy()
    params["limit"], params["offset"] = str(limit), str(offset)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def paginated(view):
    """Every list operation goes through this: declare ``response=list[ItemOut]``
    and return the rows (a queryset, a list or a Listing)."""
    # ninja reads the wrapped view's annotations in the wrapper's module: resolve
    # them here, in the view's own, since every api module postpones annotations.
    view.__annotations__ = get_type_hints(view, include_extras=True)
    return paginate(Envelope)(view)


class Credentials(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=1024)
    name: str = Field("API sign-in", max_length=100, description="A label to tell your tokens apart")
    otp: str = Field(
        "", max_length=64, description="For accounts with two-step sign-in: the current code, or a recovery code"
    )


class IssuedToken(Schema):
    token: str
    expires_at: dt.datetime


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


@auth_router.post("token", auth=None, response={200: IssuedToken, 401: ApiError}, url_name="auth_token")
def token_create(request, credentials: Credentials):
    """Exchange a username and password (and, for accounts with two-step sign-in,
    ``otp``) for a bearer token (shown once).

    Failures count toward the same lockout as the web sign-in; a locked username,
    known or not, gets the same 401 without its password being checked.
    """
    username = credentials.username
    # A refused sign-in was published as "unauthenticated" before its messages had codes.
    refused = ERROR_CODES[401]
    source = known_devices.source_for_username(request, username)
    if until := selectors.sign_in_locked_until(username, source):
        services.sign_in_refused_locked(username=username, source=source)
        return error(401, services.locked_message(until))
    # authenticate() hashes for unknown usernames too, and the answer is the
    # same for a wrong password, an unknown user and an inactive account.
    user = authenticate(None, username=username, password=credentials.password)
    if user is None:
        services.sign_in_recorded(user=None, username=username, succeeded=False, source=source)
        if until := selectors.sign_in_locked_until(username, source):
            return error(401, services.locked_message(until))
        return error(401, SIGN_IN_FAILED, code=refused)
    if selectors.has_mfa_device(user):
        if not credentials.otp:
            return error(401, OTP_NEEDED, code=refused)
        try:
            services.mfa_verify(user=user, code=credentials.otp, source=source, stage="api")
        except ValidationError as exc:
            if until := selectors.sign_in_locked_until(username, source):
                return error(401, services.locked_message(until))
            return error(401, exc.messages[0])
    elif mfa.required_for(user):
        return error(401, ENROL_FIRST, code=refused)
    services.sign_in_throttle_clear(username=username, source=source)
    token, raw = services.token_issue(user=user, name=credentials.name)
    return Status(200, {"token": raw, "expires_at": token.expires_at})


@tokens_router.get("", response=list[TokenOut], url_name="tokens_list")
@paginated
def tokens_list(
    request, everyone: bool = Query(False, alias="all", description="Admins: every token of the organization")
):
    """Your own tokens; with ``?all=true`` an admin sees the organization's (anyone else gets 403)."""
    if everyone:
        return selectors.tokens_for_admin(request.user)
    return selectors.tokens_of(request.user)


@tokens_router.post("{token_id}/revoke", response=TokenOut, url_name="token_revoke")
def token_revoke(request, token_id: Id):
    """Revoke a token: your own, or as an admin any of your organization's (404 for anyone else)."""
    token = selectors.token_get_for_user(request.user, token_id)
    return services.token_revoke(by=request.user, token=token)


# --- sign-in lockouts (admins) ---------------------------------------------------------------------


class LockoutOut(Schema):
    id: int
    scope: str = Field(description='"account": one username from one source; "address": one address, every username')
    username: str | None = Field(description="The account paused (null for an address)")
    address: str | None = Field(description="The address failures came from (null for a known device)")
    known_device: bool
    failures: int
    locked_until: dt.datetime | None

    @staticmethod
    def resolve_username(throttle: SignInThrottle) -> str | None:
        return throttle.user.username if throttle.user else None

    @staticmethod
    def resolve_address(throttle: SignInThrottle) -> str | None:
        return throttle.source_address or None

    @staticmethod
    def resolve_known_device(throttle: SignInThrottle) -> bool:
        return throttle.source.startswith("device:")


@lockouts_router.get("", response=list[LockoutOut], url_name="lockouts_list")
@paginated
def lockouts_list(request):
    """Admins: the sign-in pauses running now, of the organization's accounts and of addresses (404 for anyone else)."""
    return selectors.lockouts_for_admin(request.user)


@lockouts_router.delete("{throttle_id}", response={204: None}, url_name="lockout_clear")
def lockout_clear(request, throttle_id: Id):
    """Admins: clear a pause and forget its failures, audited (404 for anyone else, and for an id not theirs)."""
    throttle = selectors.lockout_get_for_admin(request.user, throttle_id)
    services.lockout_clear(by=request.user, throttle=throttle)
    return Status(204, None)

"""The organization's OpenID Connect provider: whether it is configured, its
endpoints (by discovery), and the periodic check that an account still exists there.

The provider is the one outbound connection sign-in makes, to the address the
operator configured; nothing else is fetched at run time (docs/architecture.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum

import requests
from django.conf import settings
from django.core.cache import cache

DISCOVERY_SECONDS = 3600  # providers rotate keys and endpoints rarely; an hour bounds a stale copy


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered nonsense."""


@dataclass(frozen=True)
class Endpoints:
    issuer: str
    authorization: str
    token: str
    userinfo: str
    jwks: str


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET)


def endpoints() -> Endpoints:
    """The provider's endpoints from ``ISSUER/.well-known/openid-configuration``, kept an hour."""
    issuer = settings.OIDC_ISSUER
    key = f"sso:discovery:{issuer}"
    found = cache.get(key)
    if found is None:
        try:
            response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            doc = response.json()
            found = Endpoints(
                issuer=doc["issuer"],
                authorization=doc["authorization_endpoint"],
                token=doc["token_endpoint"],
                userinfo=doc["userinfo_endpoint"],
                jwks=doc["jwks_uri"],
            )
        except (requests.RequestException, ValueError, KeyError) as exc:
            raise ProviderUnavailable(str(exc)) from exc
        # OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer we asked.
        if found.issuer.rstrip("/") != issuer:
            raise ProviderUnavailable(f"discovery names issuer {found.issuer!r}, not {issuer!r}")
        cache.set(key, found, DISCOVERY_SECONDS)
    return found


class Check(Enum):
    STILL_THERE = "still_there"
    REFUSED = "refused"  # the provider no longer accepts the account: end the session
    UNREACHABLE = "unreachable"  # the provider is down: keep the session, try again soon


def recheck(state: dict) -> tuple[Check, dict]:
    """Ask the provider whether the account behind a session still exists.

    First the userinfo endpoint with the access token. If that is refused (the
    account is gone, or the token simply expired), a refresh grant decides: the
    provider checks the account and the grant and answers ``invalid_grant`` if
    either is gone, or gives a new access token. Refreshing only when the access
    token no longer works keeps refresh grants, and so the race between two
    requests presenting one rotating refresh token, rare. Returns the outcome and
    the session state to keep.
    """
    try:
        ep = endpoints()
        response = requests.get(
            ep.userinfo,
            timeout=settings.OIDC_TIMEOUT,
            headers={"Authorization": f"Bearer {state.get('access_token', '')}"},
        )
        if response.status_code not in (401, 403):
            response.raise_for_status()
            if response.headers.get("content-type", "").startswith("application/json") and response.json().get(
                "sub"
            ) != state.get("subject"):
                return Check.REFUSED, state
        elif not state.get("refresh_token"):
            return Check.REFUSED, state
        else:
            response = requests.post(
                ep.token,
                timeout=settings.OIDC_TIMEOUT,
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": state["refresh_token"],
                    "client_id": settings.OIDC_RP_CLIENT_ID,
                    "client_secret": settings.OIDC_RP_CLIENT_SECRET,
                },
            )
            if response.status_code in (400, 401):  # invalid_grant: the account or its grant is gone
                return Check.REFUSED, state
            response.raise_for_status()
            tokens = response.json()
            state = {
                **state,
                "access_token": tokens["access_token"],
                "refresh_token": tokens.get("refresh_token", state["refresh_token"]),
            }
    except (requests.RequestException, ProviderUnavailable, ValueError, KeyError):
        return Check.UNREACHABLE, state
    return Check.STILL_THERE, {**state, "checked_at": time.time()}

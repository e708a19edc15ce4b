"""Bearer secrets (API tokens, calendar feeds, one-time measure links): only a hash is stored.

A SHA-256 without salt is enough here because each secret is 32 random bytes: there is
nothing to guess, and the hash lets the row be found by an indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def secret_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()

"""What the client's consents allow for their artwork.

The client's consents set defaults (photograph for the record, show in
supervision, teaching); exhibit, publication and research also need a grant on
the piece itself (:class:`~artchart.artworks.models.ArtworkGrant`). Every use is
checked at the moment of use, so a revoked consent takes the work out at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from artchart.artworks.models import PER_ARTWORK_SCOPES, Artwork
from artchart.clients.models import ARTWORK_SCOPES, Consent, ConsentKind
from artchart.core.messages import UserMessage

NO_RECORD_CONSENT = UserMessage(
    "no_record_consent",
    "{client} has no consent in force to photograph artwork for the record; record that consent in the chart first.",
)


def consent_in_force(client_id: int, scope: str) -> Consent | None:
    """The client's newest granted, unrevoked, unexpired consent of this kind, if any."""
    # The newest decision is the one that counts: a later refusal overrides an older yes.
    newest = Consent.objects.filter(client_id=client_id, kind=scope).order_by("-signed_on", "-pk").first()
    return newest if newest is not None and newest.in_force else None


def scopes_in_force(client_id: int) -> set[str]:
    """The artwork scopes the client's own consents grant today (newest decision per scope)."""
    newest: dict[str, Consent] = {}
    for consent in Consent.objects.filter(client_id=client_id, kind__in=ARTWORK_SCOPES).order_by("signed_on", "pk"):
        newest[consent.kind] = consent
    return {kind for kind, consent in newest.items() if consent.in_force}


@dataclass(frozen=True)
class Badge:
    scope: str
    label: str
    allowed: bool
    why: str


def badges(artwork: Artwork, client_scopes: set[str]) -> list[Badge]:
    """One badge per use of the artwork: allowed or not, and why."""
    granted = {g.scope for g in artwork.grants.all() if g.revoked_on is None and g.consent.in_force}
    result = []
    for scope in ARTWORK_SCOPES:
        label = ConsentKind(scope).label.removeprefix("Artwork: ")
        if scope not in client_scopes:
            result.append(Badge(scope, label, False, "no consent in force"))
        elif scope in PER_ARTWORK_SCOPES and scope not in granted:
            result.append(Badge(scope, label, False, "consent given; this piece not yet granted"))
        else:
            result.append(Badge(scope, label, True, "granted"))
    return result


def usable_for(artwork: Artwork, scope: str) -> bool:
    """May this piece be used this way now (showcases, decks and exports ask this at the moment of use)?"""
    if consent_in_force(artwork.client_id, scope) is None:
        return False
    if scope in PER_ARTWORK_SCOPES:
        return any(
            g.scope == scope and g.revoked_on is None and g.consent.in_force
            for g in artwork.grants.select_related("consent")
        )
    return True

"""Signed ratings of artworks, for ``artchart audit verify --records`` (see
``artchart.core.signed_records``)."""

from __future__ import annotations

from artchart.artworks.models import Rating
from artchart.artworks.services.ratings import rating_canonical
from artchart.core.signed_records import SignedKind

KINDS = [
    SignedKind(
        model=Rating,
        signed=lambda: Rating.objects.select_related("artwork").order_by("pk"),
        canonical=rating_canonical,
        client_id=lambda rating: rating.artwork.client_id,
    ),
]

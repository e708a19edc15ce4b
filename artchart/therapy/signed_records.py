"""Signed notes and their addenda, for ``artchart audit verify --records`` (see
``artchart.core.signed_records``). Notes come before addenda: an addendum's hash covers
its note's."""

from __future__ import annotations

from artchart.core.signed_records import SignedKind
from artchart.therapy.models import Addendum, Note, NoteStatus
from artchart.therapy.services.notes import addendum_canonical, content_canonical

KINDS = [
    SignedKind(
        model=Note,
        signed=lambda: (
            Note.objects.exclude(status=NoteStatus.DRAFT).prefetch_related("directives", "goal_progress").order_by("pk")
        ),
        canonical=content_canonical,
        client_id=lambda note: note.client_id,
    ),
    SignedKind(
        model=Addendum,
        signed=lambda: Addendum.objects.select_related("note").order_by("pk"),
        canonical=addendum_canonical,
        client_id=lambda addendum: addendum.note.client_id,
    ),
]

"""Signed records under the audit chain.

A signed note, addendum, plan, rating or safety plan has a keyed hash of its content
(``audit.content_digest``: HMAC-SHA256 with the audit key), and the event that signed it
records that hash in its detail (``content_hmac``). The event is in the hash chain, so
whoever edits a signed record in the database can neither make its content match the
recorded hash (no key) nor change the recorded hash (the chain breaks).
``artchart audit verify --records`` re-checks every signed record against the newest
event that recorded its hash; an event that records an empty hash unsigned it (a note
returned to its intern).

Each installed app with signed records has a ``signed_records`` module with ``KINDS``,
a list of :class:`SignedKind`; core does not import the apps.

Records signed before hashes were keyed carry an unkeyed SHA-256 and no event records
their hash. After every ``migrate`` :func:`seal_legacy` takes those whose content still
matches that old hash, stores their keyed hash and writes a ``record.seal`` event for
each; one that no longer matches is left as it is, for ``verify --records`` to name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.utils.module_loading import module_has_submodule

from artchart.core import audit
from artchart.core.audit_actions import CoreAction
from artchart.core.models import AuditEvent

# The key of an event's detail that records the signed content's keyed hash.
SIGNED_HASH = "content_hmac"


@dataclass(frozen=True)
class SignedKind:
    model: type[models.Model]
    # The rows that are signed now (drafts have nothing to check).
    signed: Callable[[], models.QuerySet[Any]]
    # The content a signature covers, as stable text (the same text the old unkeyed hash covered).
    canonical: Callable[[Any], str]
    # The client a record belongs to (for the seal event).
    client_id: Callable[[Any], int]
    # The row's own copy of its hash, or "" for a kind that keeps none (safety plans).
    stored_field: str = "content_hash"

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def stored(self, obj: Any) -> str:
        return getattr(obj, self.stored_field) if self.stored_field else ""


@dataclass(frozen=True)
class RecordProblem:
    label: str
    pk: str
    what: str

    def __str__(self) -> str:
        return f"{self.label} {self.pk}: {self.what}"


def signed_detail(digest: str, **detail: Any) -> dict[str, Any]:
    """A sign event's detail: what the caller records plus the keyed hash of what was signed."""
    return {**detail, SIGNED_HASH: digest}


def legacy_digest(canonical: str) -> str:
    """The unkeyed SHA-256 records carried before their hashes were keyed."""
    return hashlib.sha256(canonical.encode()).hexdigest()


def kinds() -> Iterator[SignedKind]:
    for config in apps.get_app_configs():
        if config.name != __name__.rsplit(".", 1)[0] and module_has_submodule(config.module, "signed_records"):
            yield from import_module(f"{config.name}.signed_records").KINDS


def _recorded(kind: SignedKind) -> dict[str, tuple[int, str, str]]:
    """Per record id, the newest event that recorded its hash: (number, action, hash)."""
    latest: dict[str, tuple[int, str, str]] = {}
    events = (
        AuditEvent.objects.filter(object_type=kind.label, detail__has_key=SIGNED_HASH)
        .order_by("seq")
        .values_list("object_id", "seq", "action", "detail")
    )
    for object_id, seq, action, detail in events.iterator(chunk_size=2000):
        latest[object_id] = (seq, action, str(detail.get(SIGNED_HASH) or ""))
    return latest


def verify_records() -> tuple[int, list[RecordProblem]]:
    """Re-check every signed record against the event that recorded its hash.

    Returns how many records were checked and what is wrong, one problem per record:
    content that differs from what was signed, a stored hash that was changed, a signed
    record no event vouches for, or one an event signed that is gone or no longer signed.
    """
    checked, problems = 0, []
    for kind in kinds():
        recorded = _recorded(kind)
        for obj in kind.signed().iterator(chunk_size=500):
            checked += 1
            problem = _check(kind, obj, recorded.pop(str(obj.pk), None))
            if problem:
                problems.append(RecordProblem(kind.label, str(obj.pk), problem))
        for object_id, (seq, action, digest) in recorded.items():
            if not digest:
                continue
            checked += 1
            present = kind.model._default_manager.filter(pk=object_id).exists()
            problems.append(
                RecordProblem(
                    kind.label,
                    object_id,
                    f"event #{seq} ({action}) recorded it signed, but it is "
                    + ("no longer signed" if present else "no longer in the database"),
                )
            )
    return checked, problems


def _check(kind: SignedKind, obj: Any, recorded: tuple[int, str, str] | None) -> str:
    canonical = kind.canonical(obj)
    stored = kind.stored(obj)
    if recorded is None or not recorded[2]:
        if stored and stored == legacy_digest(canonical):
            return "signed before hashes were keyed and not yet sealed under the chain (run artchart migrate)"
        return "signed, but no audit event records its hash (it was signed or changed outside ArtChart)"
    seq, action, digest = recorded
    current = audit.content_digest(canonical)
    if current != digest:
        return f"its content differs from what event #{seq} ({action}) recorded when it was signed"
    if kind.stored_field and stored != current:
        return f"its stored hash was changed (its content still matches event #{seq} ({action}))"
    return ""


def seal_legacy() -> int:
    """Bring records signed before keyed hashes under the chain; returns how many were sealed.

    Only a record whose content still matches its old unkeyed hash is sealed (a safety
    plan, which kept no hash, is sealed as it stands). All are found first and then sealed
    in the apps' order, so an addendum is checked against its note's old hash and sealed
    with its note's new one.
    """
    tables = set(connection.introspection.table_names())
    todo: list[tuple[SignedKind, Any]] = []
    for kind in kinds():
        if kind.model._meta.db_table not in tables or AuditEvent._meta.db_table not in tables:
            continue
        recorded = _recorded(kind)
        for obj in kind.signed().iterator(chunk_size=500):
            if str(obj.pk) in recorded:
                continue
            if not kind.stored_field or kind.stored(obj) == legacy_digest(kind.canonical(obj)):
                todo.append((kind, obj.pk))
    with transaction.atomic():
        for kind, pk in todo:
            obj = kind.signed().get(pk=pk)  # afresh: what it depends on may be sealed already
            digest = audit.content_digest(kind.canonical(obj))
            if kind.stored_field:
                kind.model._default_manager.filter(pk=pk).update(**{kind.stored_field: digest})
            audit.record(
                actor=None,
                action=CoreAction.RECORD_SEAL,
                obj=obj,
                client_ids=[kind.client_id(obj)],
                detail=signed_detail(digest),
            )
    return len(todo)


def seal_after_migrate(*, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: records signed before keyed hashes come under the chain at the first
    ``migrate`` after the upgrade (and nothing is left to do at every one after)."""
    if using == "default":
        seal_legacy()

"""The audit log: append-only, hash-chained, keyed.

Each event takes the next number from :class:`AuditCounter` (locked by the
writer for the length of its transaction) and stores
``HMAC-SHA256(key, canonical JSON of the event, including the predecessor's hash)``.
The key (``ARTCHART_AUDIT_KEY``) lives outside the database, so someone who can
rewrite rows cannot recompute the chain. A checkpoint of the head is kept in
file storage, outside the chain, so that cutting the tail (and winding the
counter back) is found too.

Events carry ids and actions, never clinical text: ``detail`` holds field names,
counts and flags only.
"""

from __future__ import annotations

import contextvars
import csv
import functools
import hashlib
import hmac
import io
import json
import logging
import logging.handlers
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from artchart.core.models import AuditCounter, AuditEvent

GENESIS_HASH = "0" * 64


class AuditAction(models.TextChoices):
    """The base of each app's audit actions, declared in ``<app>/audit_actions.py``.

    A member's value is the code stored on the event (existing rows and the
    chain's hashes depend on it, so a code is never changed); its label says
    what happened in the words a clinician would use.
    """


@functools.cache
def _actions_by_code() -> dict[str, AuditAction]:
    # The members are code, not records, so holding them for the process is safe.
    autodiscover_modules("audit_actions")
    return {member.value: member for kind in audit_action_kinds() for member in kind}


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every action for a filter's select, grouped by what it concerns: each group opens with
    "Anything about <it>" (its code prefix, ending in a dot) and lists its actions by label."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, member in sorted(_actions_by_code().items(), key=lambda item: item[1].label):
        groups.setdefault(code.split(".", 1)[0], []).append((code, member.label))
    return [
        (_concerns(prefix), [(f"{prefix}.", f"Anything about {_concerns(prefix).lower()}"), *actions])
        for prefix, actions in sorted(groups.items(), key=lambda item: _concerns(item[0]))
    ]


def _concerns(prefix: str) -> str:
    return prefix.replace("_", " ").capitalize()


def audit_action_kinds() -> list[type[AuditAction]]:
    """Every app's AuditAction enum (after the apps' ``audit_actions`` modules are imported)."""
    kinds, todo = [], list(AuditAction.__subclasses__())
    while todo:
        kind = todo.pop()
        kinds.append(kind)
        todo.extend(kind.__subclasses__())
    return kinds


def action_label(code: str) -> str:
    """What a stored code means; a code no app declares any more shows as itself."""
    member = _actions_by_code().get(code)
    return member.label if member is not None else code


CHECKPOINT_DIR = "audit/checkpoints"


# --- request context --------------------------------------------------------------


@dataclass
class RequestContext:
    ip: str | None = None
    shown_client_ids: set[int] = field(default_factory=set)
    url_name: str = ""


_request_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "artchart_audit_request", default=None
)


def begin_request(*, ip: str | None) -> contextvars.Token:
    return _request_context.set(RequestContext(ip=ip))


def end_request(token: contextvars.Token) -> RequestContext | None:
    context = _request_context.get()
    _request_context.reset(token)
    return context


def note_shown(client_ids: Iterable[int]) -> None:
    """Remember client ids a response shows; the request's one read event lists them."""
    context = _request_context.get()
    if context is not None:
        context.shown_client_ids.update(int(i) for i in client_ids)


def read_recorded(client_ids: Iterable[int]) -> None:
    """This response recorded its own, more specific read event for these clients (an
    artwork image view, say): leave them out of the request's generic read event."""
    context = _request_context.get()
    if context is not None:
        context.shown_client_ids.difference_update(int(i) for i in client_ids)


def current_ip() -> str | None:
    context = _request_context.get()
    return context.ip if context else None


# --- writing ----------------------------------------------------------------------


def _format_client_ids(client_ids: Iterable[int]) -> str:
    ids = sorted({int(i) for i in client_ids})
    return f",{','.join(map(str, ids))}," if ids else ""


def canonical(event: AuditEvent) -> bytes:
    """The bytes the HMAC covers: every field but the hash, in a fixed order."""
    payload = {
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "client_ids": event.client_ids,
        "detail": event.detail,
        "flagged": event.flagged,
        "ip": event.ip,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def compute_hash(event: AuditEvent) -> str:
    return hmac.new(settings.AUDIT_KEY.encode(), canonical(event), hashlib.sha256).hexdigest()


def record(
    *,
    actor,
    action: AuditAction,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    client_ids: Iterable[int] = (),
    detail: dict | None = None,
    flagged: bool = False,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the change it records.

    If this write fails the surrounding transaction fails with it, so no change
    is ever committed without its event.
    """
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit.record takes a member of an app's AuditAction enum, not {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    # No savepoint of its own: if the event cannot be written, the caller's whole
    # change must fail with it, so a partial rollback here would only cost time.
    with transaction.atomic(savepoint=False):
        counter, _ = AuditCounter.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=counter.last_seq + 1,
            # Whole microseconds, as isoformat keeps them, so the hash recomputes
            # exactly from what the database returns.
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            action=action.value,
            object_type=object_type,
            object_id=str(object_id) if object_id != "" else "",
            client_ids=_format_client_ids(client_ids),
            detail=detail or {},
            flagged=flagged,
            ip=current_ip(),
            prev_hash=counter.last_hash,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        counter.last_seq = event.seq
        counter.last_hash = event.hash
        counter.save(update_fields=["last_seq", "last_hash"])
    if settings.AUDIT_CHECKPOINT_EVERY and event.seq % settings.AUDIT_CHECKPOINT_EVERY == 0:
        transaction.on_commit(lambda: write_checkpoint(seq=event.seq, hash=event.hash))
    if settings.AUDIT_SYSLOG:
        transaction.on_commit(lambda: forward(event))
    return event


# --- escaping, export and forwarding ------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


def escape_for_log(value) -> str:
    """A value safe on one log line: control characters (CR, LF …) and backslashes escaped.

    Audit values are ids and codes, but a username or an action could carry a
    newline meant to forge a second log line; escaping makes that impossible.
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


def log_line(event: AuditEvent) -> str:
    fields = {
        "seq": event.seq,
        "at": event.at.isoformat(timespec="seconds"),
        "actor": event.actor_id or "-",
        "action": event.action,
        "object": f"{event.object_type}:{event.object_id}" if event.object_type else "-",
        "clients": ",".join(map(str, event.client_id_list)) or "-",
        "flagged": int(event.flagged),
        "ip": event.ip or "-",
        "hash": event.hash[:16],
    }
    return "artchart-audit: " + " ".join(f"{k}={escape_for_log(v)}" for k, v in fields.items())


def forward(event: AuditEvent) -> None:
    """Send one event to the operator's syslog collector (after its commit).

    A collector that is down must not stop clinical work: the event is already
    committed in the chain, so a failed send is logged locally and skipped.
    """
    try:
        _syslog_logger().info(log_line(event))
    except OSError:
        logging.getLogger("artchart.audit").exception("Could not forward audit event %s to syslog", event.seq)


_SYSLOG_HANDLERS: dict[str, logging.Logger] = {}


def _syslog_logger() -> logging.Logger:
    # One socket per process and address (a connection, not a cache of records).
    address = settings.AUDIT_SYSLOG
    if address not in _SYSLOG_HANDLERS:
        scheme, _, rest = address.partition("://")
        host, _, port = rest.rpartition(":")
        handler = logging.handlers.SysLogHandler(
            address=(host, int(port)),
            facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV,
            socktype=socket.SOCK_STREAM if scheme == "tcp" else socket.SOCK_DGRAM,
        )
        if scheme == "tcp":
            handler.append_nul = False
            handler.setFormatter(logging.Formatter("%(message)s\n"))
        logger = logging.getLogger(f"artchart.audit.syslog.{address}")
        logger.propagate = False
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        _SYSLOG_HANDLERS[address] = logger
    return _SYSLOG_HANDLERS[address]


CSV_HEADER = [
    "seq",
    "at",
    "actor_id",
    "actor",
    "action",
    "object_type",
    "object_id",
    "client_ids",
    "flagged",
    "ip",
    "hash",
]


def csv_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = escape_for_log(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_rows(events):
    """Yield the events as CSV text, a row at a time (for a streaming response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_HEADER)
    yield flush()
    for event in events.iterator(chunk_size=2000):
        actor = event.actor.username if event.actor_id else ""
        writer.writerow(
            [
                csv_cell(v)
                for v in (
                    event.seq,
                    event.at.isoformat(),
                    event.actor_id or "",
                    actor,
                    event.action,
                    event.object_type,
                    event.object_id,
                    ",".join(map(str, event.client_id_list)),
                    int(event.flagged),
                    event.ip or "",
                    event.hash,
                )
            ]
        )
        yield flush()


# --- checkpoint outside the chain -----------------------------------------------


def _checkpoint_mac(seq: int, head: str) -> str:
    return hmac.new(settings.AUDIT_KEY.encode(), f"checkpoint:{seq}:{head}".encode(), hashlib.sha256).hexdigest()


def write_checkpoint(*, seq: int, hash: str) -> None:
    """Store the head (number and hash) in file storage, one write-once file per checkpoint.

    Never overwriting a file means no reader can see half of one and no crash
    can leave none; the newest (highest number) is the one that counts.
    """
    name = f"{CHECKPOINT_DIR}/{seq:012d}.json"
    if default_storage.exists(name):
        return
    body = json.dumps({"seq": seq, "hash": hash, "mac": _checkpoint_mac(seq, hash)}).encode()
    default_storage.save(name, ContentFile(body))
    _prune_checkpoints()


def _checkpoint_names() -> list[str]:
    if not default_storage.exists(CHECKPOINT_DIR):
        return []
    _, files = default_storage.listdir(CHECKPOINT_DIR)
    return sorted(f for f in files if f.endswith(".json") and f[:-5].isdigit())


def _prune_checkpoints(keep: int = 10) -> None:
    for old in _checkpoint_names()[:-keep]:
        default_storage.delete(f"{CHECKPOINT_DIR}/{old}")


def read_checkpoint() -> tuple[int, str] | None:
    names = _checkpoint_names()
    if not names:
        return None
    with default_storage.open(f"{CHECKPOINT_DIR}/{names[-1]}") as fh:
        data = json.loads(fh.read())
    if not hmac.compare_digest(data.get("mac", ""), _checkpoint_mac(data["seq"], data["hash"])):
        raise ValueError("The audit checkpoint file has been altered (its MAC does not match).")
    return int(data["seq"]), data["hash"]


# --- verifying ----------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    head_seq: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify(*, batch_size: int = 2000) -> VerifyResult:
    """Walk the chain from the first event; report the first event that does not hold."""
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    last_seen = 0
    queryset = AuditEvent.objects.order_by("seq")
    while True:
        batch = list(queryset.filter(seq__gt=last_seen)[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.seq != expected_seq:
                return VerifyResult(
                    False,
                    count,
                    prev_seq(expected_seq),
                    expected_seq,
                    f"event {expected_seq} is missing (next present is {event.seq})",
                )
            if event.prev_hash != prev_hash:
                return VerifyResult(
                    False,
                    count,
                    event.seq - 1,
                    event.seq,
                    f"event {event.seq} does not follow event {event.seq - 1} (chain broken or reordered)",
                )
            if not hmac.compare_digest(event.hash, compute_hash(event)):
                return VerifyResult(
                    False,
                    count,
                    event.seq - 1,
                    event.seq,
                    f"event {event.seq} was altered (its hash does not match its content)",
                )
            prev_hash, expected_seq, count = event.hash, expected_seq + 1, count + 1
            last_seen = event.seq
    head_seq = expected_seq - 1
    counter = AuditCounter.objects.filter(id=1).first()
    if counter and (counter.last_seq != head_seq or counter.last_hash != prev_hash):
        return VerifyResult(
            False,
            count,
            head_seq,
            head_seq + 1,
            f"the chain ends at event {head_seq} but the counter says {counter.last_seq}: events after it were removed",
        )
    checkpoint = read_checkpoint()
    if checkpoint:
        cp_seq, cp_hash = checkpoint
        if cp_seq > head_seq:
            return VerifyResult(
                False,
                count,
                head_seq,
                head_seq + 1,
                f"the checkpoint records event {cp_seq} but the chain ends at {head_seq}: the tail was truncated",
            )
        at_checkpoint = AuditEvent.objects.filter(seq=cp_seq).values_list("hash", flat=True).first()
        if at_checkpoint != cp_hash:
            return VerifyResult(
                False, count, head_seq, cp_seq, f"event {cp_seq} differs from the checkpoint taken of it"
            )
    return VerifyResult(True, count, head_seq)


def prev_seq(seq: int) -> int:
    return max(seq - 1, 0)

"""The audit log: append-only, hash-chained, keyed.

Each event takes the next number from :class:`AuditCounter` (locked by the
writer for the length of its transaction) and stores
``HMAC-SHA256(key, canonical JSON of the event, including the predecessor's hash)``.
The key (``ARTCHART_AUDIT_KEY``) lives outside the database, so someone who can
rewrite rows cannot recompute the chain. After every commit that wrote events
the head (number and hash) is appended to a witness outside the database (an
append-only file or syslog, ``ARTCHART_AUDIT_WITNESS``), so that cutting the
tail (and winding the counter back) is found too.

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
import os
import re
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
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
    _witness_after_commit()
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


# --- the witness outside the database ----------------------------------------------

WITNESS_MARK = "artchart-witness"
_WITNESS_LINE = re.compile(
    rf"{WITNESS_MARK} seq=(?P<seq>\d+) hash=(?P<hash>[0-9a-f]{{64}}) at=(?P<at>\S+) mac=(?P<mac>[0-9a-f]{{64}})$"
)


class WitnessAltered(ValueError):
    """A witness line does not hold (its MAC fails), or two lines disagree about one event."""


def content_digest(canonical: str) -> str:
    """The keyed hash of a signed record's canonical content (HMAC-SHA256 with the audit key).

    Without the key nobody can compute the hash of edited content, so a record changed in
    the database cannot be made to match the hash its sign event recorded.
    """
    return hmac.new(settings.AUDIT_KEY.encode(), b"record:" + canonical.encode(), hashlib.sha256).hexdigest()


def _witness_mac(seq: int, head: str, at: str) -> str:
    return hmac.new(settings.AUDIT_KEY.encode(), f"witness:{seq}:{head}:{at}".encode(), hashlib.sha256).hexdigest()


def witness_line(seq: int, head: str) -> str:
    """One self-checking line: the head and when it was seen, with a MAC under the audit key."""
    at = timezone.now().isoformat(timespec="seconds").replace("+00:00", "Z")
    return f"{WITNESS_MARK} seq={seq} hash={head} at={at} mac={_witness_mac(seq, head, at)}"


def witness_file() -> Path | None:
    """The witness file, or None when the witness is syslog (the collector keeps it)."""
    return None if settings.AUDIT_WITNESS == "syslog" else Path(settings.AUDIT_WITNESS)


def append_line(path: Path, line: str) -> None:
    """Append one line with O_APPEND and fsync it.

    The line is one ``write`` of under 4 KiB (PIPE_BUF) to a file opened with O_APPEND, so
    two processes appending at once never interleave or overwrite each other's lines.
    """
    data = (line + "\n").encode()
    if len(data) > 4096:
        raise ValueError("A witness line must stay under PIPE_BUF to be appended whole.")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def witness(seq: int, head: str) -> None:
    """Append the head to the witness the operator chose.

    A witness that cannot be written must not stop clinical work (the events are committed
    and the chain holds them): the failure is logged, and the next commit tries again.
    """
    line = witness_line(seq, head)
    path = witness_file()
    try:
        if path is None:
            _syslog_logger().info(line)
        else:
            append_line(path, line)
    except OSError:
        logging.getLogger("artchart.audit").exception("Could not witness audit head %s", seq)


def witness_head() -> None:
    """Witness the committed head (run after a commit that wrote events).

    It reads the counter after the commit, so what it witnesses is committed: never an event
    of a transaction (or savepoint) that rolled back. Another commit may have moved the head
    on meanwhile; witnessing that later head covers this one too.
    """
    head = AuditCounter.objects.filter(id=1).values_list("last_seq", "last_hash").first()
    if head and head[0]:
        witness(head[0], head[1])


def _witness_after_commit() -> None:
    # Once per transaction, however many events it writes: look for our callback among
    # those already waiting for this commit (a savepoint rolled back takes its own away).
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(func is witness_head for _, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(witness_head)


def witness_heads(path: Path) -> Iterator[tuple[int, str]]:
    """Every head the witness holds (number, hash), in the file's order, each line's MAC checked
    (:class:`WitnessAltered` at the first that fails). Read line by line, so a witness of years
    costs no memory.

    Lines without the mark are skipped, so a syslog collector's file can be read as it is.
    """
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace") as fh:
        for number, text in enumerate(fh, start=1):
            at = text.find(WITNESS_MARK)
            if at < 0:
                continue
            match = _WITNESS_LINE.match(text[at:].rstrip("\n"))
            if match is None or not hmac.compare_digest(
                match["mac"], _witness_mac(int(match["seq"]), match["hash"], match["at"])
            ):
                raise WitnessAltered(f"line {number} of the witness {path} has been altered (its MAC does not match)")
            yield int(match["seq"]), match["hash"]


def _compare_with_witness(path: Path, *, batch_size: int) -> tuple[int, int | None]:
    """The highest head the witness holds, and the lowest witnessed event whose hash the chain
    does not share (None if every witnessed event still in the chain matches)."""
    highest, differs = 0, None

    def check(heads: list[tuple[int, str]]) -> None:
        nonlocal differs
        chain = dict(AuditEvent.objects.filter(seq__in={seq for seq, _ in heads}).values_list("seq", "hash"))
        for seq, head in heads:
            if seq in chain and not hmac.compare_digest(chain[seq], head):
                differs = seq if differs is None else min(differs, seq)

    batch: list[tuple[int, str]] = []
    for seq, head in witness_heads(path):
        highest = max(highest, seq)
        batch.append((seq, head))
        if len(batch) >= batch_size:
            check(batch)
            batch = []
    if batch:
        check(batch)
    return highest, differs


# --- verifying ----------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    head_seq: int
    first_bad_seq: int | None = None
    problem: str = ""
    witnessed_seq: int = 0  # the highest head the witness holds (0: none)


def verify(*, batch_size: int = 2000, witness_path: Path | None = None) -> VerifyResult:
    """Walk the chain from the first event; report the first event that does not hold.

    Then the chain is compared with the witness (``witness_path``, by default the configured
    witness file), read a batch of lines at a time: every witnessed head must be in the chain
    with the same hash, and the chain must reach the highest one. Raises :class:`WitnessAltered` if the witness itself
    does not hold.
    """
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
    path = witness_path or witness_file()
    highest, differs = _compare_with_witness(path, batch_size=batch_size) if path is not None else (0, None)
    if differs is not None:
        return VerifyResult(
            False,
            count,
            differs - 1,
            differs,
            f"event {differs} differs from the witness taken of it (the chain was rebuilt from here)",
            highest,
        )
    if highest > head_seq:
        return VerifyResult(
            False,
            count,
            head_seq,
            head_seq + 1,
            f"event {head_seq + 1} is missing: the witness saw the chain reach event {highest} "
            f"but it ends at {head_seq} (events {head_seq + 1} to {highest} were removed)",
            highest,
        )
    return VerifyResult(True, count, head_seq, witnessed_seq=highest)


def prev_seq(seq: int) -> int:
    return max(seq - 1, 0)

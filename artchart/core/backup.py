"""Backups of a whole instance (database and stored files) that can be verified and restored.

One file holds everything needed to bring a practice back, and nothing that
would let its holder forge history: the audit key, the secret key and the MFA
key are never in it (they live outside the database and outside file storage,
and any stored file that holds one of them is left out).

The file::

    header   b"ARTCHART-BACKUP\\n" | format version (1 byte) | mode (1 byte: 0 plain, 1 encrypted)
             encrypted only: salt (16) | scrypt log2 N, r, p (3) | nonce prefix (7) | key check (16)
    body     a tar stream (``w|``), in encrypted mode cut into 1 MiB chunks, each sealed with
             AES-256-GCM: nonce = prefix | chunk number (4, big-endian) | 1 if last else 0,
             associated data = the header.

The key is scrypt(passphrase, salt): 32 bytes for AES-GCM and 32 for a key
check, so a wrong passphrase is told apart from a damaged file. Numbering the
chunks and marking the last one in the nonce means a chunk cannot be moved,
dropped or the file cut short without the next decryption failing; the header
being authenticated means its parameters cannot be changed either. Memory use
is one chunk whatever the size of the backup.

The tar holds, in this order: the audit witness file (unless the witness is
syslog), copied *before* the database snapshot so it never claims a head the
snapshot lacks; the database (SQLite's online backup
API, or ``pg_dump`` in the custom format inside a REPEATABLE READ snapshot);
every other stored file; and last ``manifest.json`` with the digests of all of
them, the migrations applied and the row count of every table at the snapshot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from artchart.core import audit

FORMAT_VERSION = 1
MAGIC = b"ARTCHART-BACKUP\n"
PLAIN, ENCRYPTED = 0, 1
CHUNK = 1 << 20
TAG = 16
SALT_BYTES = 16
PREFIX_BYTES = 7
CHECK_BYTES = 16
# scrypt at N=2**17, r=8, p=1: 128 MiB and about half a second to derive, once per backup.
SCRYPT_LOG2N, SCRYPT_R, SCRYPT_P = 17, 8, 1
MAX_SCRYPT_LOG2N = 20  # a crafted header cannot make verify allocate more than 1 GiB
MIN_PASSPHRASE = 12
PASSPHRASE_ENV = "ARTCHART_BACKUP_PASSPHRASE"  # noqa: S105 - the name of a variable
KEY_FILE_ENV = "ARTCHART_BACKUP_KEY_FILE"

MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DB_MEMBER = {"sqlite": "database/db.sqlite3", "postgresql": "database/db.pgdump"}
WITNESS_MEMBER = "witness/audit-witness"
SPOOL_BYTES = 8 * 1024 * 1024
SMALL_FILE = 4096  # stored files at most this size are checked for a key inside them

# Rows migrations write into an empty database: an instance holding only these is empty.
SEEDED_BY_MIGRATIONS = {"contenttypes.contenttype", "auth.permission", "artworks.assessmenttype"}


class BackupError(Exception):
    """A backup, verify or restore that cannot go on; the message is one line for the operator."""


# --- the key --------------------------------------------------------------------------------


def passphrase_from(*, key_file: str | None = None) -> str:
    """The operator's passphrase: ``--key-file``, else ARTCHART_BACKUP_PASSPHRASE, else ARTCHART_BACKUP_KEY_FILE."""
    if key_file:
        source, text = key_file, _read_key_file(key_file)
    elif os.environ.get(PASSPHRASE_ENV):
        source, text = PASSPHRASE_ENV, os.environ[PASSPHRASE_ENV]
    elif os.environ.get(KEY_FILE_ENV) or getattr(settings, "BACKUP_KEY_FILE", ""):
        path = os.environ.get(KEY_FILE_ENV) or settings.BACKUP_KEY_FILE
        source, text = path, _read_key_file(path)
    else:
        raise BackupError(
            f"No backup key: give --key-file, or set {PASSPHRASE_ENV} or {KEY_FILE_ENV} "
            "(or make an unencrypted backup with --unencrypted)."
        )
    passphrase = text.strip()
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"The backup key from {source} is shorter than {MIN_PASSPHRASE} characters.")
    if passphrase in _instance_keys():
        raise BackupError("The backup key must not be one of ArtChart's own keys (audit, secret or MFA key).")
    return passphrase


def _read_key_file(path: str) -> str:
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as exc:
        raise BackupError(f"Cannot read the backup key file {path}: {exc.strerror}.") from None
    return lines[0] if lines else ""


def _instance_keys() -> set[str]:
    keys = {settings.SECRET_KEY, settings.AUDIT_KEY}
    keys.update(k.strip() for k in getattr(settings, "MFA_KEY", "").split(","))
    return {k for k in keys if k}


def _derive(passphrase: str, salt: bytes, log2n: int, r: int, p: int) -> tuple[bytes, bytes]:
    material = Scrypt(salt=salt, length=64, n=2**log2n, r=r, p=p).derive(passphrase.encode())
    check = hmac.new(material[32:], b"artchart backup key check", hashlib.sha256).digest()[:CHECK_BYTES]
    return material[:32], check


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    if number >= 2**32:
        raise BackupError("The backup is too large for one file (more than 4 PiB).")
    return prefix + number.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


# --- the stream ------------------------------------------------------------------------------


class _EncryptingWriter:
    """A write-only stream sealing what it is given in chunks; ``finish`` seals the last one."""

    def __init__(self, out: IO[bytes], passphrase: str):
        salt, prefix = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(PREFIX_BYTES)
        key, check = _derive(passphrase, salt, SCRYPT_LOG2N, SCRYPT_R, SCRYPT_P)
        self.header = (
            MAGIC
            + bytes([FORMAT_VERSION, ENCRYPTED])
            + salt
            + bytes([SCRYPT_LOG2N, SCRYPT_R, SCRYPT_P])
            + prefix
            + check
        )
        out.write(self.header)
        self._out, self._aead, self._prefix = out, AESGCM(key), prefix
        self._buffer = bytearray()
        self._number = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        # Strictly more than a chunk: the last chunk is always sealed by finish(), marked last.
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        self._out.write(self._aead.encrypt(_nonce(self._prefix, self._number, last), plain, self.header))
        self._number += 1

    def finish(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()


class _PlainWriter:
    def __init__(self, out: IO[bytes]):
        out.write(MAGIC + bytes([FORMAT_VERSION, PLAIN]))
        self._out = out

    def write(self, data: bytes) -> int:
        return self._out.write(data)

    def finish(self) -> None:
        return None


class _DecryptingReader:
    """A read-only stream of the plaintext; reading past a chunk that fails authentication raises."""

    def __init__(self, source: IO[bytes], header_start: bytes, passphrase: str, name: str):
        rest = _read_exactly(source, SALT_BYTES + 3 + PREFIX_BYTES + CHECK_BYTES, name)
        salt = rest[:SALT_BYTES]
        log2n, r, p = rest[SALT_BYTES : SALT_BYTES + 3]
        prefix = rest[SALT_BYTES + 3 : SALT_BYTES + 3 + PREFIX_BYTES]
        check = rest[-CHECK_BYTES:]
        if not (10 <= log2n <= MAX_SCRYPT_LOG2N and 1 <= r <= 32 and 1 <= p <= 16):
            raise BackupError(f"{name} is damaged: its key parameters are not ones ArtChart writes.")
        key, expected = _derive(passphrase, salt, log2n, r, p)
        if not hmac.compare_digest(check, expected):
            raise BackupError(f"Wrong backup key for {name} (or its header was altered).")
        self._source, self._name = source, name
        self._aead, self._prefix, self._aad = AESGCM(key), prefix, header_start + rest
        self._number = 0
        self._plain = b""
        self._offset = 0
        self._next = source.read(CHUNK + TAG)
        self._done = False

    def _advance(self) -> bool:
        if self._done:
            return False
        record, self._next = self._next, self._source.read(CHUNK + TAG)
        last = not self._next
        try:
            self._plain = self._aead.decrypt(_nonce(self._prefix, self._number, last), record, self._aad)
        except InvalidTag:
            raise BackupError(
                f"{self._name} is damaged or was altered (chunk {self._number} fails its authentication)."
            ) from None
        self._offset = 0
        self._number += 1
        self._done = last
        return True

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        wanted = size if size >= 0 else None
        while wanted is None or wanted > 0:
            if self._offset >= len(self._plain) and not self._advance():
                break
            end = len(self._plain) if wanted is None else min(len(self._plain), self._offset + wanted)
            piece = self._plain[self._offset : end]
            self._offset = end
            parts.append(piece)
            if wanted is not None:
                wanted -= len(piece)
        return b"".join(parts)


def _read_exactly(source: IO[bytes], n: int, name: str) -> bytes:
    data = source.read(n)
    if len(data) != n:
        raise BackupError(f"{name} is not an ArtChart backup, or it was cut short.")
    return data


def _open_body(source: IO[bytes], name: str, key: Callable[[], str]) -> tuple[Any, bool]:
    start = _read_exactly(source, len(MAGIC) + 2, name)
    if start[: len(MAGIC)] != MAGIC:
        raise BackupError(f"{name} is not an ArtChart backup.")
    version, mode = start[len(MAGIC)], start[len(MAGIC) + 1]
    if version != FORMAT_VERSION:
        raise BackupError(f"{name} is a backup of format {version}; this ArtChart reads format {FORMAT_VERSION}.")
    if mode == PLAIN:
        return source, False
    if mode == ENCRYPTED:
        return _DecryptingReader(source, start, key(), name), True
    raise BackupError(f"{name} is damaged: unknown mode {mode}.")


# --- digests ---------------------------------------------------------------------------------


def _spool_copy(source: IO[bytes]) -> tuple[IO[bytes], int, str]:
    """Copy ``source`` to a temporary file (in memory while small); returns it rewound, its size and SHA-256."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by the caller
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        spool.write(chunk)
        size += len(chunk)
    spool.seek(0)
    return spool, size, digest.hexdigest()


def _stream_digest(source: IO[bytes]) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def _file_digest(path: Path) -> tuple[int, str]:
    with path.open("rb") as fh:
        return _stream_digest(fh)


# --- stored files ----------------------------------------------------------------------------


def walk_storage(storage: Storage = default_storage, folder: str = "") -> Iterator[str]:
    """Every file in storage, through the storage API (so an object store works as a folder does)."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from walk_storage(storage, f"{folder}/{directory}" if folder else directory)


def _is_secret_path(storage: Storage, name: str) -> bool:
    """A stored file that is one of the key files (a media folder set over ``var/`` would reach them)."""
    try:
        path = Path(storage.path(name)).resolve()
    except NotImplementedError:  # an object store: no local path, so not a key file
        return False
    key_files = {Path(settings.SECRETS_DIR).resolve()}
    for variable in ("ARTCHART_SECRET_KEY_FILE", "ARTCHART_AUDIT_KEY_FILE", "ARTCHART_MFA_KEY_FILE"):
        if os.environ.get(variable):
            key_files.add(Path(os.environ[variable]).resolve())
    return any(path == kf or kf in path.parents for kf in key_files)


def _holds_a_key(spool: IO[bytes], size: int) -> bool:
    if size > SMALL_FILE:
        return False
    text = spool.read().decode("utf-8", errors="replace")
    spool.seek(0)
    return any(key in text for key in _instance_keys())


def witness_path() -> Path | None:
    """The audit witness file, or None when the witness is syslog (its collector keeps it)."""
    return audit.witness_file()


# --- the database ----------------------------------------------------------------------------


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DB_MEMBER:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


@dataclass
class Snapshot:
    path: Path
    migrations: list[list[str]]
    tables: dict[str, int]
    audit_head: int


def _sqlite_facts(db: sqlite3.Connection) -> tuple[list[list[str]], dict[str, int], int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    tables = {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}  # noqa: S608 - names from the catalogue
    migrations = (
        [list(r) for r in db.execute("SELECT app, name FROM django_migrations ORDER BY id")]
        if "django_migrations" in tables
        else []
    )
    head = 0
    if "core_auditcounter" in tables:
        row = db.execute("SELECT last_seq FROM core_auditcounter WHERE id = 1").fetchone()
        head = row[0] if row else 0
    return migrations, tables, head


def _snapshot_sqlite(workdir: Path) -> Snapshot:
    target = workdir / "db.sqlite3"
    if connection.in_atomic_block:
        # Its own open write would hold the lock the copy waits for, for ever.
        raise BackupError("A backup cannot be taken inside a database transaction.")
    connection.ensure_connection()
    dest = sqlite3.connect(target)
    try:
        # One step (pages=-1): the copy is the database at one instant; in WAL mode
        # the app's readers and writers carry on meanwhile.
        connection.connection.backup(dest)
        migrations, tables, head = _sqlite_facts(dest)
    finally:
        dest.close()
    return Snapshot(target, migrations, tables, head)


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    mapping = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
    }
    env.pop("PGPASSWORD", None)  # only the configured password, never one left in the environment
    env.update({key: str(value) for key, value in mapping.items() if value})
    return env


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed argv
    except FileNotFoundError:
        raise BackupError(f"{argv[0]} is not installed; {what} needs the PostgreSQL client tools.") from None
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{what} failed: {last}")


def _snapshot_postgresql(workdir: Path) -> Snapshot:
    target = workdir / "db.pgdump"
    side = connections.create_connection("default")
    try:
        side.ensure_connection()
        side.set_autocommit(False)
        with side.cursor() as cursor:
            # The dump and the facts below see the same snapshot, exported to pg_dump.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            names = sorted(side.introspection.table_names(cursor))
            tables = {}
            for name in names:
                cursor.execute(f"SELECT COUNT(*) FROM {side.ops.quote_name(name)}")  # noqa: S608 - catalogue names
                tables[name] = cursor.fetchone()[0]
            migrations: list[list[str]] = []
            if "django_migrations" in tables:
                cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
                migrations = [list(r) for r in cursor.fetchall()]
            head = 0
            if "core_auditcounter" in tables:
                cursor.execute("SELECT last_seq FROM core_auditcounter WHERE id = 1")
                row = cursor.fetchone()
                head = row[0] if row else 0
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot_id}",
                    "-f",
                    str(target),
                ],
                _pg_env(side.settings_dict),
                "pg_dump",
            )
        side.rollback()
    finally:
        side.close()
    return Snapshot(target, migrations, tables, head)


# --- backup ----------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    encrypted: bool
    media_files: int = 0
    media_bytes: int = 0
    tables: int = 0
    rows: int = 0
    audit_head: int = 0
    left_out: list[str] = field(default_factory=list)


def app_version() -> str:
    try:
        return metadata.version("artchart")
    except metadata.PackageNotFoundError:
        return "unknown"


def _add(tar: tarfile.TarFile, name: str, fileobj: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(time.time()), 0o600
    tar.addfile(info, fileobj)


def create(path: Path, *, passphrase: str | None, storage: Storage = default_storage) -> BackupResult:
    """Write a backup of this instance to ``path`` (encrypted unless ``passphrase`` is None).

    Written to a temporary name beside ``path`` and renamed at the end, so a
    backup that fails half-way leaves no file that looks whole.
    """
    path = Path(path)
    vendor = engine()
    result = BackupResult(path=path, encrypted=passphrase is not None)
    partial = path.with_name(f".{path.name}.partial")
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "engine": vendor,
        "app_version": app_version(),
        "encrypted": passphrase is not None,
        "media": [],
        "witness": None,
    }
    try:
        snapshot = _write(partial, passphrase, storage, manifest, result)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)
    result.tables, result.rows = len(snapshot.tables), sum(snapshot.tables.values())
    result.audit_head = snapshot.audit_head
    return result


def _write(
    partial: Path, passphrase: str | None, storage: Storage, manifest: dict[str, Any], result: BackupResult
) -> Snapshot:
    vendor = manifest["engine"]
    with tempfile.TemporaryDirectory(prefix="artchart-backup-") as tmp, partial.open("wb") as out:
        os.chmod(partial, 0o600)
        writer: _EncryptingWriter | _PlainWriter = (
            _EncryptingWriter(out, passphrase) if passphrase is not None else _PlainWriter(out)
        )
        with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
            # Before the snapshot: the witness then never names a head the database lacks.
            witness = witness_path()
            if witness and witness.is_file():
                with witness.open("rb") as fh:
                    spool, size, digest = _spool_copy(fh)
                with spool:
                    _add(tar, WITNESS_MEMBER, spool, size)
                manifest["witness"] = {"source": str(witness), "size": size, "sha256": digest}
            snapshot = _snapshot_sqlite(Path(tmp)) if vendor == "sqlite" else _snapshot_postgresql(Path(tmp))
            size, digest = _file_digest(snapshot.path)
            with snapshot.path.open("rb") as fh:
                _add(tar, DB_MEMBER[vendor], fh, size)
            snapshot.path.unlink()
            manifest["database"] = {"member": DB_MEMBER[vendor], "size": size, "sha256": digest}
            manifest["migrations"] = snapshot.migrations
            manifest["tables"] = snapshot.tables
            manifest["audit_head"] = snapshot.audit_head
            for name in walk_storage(storage):
                _add_media(tar, storage, name, manifest, result)
            body = json.dumps(manifest, indent=1, sort_keys=True).encode()
            _add(tar, MANIFEST, io.BytesIO(body), len(body))
        writer.finish()
        out.flush()
        os.fsync(out.fileno())
    return snapshot


def _add_media(
    tar: tarfile.TarFile, storage: Storage, name: str, manifest: dict[str, Any], result: BackupResult
) -> None:
    if _is_secret_path(storage, name):
        result.left_out.append(name)
        return
    try:
        with storage.open(name, "rb") as fh:
            spool, size, digest = _spool_copy(fh)
    except FileNotFoundError:  # removed (swept) between listing and reading
        return
    with spool:
        if _holds_a_key(spool, size):
            result.left_out.append(name)
            return
        _add(tar, MEDIA_PREFIX + name, spool, size)
    manifest["media"].append({"path": name, "size": size, "sha256": digest})
    result.media_files += 1
    result.media_bytes += size


# --- verify ----------------------------------------------------------------------------------


@dataclass
class VerifyReport:
    manifest: dict[str, Any]
    encrypted: bool
    media_files: int
    media_bytes: int
    database_bytes: int
    tables: int
    rows: int


def _members(path: Path, key: Callable[[], str]) -> Iterator[tuple[tarfile.TarFile, tarfile.TarInfo, bool]]:
    name = path.name
    try:
        source = path.open("rb")
    except OSError as exc:
        raise BackupError(f"Cannot open {path}: {exc.strerror}.") from None
    with source:
        body, encrypted = _open_body(source, name, key)
        try:
            with tarfile.open(fileobj=body, mode="r|") as tar:
                for info in tar:
                    yield tar, info, encrypted
            # Read to the end, so every chunk is authenticated (the last one included) and a file cut
            # short after the manifest is found too.
            while body.read(CHUNK):
                pass
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(f"{name} is damaged: {exc}.") from None


def _read_member(tar: tarfile.TarFile, info: tarfile.TarInfo) -> IO[bytes]:
    fh = tar.extractfile(info)
    if fh is None:
        raise BackupError(f"The backup holds {info.name!r}, which is not a file.")
    return fh


def verify(
    path: Path, *, key: Callable[[], str], on_member: Callable[[str, IO[bytes], int, str], None] | None = None
) -> VerifyReport:
    """Decrypt ``path`` and check every digest against its manifest; raise BackupError at the first mismatch.

    With ``on_member`` each file is handed over (spooled, rewound) with its size and digest as it is read.
    """
    path = Path(path)
    seen: dict[str, tuple[int, str]] = {}
    manifest = None
    encrypted = False
    try:
        for tar, info, sealed in _members(path, key):
            encrypted = sealed
            if not info.isfile():
                raise BackupError(f"{path.name} holds {info.name!r}, which is not a file.")
            if info.name == MANIFEST:
                manifest = json.loads(_read_member(tar, info).read())
                continue
            if info.name in seen:
                raise BackupError(f"{path.name} holds {info.name!r} twice.")
            if on_member is None:  # only the digest: nothing copied, whatever the size
                seen[info.name] = _stream_digest(_read_member(tar, info))
                continue
            spool, size, digest = _spool_copy(_read_member(tar, info))
            with spool:
                seen[info.name] = (size, digest)
                on_member(info.name, spool, size, digest)
    except (tarfile.TarError, EOFError, ValueError) as exc:
        raise BackupError(f"{path.name} is damaged: {exc}.") from None
    if manifest is None:
        raise BackupError(f"{path.name} has no manifest: it was cut short or is not an ArtChart backup.")
    _check_against(manifest, seen)
    media = manifest["media"]
    return VerifyReport(
        manifest=manifest,
        encrypted=encrypted,
        media_files=len(media),
        media_bytes=sum(m["size"] for m in media),
        database_bytes=manifest["database"]["size"],
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
    )


def _check_against(manifest: dict[str, Any], seen: dict[str, tuple[int, str]]) -> None:
    expected = {MEDIA_PREFIX + m["path"]: (m["size"], m["sha256"]) for m in manifest["media"]}
    expected[manifest["database"]["member"]] = (manifest["database"]["size"], manifest["database"]["sha256"])
    if manifest.get("witness"):
        expected[WITNESS_MEMBER] = (manifest["witness"]["size"], manifest["witness"]["sha256"])
    for name in sorted(set(expected) | set(seen)):
        if name not in seen:
            raise BackupError(f"Backup does not match its manifest: {name} is missing.")
        if name not in expected:
            raise BackupError(f"Backup does not match its manifest: {name} is not in it.")
        if seen[name] != expected[name]:
            raise BackupError(f"Backup does not match its manifest: {name} has a different digest.")


# --- restore ---------------------------------------------------------------------------------


def not_empty_reasons(storage: Storage = default_storage) -> list[str]:
    """Why this instance is not empty (tables with rows, stored files, a witness file); [] when it is."""
    reasons = []
    existing = set(connection.introspection.table_names())
    filled = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in SEEDED_BY_MIGRATIONS
        and model._meta.db_table in existing
        and model._meta.managed
        and not model._meta.proxy
        and model._base_manager.using("default").exists()
    ]
    if filled:
        more = f" and {len(filled) - 3} more" if len(filled) > 3 else ""
        reasons.append(f"{len(filled)} tables have rows: {', '.join(filled[:3])}{more}")
    for name in walk_storage(storage):
        reasons.append(f"file storage holds files (e.g. {name})")
        break
    witness = witness_path()
    if witness and witness.is_file() and witness.stat().st_size:
        reasons.append(f"the audit witness file {witness} is not empty")
    return reasons


@dataclass
class RestoreResult:
    report: VerifyReport
    media_files: int
    rows_match: bool
    audit: audit.VerifyResult
    unapplied: list[str]
    notes: list[str] = field(default_factory=list)


def restore(path: Path, *, key: Callable[[], str], storage: Storage = default_storage) -> RestoreResult:
    """Restore ``path`` into this instance, which must be empty; then verify the audit chain.

    The whole backup is verified first, so a damaged or altered one writes nothing.
    """
    path = Path(path)
    vendor = engine()
    reasons = not_empty_reasons(storage)
    if reasons:
        raise BackupError("Restore refused, nothing written: this instance is not empty (" + "; ".join(reasons) + ").")
    passphrase: list[str] = []

    def cached_key() -> str:
        if not passphrase:
            passphrase.append(key())
        return passphrase[0]

    report = verify(path, key=cached_key)
    if report.manifest["engine"] != vendor:
        raise BackupError(
            f"Restore refused, nothing written: the backup is of a {report.manifest['engine']} database "
            f"and this instance uses {vendor}."
        )
    with tempfile.TemporaryDirectory(prefix="artchart-restore-") as tmp:
        placer = _Placer(Path(tmp) / "db", report.manifest["database"]["member"], storage)
        # The second pass writes the files as it reads them and checks every digest again at its
        # end; the database is loaded only after that.
        try:
            verify(path, key=cached_key, on_member=placer)
            if vendor == "sqlite":
                _load_sqlite(placer.dump)
            else:
                _load_postgresql(placer.dump)
        except BackupError as exc:
            placer.undo()
            raise BackupError(
                f"{str(exc).rstrip('.')}. The files this restore had written were removed; nothing else changed."
            ) from None
    for item in report.manifest["media"]:
        with storage.open(item["path"], "rb") as fh:
            _, size, digest = _spool_copy(fh)
        if (size, digest) != (item["size"], item["sha256"]):
            raise BackupError(f"The restored file {item['path']} does not match the backup's digest.")
    rows_match = _table_counts() == report.manifest["tables"]
    executor = MigrationExecutor(connection)
    unapplied = [f"{m.app_label}.{m.name}" for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())]
    return RestoreResult(report, len(placer.written), rows_match, audit.verify(), unapplied, placer.notes)


class _Placer:
    """Puts each file of a backup where it belongs: the database dump aside, the rest in storage."""

    def __init__(self, dump: Path, db_member: str, storage: Storage):
        self.dump, self.db_member, self.storage = dump, db_member, storage
        self.witness = witness_path()
        self.written: list[str] = []
        self.wrote_witness = False
        self.notes: list[str] = []

    def undo(self) -> None:
        """Remove what was written, so the instance is empty again for the next attempt."""
        for name in self.written:
            self.storage.delete(name)
        if self.wrote_witness and self.witness:
            self.witness.unlink(missing_ok=True)

    def __call__(self, name: str, spool: IO[bytes], size: int, digest: str) -> None:
        if name == self.db_member:
            with self.dump.open("wb") as fh:
                shutil.copyfileobj(spool, fh)
        elif name == WITNESS_MEMBER:
            if self.witness is None:
                self.notes.append(
                    "The backup holds an audit witness file; this instance names none, so it was not restored."
                )
                return
            self.witness.parent.mkdir(parents=True, exist_ok=True)
            with self.witness.open("wb") as fh:
                shutil.copyfileobj(spool, fh)
            self.wrote_witness = True
        elif name.startswith(MEDIA_PREFIX):
            stored = name[len(MEDIA_PREFIX) :]
            saved = self.storage.save(stored, File(spool, name=stored))
            if saved != stored:
                raise BackupError(f"File storage saved {stored} as {saved}; the restore is incomplete.")
            self.written.append(stored)


def _table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608 - catalogue names
            counts[name] = cursor.fetchone()[0]
    return counts


def _load_sqlite(dump: Path) -> None:
    # Through the backup API into the live file: its WAL and any open reader stay coherent.
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def _load_postgresql(dump: Path) -> None:
    connection.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            connection.settings_dict["NAME"],
            str(dump),
        ],
        _pg_env(connection.settings_dict),
        "pg_restore",
    )


# --- scheduled backups -------------------------------------------------------------------------


def backup_name(now: dt.datetime | None = None) -> str:
    stamp = (now or timezone.now()).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    return f"artchart-{stamp}.backup"


def rotate(folder: Path, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest scheduled backups in ``folder``; returns those removed."""
    found = sorted(folder.glob("artchart-*Z.backup"))
    old = found[:-keep] if keep > 0 else found
    for item in old:
        item.unlink()
    return old

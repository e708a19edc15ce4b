"""Backups: ``artchart backup``, ``artchart backup verify``, ``artchart restore`` and the scheduled task.

The file format is tested in-process (sealing, tampering, wrong keys, what is
left out). The round trips run the real ``artchart`` program in child processes
against SQLite files of their own, as an operator would: a backup taken while
another process writes, verified, restored into an empty folder, compared row
for row and file for file, and the restored audit chain verified there. One
test does the same on PostgreSQL when the suite runs on it.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from artchart.core import audit, backup
from artchart.core.audit_actions import CoreAction
from artchart.core.tasks import scheduled_backup

ROOT = Path(__file__).resolve().parents[3]
PASSPHRASE = "correct horse battery staple"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture(autouse=True)
def _cheap_key_derivation(monkeypatch):
    # The header carries the parameters, so a backup written with these reads back the same way.
    monkeypatch.setattr(backup, "SCRYPT_LOG2N", 12)
    monkeypatch.setenv(backup.PASSPHRASE_ENV, PASSPHRASE)


def _key() -> str:
    return PASSPHRASE


def _sealed(plain: bytes, chunk: int, monkeypatch) -> bytes:
    monkeypatch.setattr(backup, "CHUNK", chunk)
    out = io.BytesIO()
    writer = backup._EncryptingWriter(out, PASSPHRASE)
    for start in range(0, len(plain), 7):  # many small writes, as tarfile makes them
        writer.write(plain[start : start + 7])
    writer.finish()
    return out.getvalue()


def _opened(sealed: bytes, key: str = PASSPHRASE) -> bytes:
    body, encrypted = backup._open_body(io.BytesIO(sealed), "test.backup", lambda: key)
    assert encrypted
    return body.read()


# --- the sealed stream ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 128, 1000])
def test_sealed_stream_round_trips_at_every_chunk_boundary(size, monkeypatch):
    plain = os.urandom(size)
    sealed = _sealed(plain, 64, monkeypatch)
    assert plain not in sealed or size == 0
    assert _opened(sealed) == plain


def test_sealed_stream_refuses_a_changed_byte_a_cut_and_swapped_chunks(monkeypatch):
    plain = os.urandom(300)
    sealed = _sealed(plain, 64, monkeypatch)
    header = len(backup.MAGIC) + 2 + backup.SALT_BYTES + 3 + backup.PREFIX_BYTES + backup.CHECK_BYTES
    record = 64 + backup.TAG
    changed = bytearray(sealed)
    changed[header + 100] ^= 1
    first, second = sealed[header : header + record], sealed[header + record : header + 2 * record]
    swapped = sealed[:header] + second + first + sealed[header + 2 * record :]
    cut = sealed[: header + 2 * record]  # cut at a chunk boundary: the chunk now last was not sealed as last
    for damaged in (bytes(changed), swapped, cut):
        with pytest.raises(backup.BackupError, match="damaged or was altered"):
            _opened(damaged)


def test_sealed_stream_tells_a_wrong_key_from_damage(monkeypatch):
    sealed = _sealed(b"x" * 100, 64, monkeypatch)
    with pytest.raises(backup.BackupError, match="Wrong backup key"):
        _opened(sealed, key="not the passphrase at all")
    with pytest.raises(backup.BackupError, match="not an ArtChart backup"):
        _opened(b"PK\x03\x04" + sealed[4:])


def test_passphrase_rules(settings, tmp_path, monkeypatch):
    monkeypatch.delenv(backup.PASSPHRASE_ENV)
    monkeypatch.delenv(backup.KEY_FILE_ENV, raising=False)
    settings.BACKUP_KEY_FILE = ""
    with pytest.raises(backup.BackupError, match="No backup key"):
        backup.passphrase_from()
    short = tmp_path / "short"
    short.write_text("too short\n")
    with pytest.raises(backup.BackupError, match="shorter than 12"):
        backup.passphrase_from(key_file=str(short))
    same = tmp_path / "same"
    same.write_text(settings.AUDIT_KEY + "\n")
    with pytest.raises(backup.BackupError, match="must not be one of ArtChart's own keys"):
        backup.passphrase_from(key_file=str(same))
    good = tmp_path / "good"
    good.write_text(PASSPHRASE + "\nignored second line\n")
    assert backup.passphrase_from(key_file=str(good)) == PASSPHRASE
    with pytest.raises(backup.BackupError, match="Cannot read the backup key file"):
        backup.passphrase_from(key_file=str(tmp_path / "missing"))


# --- backup and verify in-process ------------------------------------------------------------


def _store(name: str, body: bytes) -> str:
    saved = default_storage.save(name, ContentFile(body))
    assert saved == name
    return name


def _tar_plaintext(path: Path) -> bytes:
    with path.open("rb") as fh:
        body, _ = backup._open_body(fh, path.name, _key)
        return body.read()


@pytest.mark.django_db(transaction=True)
def test_backup_holds_every_stored_file_and_never_a_key(tmp_path, org):
    photo = _store("artworks/ab/photo.jpg", os.urandom(5000))
    document = _store("documents/cd/letter.pdf", b"%PDF-1.4 a letter")
    _store("notes/pasted-key.txt", f"key={settings.AUDIT_KEY}".encode())
    target = tmp_path / "practice.backup"

    result = backup.create(target, passphrase=PASSPHRASE)

    assert result.encrypted and result.left_out == ["notes/pasted-key.txt"]
    raw = target.read_bytes()
    assert b"photo.jpg" not in raw and b"manifest" not in raw  # sealed: not even the names show
    plain = _tar_plaintext(target)
    for key in (settings.AUDIT_KEY, settings.SECRET_KEY, *settings.MFA_KEY.split(",")):
        assert key.encode() not in plain
    report = backup.verify(target, key=_key)
    manifest = report.manifest
    assert manifest["format"] == backup.FORMAT_VERSION and manifest["engine"] == connection.vendor
    assert {m["path"] for m in manifest["media"]} == {photo, document}
    by_path = {m["path"]: m for m in manifest["media"]}
    assert by_path[document]["sha256"] == hashlib.sha256(b"%PDF-1.4 a letter").hexdigest()
    assert by_path[document]["size"] == len(b"%PDF-1.4 a letter")
    assert ["core", "0001_initial"] in manifest["migrations"]
    assert "core_auditevent" in manifest["tables"]
    assert report.media_files == 2 and not (tmp_path / ".practice.backup.partial").exists()


@pytest.mark.django_db(transaction=True)
def test_backup_leaves_out_key_files_under_the_media_folder(settings, tmp_path):
    # An operator who points the media folder at var/ would otherwise back up var/secrets.
    var = tmp_path / "var"
    (var / "secrets").mkdir(parents=True)
    (var / "secrets" / "audit_key").write_text(settings.AUDIT_KEY)
    (var / "secrets" / "spare_key").write_text("a key the content check would not recognise")
    (var / "media-file.txt").write_text("an ordinary stored file")
    settings.MEDIA_ROOT, settings.SECRETS_DIR = var, var / "secrets"
    result = backup.create(tmp_path / "b.backup", passphrase=PASSPHRASE)
    assert sorted(result.left_out) == ["secrets/audit_key", "secrets/spare_key"]
    plain = _tar_plaintext(tmp_path / "b.backup")
    assert settings.AUDIT_KEY.encode() not in plain and b"content check would not" not in plain
    assert [m["path"] for m in backup.verify(tmp_path / "b.backup", key=_key).manifest["media"]] == ["media-file.txt"]


@pytest.mark.django_db(transaction=True)
def test_backup_includes_the_audit_witness_file(settings, tmp_path):
    witness = tmp_path / "witness.log"
    witness.write_text("1 abc\n")
    settings.AUDIT_WITNESS = str(witness)
    backup.create(tmp_path / "b.backup", passphrase=PASSPHRASE)
    manifest = backup.verify(tmp_path / "b.backup", key=_key).manifest
    assert manifest["witness"]["source"] == str(witness)
    assert manifest["witness"]["sha256"] == hashlib.sha256(b"1 abc\n").hexdigest()


def _unencrypted_members(path: Path) -> tuple[bytes, list[tuple[tarfile.TarInfo, bytes]]]:
    data = path.read_bytes()
    start = len(backup.MAGIC) + 2
    members = []
    with tarfile.open(fileobj=io.BytesIO(data[start:]), mode="r:") as tar:
        for info in tar.getmembers():
            members.append((info, tar.extractfile(info).read()))
    return data[:start], members


def _rewrite(path: Path, head: bytes, members: list[tuple[tarfile.TarInfo, bytes]]) -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:", format=tarfile.PAX_FORMAT) as tar:
        for info, body in members:
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    path.write_bytes(head + out.getvalue())


@pytest.mark.django_db(transaction=True)
def test_verify_names_a_changed_or_missing_file(tmp_path):
    _store("artworks/ab/photo.jpg", b"the photo")
    target = tmp_path / "plain.backup"
    backup.create(target, passphrase=None)
    head, members = _unencrypted_members(target)
    assert backup.verify(target, key=_key).media_files == 1

    changed = [(info, b"another photo" if info.name.endswith("photo.jpg") else body) for info, body in members]
    _rewrite(target, head, changed)
    with pytest.raises(backup.BackupError, match=r"media/artworks/ab/photo.jpg has a different digest"):
        backup.verify(target, key=_key)

    _rewrite(target, head, [(info, body) for info, body in members if not info.name.endswith("photo.jpg")])
    with pytest.raises(backup.BackupError, match=r"media/artworks/ab/photo.jpg is missing"):
        backup.verify(target, key=_key)

    _rewrite(target, head, [(info, body) for info, body in members if info.name != backup.MANIFEST])
    with pytest.raises(backup.BackupError, match="has no manifest"):
        backup.verify(target, key=_key)


@pytest.mark.django_db(transaction=True)
def test_verify_command_fails_in_one_line_on_a_changed_byte_and_a_wrong_key(tmp_path, monkeypatch):
    _store("artworks/ab/photo.jpg", os.urandom(3000))
    target = tmp_path / "sealed.backup"
    call_command("backup", str(target), stdout=io.StringIO())
    out = io.StringIO()
    call_command("backup", "verify", str(target), stdout=out)
    assert "Backup intact (encrypted" in out.getvalue() and "1 stored files" in out.getvalue()

    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x40
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="damaged or was altered") as failed:
        call_command("backup", "verify", str(damaged))
    assert "\n" not in str(failed.value)

    monkeypatch.setenv(backup.PASSPHRASE_ENV, "a different passphrase")
    with pytest.raises(CommandError, match="Wrong backup key for sealed.backup"):
        call_command("backup", "verify", str(target))


@pytest.mark.django_db(transaction=True)
def test_backup_command_refuses_without_a_key_and_says_when_unencrypted(tmp_path, monkeypatch):
    monkeypatch.delenv(backup.PASSPHRASE_ENV)
    with pytest.raises(CommandError, match="No backup key"):
        call_command("backup", str(tmp_path / "a.backup"))
    assert not (tmp_path / "a.backup").exists()
    err = io.StringIO()
    call_command("backup", str(tmp_path / "a.backup"), "--unencrypted", stdout=io.StringIO(), stderr=err)
    assert "UNENCRYPTED backup" in err.getvalue()
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(tmp_path / "a.backup"), "--unencrypted")
    with pytest.raises(CommandError, match="Use: artchart backup FILE"):
        call_command("backup", "verify")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_an_instance_that_is_not_empty_and_writes_nothing(tmp_path, org):
    target = tmp_path / "b.backup"
    backup.create(target, passphrase=PASSPHRASE)
    with pytest.raises(CommandError, match="Restore refused, nothing written: this instance is not empty"):
        call_command("restore", str(target))
    assert list(backup.walk_storage(default_storage)) == []


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite: the copy goes through the app's own connection")
@pytest.mark.django_db
def test_a_backup_that_fails_leaves_no_file(tmp_path):
    target = tmp_path / "b.backup"
    with pytest.raises(backup.BackupError, match="inside a database transaction"), transaction.atomic():
        backup.create(target, passphrase=PASSPHRASE)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_a_restore_whose_database_load_fails_removes_the_files_it_wrote(tmp_path, monkeypatch):
    _store("artworks/ab/photo.jpg", b"the photo")
    target = tmp_path / "b.backup"
    backup.create(target, passphrase=PASSPHRASE)
    default_storage.delete("artworks/ab/photo.jpg")
    assert backup.not_empty_reasons() == []

    def refuse(dump):
        raise backup.BackupError("pg_restore failed: the disk is full")

    monkeypatch.setattr(backup, "_load_sqlite" if connection.vendor == "sqlite" else "_load_postgresql", refuse)
    with pytest.raises(backup.BackupError, match="the disk is full. The files this restore had written were removed"):
        backup.restore(target, key=_key)
    assert list(backup.walk_storage(default_storage)) == []


@pytest.mark.django_db
def test_an_instance_with_only_stored_files_is_not_empty(tmp_path):
    _store("artworks/ab/photo.jpg", b"x")
    assert backup.not_empty_reasons() == ["file storage holds files (e.g. artworks/ab/photo.jpg)"]


@pytest.mark.django_db(transaction=True)
def test_scheduled_backups_rotate(settings, tmp_path):
    settings.BACKUP_DIR = str(tmp_path / "backups")
    settings.BACKUP_KEEP = 2
    made = [scheduled_backup.enqueue().return_value for _ in range(3)]
    kept = sorted((tmp_path / "backups").glob("*.backup"))
    assert [str(p) for p in kept] == made[1:]
    assert backup.verify(kept[-1], key=_key).encrypted


@pytest.mark.django_db
def test_scheduled_backup_needs_a_folder(settings):
    settings.BACKUP_DIR = ""
    with pytest.raises(backup.BackupError, match="ARTCHART_BACKUP_DIR"):
        scheduled_backup.call()
    with pytest.raises(CommandError, match="Scheduled backup failed: Scheduled backups need ARTCHART_BACKUP_DIR"):
        call_command("backup", "--scheduled")


# --- round trips through the real program ----------------------------------------------------

WRITER = """
import os, sys, time
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from artchart.core import audit
from artchart.core.audit_actions import CoreAction
count = int(sys.argv[1])
for i in range(count):
    with transaction.atomic():
        # As the app does: the file is stored first, the row naming it commits after.
        default_storage.save(f"load/{i:06d}.bin", ContentFile(os.urandom(1024 + i)))
        audit.record(actor=None, action=CoreAction.SEED_LOAD, object_type="load", object_id=i)
    if i == 20:
        print("writing", flush=True)
print("done", flush=True)
"""


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "ARTCHART_SQLITE_PATH", "ARTCHART_MEDIA_ROOT", "ARTCHART_TESTING"}
        and not k.startswith(("ARTCHART_AUDIT_KEY", "ARTCHART_SECRET_KEY", "ARTCHART_MFA_KEY"))
    }
    env.update(
        ARTCHART_VAR_DIR=str(home),
        ARTCHART_PROFILE="local",
        DJANGO_SETTINGS_MODULE="artchart.settings",
        PYTHONPATH=str(ROOT),
        **{backup.PASSPHRASE_ENV: PASSPHRASE},
    )
    env.update(extra)
    return env


def _cli(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "artchart.cli", *args],
        cwd=ROOT,
        env=_env(home, **extra),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def _migrated_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("backup-source")
    done = _cli(home, "migrate", "--no-input", "-v0", "--skip-checks")
    assert done.returncode == 0, done.stderr
    return home


@pytest.fixture
def source(_migrated_home, tmp_path):
    home = tmp_path / "source"
    shutil.copytree(_migrated_home, home)
    seeded = _cli(home, "seed", "--clients", "4", "--skip-checks")
    assert seeded.returncode == 0, seeded.stderr
    return home


def _empty_home(tmp_path: Path, source: Path, name: str) -> Path:
    """An empty instance holding the same keys as ``source`` (they travel apart from the backup)."""
    home = tmp_path / name
    (home / "secrets").mkdir(parents=True)
    for key in (source / "secrets").iterdir():
        shutil.copy(key, home / "secrets" / key.name)
    return home


def _rows(db_path: Path) -> dict[str, int]:
    db = sqlite3.connect(db_path)
    try:
        names = [
            r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ]
        return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}  # noqa: S608
    finally:
        db.close()


def _audit_rows(db_path: Path, up_to: int) -> list[tuple]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute(
            "SELECT seq, hash, object_type, object_id FROM core_auditevent WHERE seq <= ? ORDER BY seq", (up_to,)
        ).fetchall()
    finally:
        db.close()


def _digests(media: Path) -> dict[str, str]:
    if not media.exists():
        return {}
    return {
        str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest() for p in media.rglob("*") if p.is_file()
    }


def _start_writer(home: Path, writes: int) -> subprocess.Popen:
    writer = subprocess.Popen(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", WRITER, str(writes)],
        cwd=ROOT,
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "writing"
    return writer


def _finish(process: subprocess.Popen) -> None:
    _, err = process.communicate(timeout=900)
    assert process.returncode == 0, err


def _restore_and_compare(source: Path, backup_file: Path, home: Path) -> None:
    verified = _cli(source, "backup", "verify", str(backup_file))
    assert verified.returncode == 0, verified.stderr
    assert "every digest matches" in verified.stdout
    manifest = backup.verify(backup_file, key=_key).manifest

    restored = _cli(home, "restore", str(backup_file))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Audit chain intact" in restored.stdout

    # The same rows as at the snapshot, table by table, and the same chain up to its head.
    assert _rows(home / "artchart.sqlite3") == manifest["tables"]
    head = manifest["audit_head"]
    events = _audit_rows(home / "artchart.sqlite3", head)
    assert len(events) == head > 0
    assert events == _audit_rows(source / "artchart.sqlite3", head)
    # The same files, byte for byte, as the source holds under those names.
    restored_files, source_files = _digests(home / "media"), _digests(source / "media")
    assert restored_files == {m["path"]: m["sha256"] for m in manifest["media"]}
    for name, digest in restored_files.items():
        assert source_files[name] == digest
    # No restored row names a file the backup lacks.
    for _, _, object_type, object_id in events:
        if object_type == "load":
            assert f"load/{int(object_id):06d}.bin" in restored_files
    verified_there = _cli(home, "audit", "verify")
    assert verified_there.returncode == 0, verified_there.stderr


def test_backup_while_another_process_writes_restores_into_an_empty_folder(source, tmp_path):
    target = tmp_path / "practice.backup"
    writer = _start_writer(source, writes=300)
    made = _cli(source, "backup", str(target))
    _finish(writer)
    assert made.returncode == 0, made.stderr
    assert "Backup written to" in made.stdout and "(encrypted" in made.stdout
    _restore_and_compare(source, target, _empty_home(tmp_path, source, "restored"))


def test_restore_refuses_a_used_instance_and_a_wrong_key_without_a_traceback(source, tmp_path):
    target = tmp_path / "practice.backup"
    assert _cli(source, "backup", str(target)).returncode == 0
    refused = _cli(source, "restore", str(target))
    assert refused.returncode == 1
    assert refused.stderr.startswith("CommandError: Restore refused, nothing written: this instance is not empty")
    assert "Traceback" not in refused.stderr

    home = _empty_home(tmp_path, source, "fresh")
    wrong = _cli(home, "restore", str(target), **{backup.PASSPHRASE_ENV: "not the right passphrase"})
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == "CommandError: Wrong backup key for practice.backup (or its header was altered)."

    damaged = tmp_path / "damaged.backup"
    data = bytearray(target.read_bytes())
    data[-100] ^= 1
    damaged.write_bytes(bytes(data))
    failed = _cli(home, "restore", str(damaged))
    assert failed.returncode == 1
    assert "damaged or was altered" in failed.stderr and "Traceback" not in failed.stderr
    # Nothing written: no stored file, no row.
    assert _digests(home / "media") == {}
    assert _rows(home / "artchart.sqlite3").get("core_auditevent", 0) == 0


@pytest.mark.slow
def test_backup_during_a_heavy_write_load_restores_to_its_consistency_point(source, tmp_path):
    writer = _start_writer(source, writes=3000)
    seeder = subprocess.Popen(  # noqa: S603 - this interpreter, the project's own command
        [sys.executable, "-m", "artchart.cli", "seed", "--clients", "40", "--seed", "9", "--skip-checks"],
        cwd=ROOT,
        env=_env(source),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    first, second = tmp_path / "first.backup", tmp_path / "second.backup"
    made_first = _cli(source, "backup", str(first))
    time.sleep(1)
    made_second = _cli(source, "backup", str(second))
    _finish(writer)
    _finish(seeder)
    assert made_first.returncode == 0, made_first.stderr
    assert made_second.returncode == 0, made_second.stderr
    _restore_and_compare(source, first, _empty_home(tmp_path, source, "first"))
    _restore_and_compare(source, second, _empty_home(tmp_path, source, "second"))


# --- PostgreSQL --------------------------------------------------------------------------------


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: runs when DATABASE_URL names PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_into_an_empty_database(tmp_path):
    import psycopg  # noqa: PLC0415 - installed with the PostgreSQL extra

    with transaction.atomic():
        for i in range(5):
            audit.record(actor=None, action=CoreAction.SEED_LOAD, object_type="load", object_id=i)
    _store("artworks/ab/photo.jpg", b"a photo")
    target = tmp_path / "pg.backup"
    made = backup.create(target, passphrase=PASSPHRASE)
    assert made.audit_head == 5
    report = backup.verify(target, key=_key)
    assert report.manifest["engine"] == "postgresql" and report.media_files == 1

    params = connection.settings_dict
    scratch = f"{params['NAME']}_restore"
    admin = dict(host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"], dbname="postgres")
    if params.get("PASSWORD"):
        admin["password"] = params["PASSWORD"]
    with psycopg.connect(**admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        pg.execute(f'CREATE DATABASE "{scratch}"')
    try:
        home = tmp_path / "pg-home"
        url = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/{scratch}"
        keys = {"ARTCHART_AUDIT_KEY": settings.AUDIT_KEY, "ARTCHART_SECRET_KEY": settings.SECRET_KEY}
        restored = _cli(home, "restore", str(target), DATABASE_URL=url, **keys)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "Audit chain intact: 5 events, head #5" in restored.stdout
        assert (home / "media" / "artworks" / "ab" / "photo.jpg").read_bytes() == b"a photo"
        again = _cli(home, "restore", str(target), DATABASE_URL=url, **keys)
        assert again.returncode == 1 and "not empty" in again.stderr
    finally:
        with psycopg.connect(**admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')

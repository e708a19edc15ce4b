"""The witness of the audit chain's head, outside the database: one line per commit that
wrote events (never for a rollback), lines that check themselves, appends from two
processes at once that never mix, and syslog as the other place it may go."""

from __future__ import annotations

import multiprocessing
import socket

import pytest
from django.db import transaction

from artchart.core import audit
from artchart.core.audit_actions import CoreAction
from artchart.core.models import AuditEvent


def _event(number: int = 0) -> None:
    audit.record(actor=None, action=CoreAction.TOKEN_USE, object_type="test", object_id=number)


def _lines() -> list[str]:
    path = audit.witness_file()
    return path.read_text().splitlines() if path.exists() else []


@pytest.mark.django_db(transaction=True)
def test_the_head_is_witnessed_once_per_commit_that_writes_events():
    with transaction.atomic():
        for number in range(3):
            _event(number)
    assert len(_lines()) == 1
    _event(3)  # a commit of its own (autocommit)
    _event(4)
    with transaction.atomic():
        _event(5)
        with transaction.atomic():  # a savepoint: still the one commit
            _event(6)
    assert len(_lines()) == 4
    head = AuditEvent.objects.get(seq=7)
    assert list(audit.witness_heads(audit.witness_file())) == [
        (seq, AuditEvent.objects.get(seq=seq).hash) for seq in (3, 4, 5, 7)
    ]
    assert audit.verify().ok and audit.verify().witnessed_seq == head.seq


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_is_never_witnessed():
    _event()
    with pytest.raises(RuntimeError), transaction.atomic():
        _event(1)
        raise RuntimeError("the change failed")
    with transaction.atomic():
        try:
            with transaction.atomic():
                _event(2)  # registers the witness inside a savepoint …
                raise RuntimeError("part of the change failed")
        except RuntimeError:
            pass  # … which rolls back and takes it away: nothing else in this transaction wrote events
    assert len(_lines()) == 1
    assert list(audit.witness_heads(audit.witness_file())) == [(1, AuditEvent.objects.get(seq=1).hash)]
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_witness_that_cannot_be_written_does_not_stop_the_change(settings, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.AUDIT_WITNESS = str(blocker / "witness.log")
    _event()
    assert AuditEvent.objects.count() == 1
    assert "Could not witness audit head 1" in caplog.text


def _append_many(path: str, lines: list[str]) -> None:
    from pathlib import Path

    for line in lines:
        audit.append_line(Path(path), line)


@pytest.mark.django_db
def test_two_processes_appending_at_once_never_mix_their_lines(tmp_path):
    path = tmp_path / "witness.log"
    batches = [[audit.witness_line(n, f"{worker:x}" * 64) for n in range(1, 201)] for worker in (10, 11)]
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(str(path), lines)) for lines in batches]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    lines = path.read_text().splitlines()
    assert sorted(lines) == sorted(batches[0] + batches[1])


@pytest.mark.django_db(transaction=True)
def test_syslog_as_the_witness_sends_each_commits_head(settings):
    collector = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    collector.bind(("127.0.0.1", 0))
    collector.settimeout(5)
    try:
        settings.AUDIT_SYSLOG = f"udp://127.0.0.1:{collector.getsockname()[1]}"
        settings.AUDIT_WITNESS = "syslog"
        with transaction.atomic():
            _event(1)
            _event(2)
        received = []
        while True:
            try:
                received.append(collector.recv(4096).decode())
            except TimeoutError:
                break
            if any(audit.WITNESS_MARK in line for line in received):
                break
    finally:
        collector.close()
    witnessed = [line for line in received if audit.WITNESS_MARK in line]
    assert len(witnessed) == 1
    head = AuditEvent.objects.get(seq=2)
    assert f"{audit.WITNESS_MARK} seq=2 hash={head.hash} " in witnessed[0]

"""The audit chain: the database refuses to rewrite it, and verify finds whatever got through.

Tampering is done the way an attacker with database access would do it: raw
SQL, after dropping the append-only triggers (``audit_triggers_lifted``, the
test suite's own reset tool). The test's transaction puts everything back.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from artchart.clients import services as client_services
from artchart.clients.models import CareTeamMembership, Client
from artchart.core import audit
from artchart.core.audit_actions import CoreAction
from artchart.core.models import AuditCounter, AuditEvent
from artchart.core.testing import audit_triggers_lifted

pytestmark = pytest.mark.django_db


def _record_events(count: int) -> None:
    for number in range(count):
        with transaction.atomic():
            audit.record(
                actor=None, action=CoreAction.TOKEN_USE, object_type="test", object_id=number, client_ids=[number + 1]
            )


def _verify_output() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def _verify_error() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify", stdout=StringIO())
    return str(failure.value)


def _raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _tamper(sql: str, params=()) -> None:
    with audit_triggers_lifted():
        _raw(sql, params)


# --- a good chain ---------------------------------------------------------------------------


def test_verify_passes_on_a_good_chain_and_compares_it_with_the_witness(settings):
    _record_events(12)
    audit.witness_head()  # what the commit would have done (the test's transaction never commits)
    output = _verify_output()
    assert output.startswith("Audit chain intact: 12 events, head #12\n")
    assert f"Witness: {settings.AUDIT_WITNESS} holds heads up to #12, all in the chain." in output


def test_verify_passes_on_an_empty_chain():
    assert "Audit chain intact: 0 events, head #0" in _verify_output()


def test_each_event_hashes_its_predecessor():
    _record_events(3)
    first, second, third = AuditEvent.objects.order_by("seq")
    assert first.prev_hash == audit.GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash


def test_witness_command_appends_the_head(settings):
    _record_events(4)
    out = StringIO()
    call_command("audit", "witness", stdout=out)
    assert "head #4" in out.getvalue()
    assert list(audit.witness_heads(audit.witness_file())) == [(4, AuditEvent.objects.get(seq=4).hash)]


def test_witness_command_with_no_events_says_so():
    with pytest.raises(CommandError, match="no audit events yet"):
        call_command("audit", "witness", stdout=StringIO())


# --- the database refuses ------------------------------------------------------------------------


def _refused_statements() -> list[str]:
    statements = [
        "UPDATE core_auditevent SET action = 'edited' WHERE seq = 2",
        "DELETE FROM core_auditevent WHERE seq = 2",
        "DELETE FROM core_auditevent",
    ]
    if connection.vendor == "postgresql":
        statements.append("TRUNCATE core_auditevent")
    return statements


def test_database_refuses_raw_update_delete_and_truncate_of_audit_events():
    _record_events(3)
    before = list(AuditEvent.objects.order_by("seq").values_list("seq", "action", "hash"))
    if connection.vendor == "postgresql":
        # Settle the deferred foreign-key checks of the inserts above, or
        # PostgreSQL refuses TRUNCATE for that reason before the trigger runs.
        _raw("SET CONSTRAINTS ALL IMMEDIATE")
    for statement in _refused_statements():
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _raw(statement)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "action", "hash")) == before


def test_database_refuses_orm_update_and_delete_of_audit_events():
    _record_events(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(action="edited")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()
    assert AuditEvent.objects.count() == 2


# --- verify finds what got through -------------------------------------------------------------------


def test_verify_names_an_event_edited_with_raw_sql():
    _record_events(6)
    _tamper("UPDATE core_auditevent SET object_id = %s WHERE seq = %s", ["999", 4])
    message = _verify_error()
    assert "event #4" in message
    assert "event 4 was altered" in message


def test_verify_names_an_event_whose_client_ids_were_rewritten():
    _record_events(5)
    _tamper("UPDATE core_auditevent SET client_ids = %s WHERE seq = %s", [",77,", 2])
    assert "event 2 was altered" in _verify_error()


def test_verify_names_a_deleted_event():
    _record_events(6)
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [3])
    message = _verify_error()
    assert "event #3" in message
    assert "event 3 is missing (next present is 4)" in message


def test_verify_names_two_events_swapped():
    _record_events(6)
    with audit_triggers_lifted():
        _raw("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [-3, 3])
        _raw("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [3, 4])
        _raw("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [4, -3])
    message = _verify_error()
    assert "event #3" in message
    assert "event 3 does not follow event 2" in message


def test_verify_finds_a_cut_tail_through_the_counter():
    _record_events(8)
    _tamper("DELETE FROM core_auditevent WHERE seq > %s", [6])
    message = _verify_error()
    assert "event #7" in message
    assert "the counter says 8" in message


def test_verify_finds_the_last_15_events_deleted_with_the_counter_wound_back_through_the_witness():
    for _ in range(30):
        _record_events(1)
        audit.witness_head()  # each event its own commit
    kept = AuditEvent.objects.get(seq=15)
    _tamper("DELETE FROM core_auditevent WHERE seq > %s", [15])
    AuditCounter.objects.filter(id=1).update(last_seq=kept.seq, last_hash=kept.hash)
    message = _verify_error()
    assert message.startswith("Audit chain broken at event #16: event 16 is missing")
    assert "the witness saw the chain reach event 30 but it ends at 15" in message


def test_verify_finds_a_chain_rebuilt_from_a_witnessed_head():
    _record_events(6)
    audit.witness_head()
    # Rebuilt from event 6 as only someone holding the key could (the event's own hash and the
    # counter made to agree): the witness still holds the hash the chain had.
    _tamper("UPDATE core_auditevent SET hash = %s WHERE seq = 6", ["f" * 64])
    AuditCounter.objects.filter(id=1).update(last_hash="f" * 64)
    with mock.patch.object(audit, "compute_hash", side_effect=lambda e: e.hash):
        message = _verify_error()
    assert message.startswith("Audit chain broken at event #6: event 6 differs from the witness taken of it")


def test_verify_refuses_an_altered_witness_line():
    _record_events(3)
    audit.witness_head()
    path = audit.witness_file()
    path.write_text(path.read_text().replace("seq=3 ", "seq=2 "))
    assert "line 1 of the witness" in _verify_error()
    assert "has been altered" in _verify_error()


def test_verify_reads_a_syslog_collectors_copy_given_with_witness(tmp_path):
    _record_events(5)
    head = AuditEvent.objects.get(seq=5)
    copy = tmp_path / "collector.log"
    copy.write_text(
        "Dec  7 23:01:02 host sshd[1]: unrelated\n"
        f"Dec  7 23:01:03 host artchart: {audit.witness_line(5, head.hash)}\n"
        f"Dec  7 23:01:04 host artchart: {audit.witness_line(9, 'a' * 64)}\n"
    )
    with pytest.raises(CommandError, match="event #6: event 6 is missing: the witness saw the chain reach event 9"):
        call_command("audit", "verify", "--witness", str(copy), stdout=StringIO())


# --- one change, one event: or neither ---------------------------------------------------------------


def test_a_failed_audit_write_rolls_the_change_back(therapist, site):
    with (
        mock.patch.object(audit, "record", side_effect=DatabaseError("disk I/O error")),
        pytest.raises(DatabaseError),
    ):
        client_services.client_create(
            by=therapist,
            site=site,
            legal_first_name="June",
            legal_last_name="Park",
            date_of_birth=dt.date(2012, 3, 4),
        )
    assert not Client.objects.exists()
    assert not CareTeamMembership.objects.exists()


def test_a_clash_in_the_chain_itself_rolls_the_change_back(therapist, site):
    _record_events(3)
    # The counter wound back by one: the next event's number is taken, so its
    # INSERT fails in the database, and the client it would record goes with it.
    AuditCounter.objects.filter(id=1).update(last_seq=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        client_services.client_create(
            by=therapist, site=site, legal_first_name="June", legal_last_name="Park", date_of_birth=dt.date(2012, 3, 4)
        )
    assert not Client.objects.exists()
    assert AuditEvent.objects.count() == 3

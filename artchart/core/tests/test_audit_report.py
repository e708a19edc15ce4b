"""The audit report: sorting, CSV export, escaping, and forwarding to a syslog collector."""

from __future__ import annotations

import socket
import socketserver
import threading

import pytest
from django.db import transaction
from django.urls import reverse

from artchart.clients.audit_actions import ClientAction
from artchart.core import audit
from artchart.core.audit_actions import CoreAction
from artchart.core.models import AuditEvent
from artchart.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def _events(actor, *actions):
    with transaction.atomic():
        return [audit.record(actor=actor, action=action) for action in actions]


def test_admin_sorts_the_report_by_action(client, admin, therapist):
    _events(therapist, CoreAction.USER_UPDATE, CoreAction.AUTH_LOGIN)
    client.force_login(admin)
    page = client.get(reverse("core:audit"), {"order": "action"})
    actions = [event.action for event in page.context["page"].object_list]
    assert actions == sorted(actions)


def test_admin_exports_the_filtered_report_as_csv_and_the_export_is_audited(client, admin, therapist):
    _events(therapist, ClientAction.CONSENT_RECORD, ClientAction.CLIENT_UPDATE)
    client.force_login(admin)
    response = client.get(reverse("core:audit_export"), {"action": "consent."})
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("seq,at,actor_id,actor,action")
    assert len(lines) == 2 and ",consent.record," in lines[1] and ",therapist," in lines[1]
    export = AuditEvent.objects.get(action="audit.export")
    assert export.flagged and export.detail["filters"]["action"] == "consent."


def test_an_export_filtered_by_a_clients_name_records_the_client_not_the_name(client, admin):
    ruth = ClientFactory(site__organization=admin.organization, legal_first_name="Ruth", legal_last_name="Abernathy")
    client.force_login(admin)
    assert client.get(reverse("core:audit_export"), {"client": "Ruth Abernathy"}).status_code == 200
    export = AuditEvent.objects.get(action="audit.export")
    assert export.detail["filters"]["client"] == str(ruth.pk)
    assert "Ruth" not in str(export.detail)


def test_therapist_cannot_export_the_audit_report(client, therapist):
    client.force_login(therapist)
    assert client.get(reverse("core:audit_export")).status_code == 403


def test_export_cells_cannot_run_as_spreadsheet_formulas():
    assert audit.csv_cell('=HYPERLINK("x")').startswith("'=")
    assert audit.csv_cell("@SUM(1)").startswith("'@")
    assert audit.csv_cell("consent.record") == "consent.record"


def test_values_that_could_forge_a_log_line_are_escaped():
    assert audit.escape_for_log("bob\nseq=1 action=fake") == "bob\\x0aseq=1 action=fake"
    assert "\r" not in audit.escape_for_log("a\rb")


class _Collector(socketserver.BaseRequestHandler):
    received: list[bytes] = []

    def handle(self):
        data = self.request[0] if isinstance(self.request, tuple) else self.request.recv(65536)
        type(self).received.append(data)


@pytest.fixture
def udp_collector():
    _Collector.received = []
    server = socketserver.UDPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def tcp_collector():
    _Collector.received = []
    server = socketserver.TCPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _wait_for(predicate, seconds: float = 5.0):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_events_reach_a_real_udp_syslog_collector_after_commit(
    settings, udp_collector, therapist, django_capture_on_commit_callbacks
):
    host, port = udp_collector.server_address
    settings.AUDIT_SYSLOG = f"udp://{host}:{port}"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = audit.record(actor=therapist, action=ClientAction.CLIENT_UPDATE, client_ids=[7])
    assert _wait_for(lambda: _Collector.received)
    line = _Collector.received[0].decode()
    assert line.startswith("<") and f"seq={event.seq}" in line and "action=client.update" in line
    assert "clients=7" in line and "Maya" not in line


def test_events_reach_a_real_tcp_syslog_collector(
    settings, tcp_collector, therapist, django_capture_on_commit_callbacks
):
    host, port = tcp_collector.server_address
    settings.AUDIT_SYSLOG = f"tcp://{host}:{port}"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        audit.record(actor=therapist, action=ClientAction.CONSENT_REVOKE)
    assert _wait_for(lambda: _Collector.received)
    assert b"action=consent.revoke" in _Collector.received[0]


def test_a_collector_that_is_down_does_not_stop_the_change(settings, therapist, django_capture_on_commit_callbacks):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    settings.AUDIT_SYSLOG = f"tcp://127.0.0.1:{free_port}"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        audit.record(actor=therapist, action=ClientAction.CLIENT_UPDATE)
    assert AuditEvent.objects.filter(action="client.update").exists()

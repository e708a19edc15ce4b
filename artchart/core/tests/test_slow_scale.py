"""Scale and crash tests (``make test-slow``): thousands of clients, tens of thousands of events, a kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from artchart.clients.models import Client
from artchart.clients.selectors import client_search
from artchart.core import audit
from artchart.core.audit_actions import CoreAction
from artchart.core.models import AuditEvent, User

pytestmark = pytest.mark.slow
ROOT = Path(settings.BASE_DIR)


def _list_page_queries(browser) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(reverse("clients:list"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_client_list_costs_the_same_queries_with_5000_clients(client):
    call_command("seed", clients=30, seed=1, stdout=StringIO())
    therapist = User.objects.get(username="seed-therapist-01")
    client.force_login(therapist)
    client.get(reverse("clients:list"))  # settle the session row
    small = _list_page_queries(client)

    started = time.perf_counter()
    call_command("seed", clients=5000, seed=2, stdout=StringIO())
    assert time.perf_counter() - started < 60, "seeding 5000 clients should take well under a minute"
    assert Client.objects.count() == 5030
    assert client_search(therapist).count() == 503

    started = time.perf_counter()
    large = _list_page_queries(client)
    assert time.perf_counter() - started < 2
    assert large == small
    with CaptureQueriesContext(connection) as queries:
        page = list(client_search(therapist, q="a")[:25])
    assert len(page) == 25 and len(queries) == 1


# Committed in batches, as a practice writes them: on PostgreSQL one transaction
# that moves the counter row 20,000 times slows down with every version it leaves.
@pytest.mark.django_db(transaction=True)
def test_audit_verify_walks_20000_events():
    batch = 500
    for start in range(0, 20_000, batch):
        with transaction.atomic():
            for number in range(start, start + batch):
                audit.record(
                    actor=None,
                    action=CoreAction.TOKEN_USE,
                    object_type="test",
                    object_id=number,
                    client_ids=[number % 977 + 1],
                )
    assert AuditEvent.objects.count() == 20_000
    started = time.perf_counter()
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    elapsed = time.perf_counter() - started
    chain, witness = out.getvalue().strip().splitlines()
    assert chain == "Audit chain intact: 20000 events, head #20000"
    assert witness.endswith("holds heads up to #20000, all in the chain.")  # a line per committed batch
    assert elapsed < 60, f"verify took {elapsed:.1f} s for 20000 events"


# --- a writer killed mid-run ----------------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import os, sys
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "artchart.settings")
    import django
    django.setup()
    from artchart.core import services
    name = sys.argv[1]
    number = 0
    while True:
        number += 1
        organization = services.organization_create(name=f"{name}-{number}")
        # Printed only after the commit returned: every id printed must survive the kill.
        print(organization.pk, flush=True)
""")


def _env(home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "DATABASE_URL",
            "ARTCHART_SQLITE_PATH",
            "ARTCHART_MEDIA_ROOT",
            "ARTCHART_AUDIT_KEY",
            "ARTCHART_SECRET_KEY",
        )
    }
    env.update(ARTCHART_VAR_DIR=str(home), ARTCHART_PROFILE="local")
    return env


class Writer:
    """A child process appending organizations (one row and one audit event each) until killed."""

    def __init__(self, home: Path, name: str):
        self.acknowledged: list[int] = []
        self.process = subprocess.Popen(
            [sys.executable, "-c", WRITER, name],
            cwd=ROOT,
            env=_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.acknowledged.append(int(line))

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)
        assert self.process.returncode == -signal.SIGKILL, self.process.stderr.read()


def test_chain_survives_writers_killed_mid_run(tmp_path):
    home = tmp_path / "var"
    migrated = subprocess.run(
        [sys.executable, "-m", "artchart.cli", "migrate", "--no-input", "-v0", "--skip-checks"],
        cwd=ROOT,
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stderr
    acknowledged: list[int] = []
    for round_number in range(3):
        # Two writers at once, so the counter row's lock is contended too.
        writers = [Writer(home, f"round{round_number}-writer{n}") for n in range(2)]
        deadline = time.monotonic() + 60
        while min(len(writer.acknowledged) for writer in writers) < 150 and time.monotonic() < deadline:
            time.sleep(0.05)
        for writer in writers:
            writer.kill()
            assert len(writer.acknowledged) >= 150, "a writer made too little progress before the kill"
            acknowledged += writer.acknowledged

    verified = subprocess.run(
        [sys.executable, "-m", "artchart.cli", "audit", "verify"],
        cwd=ROOT,
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("Audit chain intact: ")

    db = sqlite3.connect(home / "artchart.sqlite3")
    try:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        organizations = {row[0] for row in db.execute("SELECT id FROM core_organization")}
        events = db.execute("SELECT count(*) FROM core_auditevent WHERE action = 'organization.create'").fetchone()[0]
    finally:
        db.close()
    assert set(acknowledged) <= organizations, "a commit the writer saw returned was lost"
    assert events == len(organizations), "a row was committed without its audit event, or the reverse"

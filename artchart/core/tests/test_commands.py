"""The ``artchart`` commands: demo, seed, serve, audit, flush.

Most tests call the commands in-process on the test database. The ``cli_home``
tests run the real ``artchart`` program in a child process against its own
SQLite file, as an operator would, to check exit codes and messages.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from artchart.clients.models import CareTeamMembership, Client
from artchart.core import audit, selectors
from artchart.core.audit_actions import CoreAction
from artchart.core.management.commands import flush as flush_command
from artchart.core.management.commands import serve as serve_command
from artchart.core.models import (
    AuditEvent,
    CareTeamRole,
    Organization,
    Role,
    User,
)
from artchart.demo import practice as demo
from artchart.measures.models import Administration
from artchart.tests.factories import ClientFactory, UserFactory

ROOT = Path(settings.BASE_DIR)


def _run(name: str, *args, **options) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, **options)
    return out.getvalue()


# --- demo -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_twice_changes_nothing_and_says_so(load_demo):
    load_demo()  # the run's one build of the demo, by ``artchart demo`` (see the root conftest)
    events, clients = AuditEvent.objects.count(), Client.objects.count()
    assert _run("demo").strip() == "The demo practice is already loaded; nothing was changed."
    assert (AuditEvent.objects.count(), Client.objects.count()) == (events, clients)


@pytest.mark.django_db
def test_demo_refuses_a_database_with_a_real_practice(org):
    with pytest.raises(CommandError, match="not demo data \\(Riverbend Art Therapy\\)"):
        _run("demo")
    assert not Organization.objects.filter(is_demo=True).exists()
    assert not Client.objects.exists()


@pytest.mark.django_db
def test_demo_refuses_beside_accounts_that_are_not_demo_accounts():
    UserFactory(username="root", organization=None)
    with pytest.raises(CommandError, match="user accounts that are not demo data \\(root\\)"):
        _run("demo")
    assert not Organization.objects.exists()


class _RolledBack(Exception):
    pass


def _demo_made() -> tuple[list[tuple], list[tuple]]:
    """Who the demo made, and each measure it recorded for them."""
    clients = list(
        Client.objects.order_by("pk").values_list("legal_first_name", "legal_last_name", "date_of_birth", "site__name")
    )
    measures = list(
        Administration.objects.order_by("client_id", "instrument", "administered_on", "pk").values_list(
            "client__legal_first_name", "instrument", "administered_on", "respondent", "total", "fit_reason"
        )
    )
    return clients, measures


def _demo_made_then_roll_back() -> tuple[list[tuple], list[tuple]]:
    """Build the demo inside a savepoint, note what it made, and undo it all."""
    made: tuple[list[tuple], list[tuple]] = ([], [])
    try:
        with transaction.atomic():
            demo.build_demo()
            made = _demo_made()
            raise _RolledBack
    except _RolledBack:
        return made


def _shift_the_keys() -> None:
    """Leave the next keys odd where they were even: a database that held rows before does so."""
    client = ClientFactory()
    site = client.site
    client.delete()
    site.delete()
    site.organization.delete()


@pytest.mark.django_db
def test_demo_is_the_same_every_time(load_demo):
    _shift_the_keys()  # the demo must not depend on which keys its rows get
    fresh = _demo_made_then_roll_back()
    assert not Organization.objects.exists()
    load_demo()  # an earlier build of this run (see the root conftest)
    assert fresh[1] and _demo_made() == fresh


# --- seed -----------------------------------------------------------------------------------------


def _seeded_names() -> list[tuple[str, str]]:
    return list(Client.objects.order_by("pk").values_list("legal_first_name", "legal_last_name"))


@pytest.mark.django_db
def test_seed_is_deterministic():
    _run("seed", clients=40, seed=7)
    first = _seeded_names()
    Client.objects.all().delete()
    _run("seed", clients=40, seed=7)
    assert _seeded_names() == first
    Client.objects.all().delete()
    _run("seed", clients=40, seed=8)
    assert _seeded_names() != first


@pytest.mark.django_db
def test_seed_makes_a_seed_practice_with_caseloads_and_one_audit_event():
    output = _run("seed", clients=120, seed=1)
    assert "Added 120 synthetic clients to Seed practice" in output
    organization = Organization.objects.get()
    assert organization.is_demo and organization.name == demo.SEED_ORGANIZATION
    assert Client.objects.filter(organization=organization).count() == 120
    assert CareTeamMembership.objects.filter(role=CareTeamRole.PRIMARY).count() == 120
    assert User.objects.filter(role=Role.THERAPIST).count() == demo.SEED_THERAPISTS
    event = AuditEvent.objects.get(action="seed.load")
    assert event.detail["clients"] == 120
    assert AuditEvent.objects.filter(action="client.create").count() == 0
    assert audit.verify().ok


@pytest.mark.django_db
def test_seed_adds_to_the_demo_practice_when_it_is_loaded(load_demo):
    load_demo()
    _run("seed", clients=50, seed=2)
    assert Organization.objects.count() == 1
    assert Client.objects.count() == 80
    therapists = set(
        CareTeamMembership.objects.filter(role=CareTeamRole.PRIMARY).values_list("user__username", flat=True)
    )
    assert therapists == {"therapist", "therapist2"}


@pytest.mark.django_db
def test_seed_refuses_a_real_practice_unless_forced(org, site, therapist):
    with pytest.raises(CommandError, match="--force"):
        _run("seed", clients=10, seed=1)
    assert not Client.objects.exists()
    _run("seed", clients=10, seed=1, force=True)
    assert Client.objects.filter(organization=org).count() == 10


# --- serve -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("bind", ["0.0.0.0:8000", "192.168.1.20:8000", "[::]:8000", "example.org:80"])
def test_serve_local_refuses_a_bind_beyond_loopback(bind):
    with (
        mock.patch.object(serve_command.Command, "run_server") as run_server,
        pytest.raises(CommandError, match="serves this computer only"),
    ):
        _run("serve", bind=bind)
    run_server.assert_not_called()


@pytest.mark.django_db
@pytest.mark.parametrize("bind", ["127.0.0.1:8000", "localhost:8123", "[::1]:8000", "unix:/tmp/artchart.sock"])
def test_serve_local_accepts_loopback(bind):
    with mock.patch.object(serve_command.Command, "run_server") as run_server:
        output = _run("serve", bind=bind)
    run_server.assert_called_once_with(bind=bind, workers=2)
    assert "local profile" in output


def test_serve_refuses_a_malformed_bind():
    with pytest.raises(CommandError, match="HOST:PORT"):
        _run("serve", bind="127.0.0.1")


def test_serve_refuses_a_profile_the_settings_were_not_loaded_for():
    with pytest.raises(CommandError, match="Settings were loaded for the local profile"):
        _run("serve", profile="server")


@pytest.mark.django_db
def test_serve_server_profile_collects_static_files_first(settings):
    settings.PROFILE = "server"
    steps = []
    with (
        mock.patch.object(serve_command, "call_command", side_effect=lambda name, **kw: steps.append(name)),
        mock.patch.object(serve_command.Command, "run_server", side_effect=lambda **kw: steps.append("gunicorn")),
    ):
        _run("serve", bind="0.0.0.0:8000", workers=3)
    assert steps == ["collectstatic", "gunicorn"]


@pytest.mark.django_db
def test_serve_prints_the_first_run_link_while_the_install_is_empty():
    with mock.patch.object(serve_command.Command, "run_server"):
        output = _run("serve", bind="127.0.0.1:8000")
    assert "This install is empty: set it up at http://127.0.0.1:8000/welcome/" in output
    assert "key=" not in output  # the local profile serves this computer only and asks no key


@pytest.mark.django_db
def test_serve_on_a_server_gives_the_first_run_link_with_its_key(settings):
    settings.PROFILE = "server"
    with (
        mock.patch.object(serve_command, "call_command"),
        mock.patch.object(serve_command.Command, "run_server"),
    ):
        output = _run("serve", bind="unix:/run/artchart.sock")
    assert f"set it up at /welcome/?key={selectors.first_run_key()}" in output


@pytest.mark.django_db
def test_serve_says_nothing_of_setup_once_the_practice_exists():
    UserFactory()
    with mock.patch.object(serve_command.Command, "run_server"):
        output = _run("serve", bind="127.0.0.1:8000")
    assert "welcome" not in output


# --- the real program in a child process --------------------------------------------------------------


@pytest.fixture(scope="module")
def _migrated_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("artchart-home")
    _cli(home, "migrate", "--no-input", "-v0", "--skip-checks", check=True)
    return home


@pytest.fixture
def cli_home(_migrated_home, tmp_path):
    """A var directory of its own (database, media, keys), copied from one migrated once."""
    home = tmp_path / "var"
    shutil.copytree(_migrated_home, home)
    return home


def _cli_env(home: Path, *, testing: bool = True) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "DATABASE_URL",
            "ARTCHART_SQLITE_PATH",
            "ARTCHART_MEDIA_ROOT",
            "ARTCHART_AUDIT_KEY",
            "ARTCHART_AUDIT_WITNESS",
            "ARTCHART_SECRET_KEY",
            "ARTCHART_TESTING",
        )
    }
    env.update(ARTCHART_VAR_DIR=str(home), ARTCHART_PROFILE="local")
    if testing:
        env["ARTCHART_TESTING"] = "1"
    return env


def _cli(home: Path, *args: str, testing: bool = True, check: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "artchart.cli", *args],
        cwd=ROOT,
        env=_cli_env(home, testing=testing),
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )


def _sqlite(home: Path, *statements: str) -> None:
    db = sqlite3.connect(home / "artchart.sqlite3")
    try:
        for statement in statements:
            db.execute(statement)
        db.commit()
    finally:
        db.close()


def test_cli_demo_then_verify_succeeds_and_a_second_demo_changes_nothing(cli_home):
    loaded = _cli(cli_home, "demo", "--skip-checks")
    assert loaded.returncode == 0, loaded.stderr
    assert "Demo practice loaded" in loaded.stdout
    again = _cli(cli_home, "demo", "--skip-checks")
    assert again.returncode == 0 and "already loaded" in again.stdout
    verified = _cli(cli_home, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("Audit chain intact: ")
    # The demo's commits were witnessed in var/audit/, beside the media folder and not in it.
    assert "artchart-witness seq=" in (cli_home / "audit" / "witness.log").read_text()
    assert f"Witness: {cli_home / 'audit' / 'witness.log'} holds heads up to #" in verified.stdout


def test_cli_demo_refuses_a_real_practice_with_a_non_zero_exit(cli_home):
    _sqlite(
        cli_home, "INSERT INTO core_organization (name, is_demo, created_at) VALUES ('Real Practice', 0, '2026-01-01')"
    )
    refused = _cli(cli_home, "demo", "--skip-checks")
    assert refused.returncode == 1
    assert "not demo data (Real Practice)" in refused.stderr


def test_cli_audit_verify_exits_1_and_names_the_tampered_event(cli_home):
    for seed in (1, 2, 3):  # each seed run records one event
        assert _cli(cli_home, "seed", "--clients", "2", "--seed", str(seed), "--skip-checks").returncode == 0
    _sqlite(
        cli_home,
        "DROP TRIGGER core_auditevent_no_update",
        "UPDATE core_auditevent SET action = 'client.delete' WHERE seq = 2",
    )
    broken = _cli(cli_home, "audit", "verify")
    assert broken.returncode == 1
    assert "Audit chain broken at event #2: event 2 was altered" in broken.stderr


def test_cli_flush_refuses_a_database_that_is_not_a_test_database(cli_home):
    assert _cli(cli_home, "seed", "--clients", "3", "--skip-checks").returncode == 0
    for testing in (False, True):  # ARTCHART_TESTING alone does not make a real file a test database
        refused = _cli(cli_home, "flush", "--no-input", "--skip-checks", testing=testing)
        assert refused.returncode == 1
        assert flush_command.REFUSED in refused.stderr
    db = sqlite3.connect(cli_home / "artchart.sqlite3")
    assert db.execute("SELECT count(*) FROM clients_client").fetchone() == (3,)
    db.close()


@pytest.mark.django_db
def test_flush_refuses_when_the_suite_is_not_marked_as_testing(settings):
    _with_event()
    settings.TESTING = False
    with pytest.raises(CommandError, match="flush runs only on a test database"):
        call_command("flush", interactive=False, stdout=StringIO())
    assert AuditEvent.objects.exists()


@pytest.mark.django_db
def test_flush_refuses_a_database_whose_name_is_not_a_test_name(monkeypatch):
    _with_event()
    monkeypatch.setitem(connection.settings_dict, "NAME", "/srv/artchart/var/artchart.sqlite3")
    with pytest.raises(CommandError, match="flush runs only on a test database"):
        call_command("flush", interactive=False, stdout=StringIO())
    monkeypatch.undo()
    assert AuditEvent.objects.exists()


def _with_event() -> AuditEvent:
    with transaction.atomic():
        return audit.record(actor=None, action=CoreAction.TOKEN_USE)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_cli_serve_answers_on_loopback(cli_home):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "artchart.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=_cli_env(cli_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status, deadline = None, time.monotonic() + 30
        while status is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as response:
                    status = response.status
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.2)
        assert status == 200, server.stdout.read() if server.poll() is not None else "no answer in 30 s"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_cli_setup_starts_a_practice_once_and_createsuperuser_waits_for_it(cli_home, tmp_path):
    secret = tmp_path / "password"
    secret.write_text("painted-lantern-harbour-7\n")
    superuser_first = _cli(cli_home, "createsuperuser", "--no-input", "--username", "op", "--email", "op@x.org")
    assert superuser_first.returncode == 1 and "artchart setup" in superuser_first.stderr
    answers = ["--organization", "Harbour Arts", "--site", "Studio", "--population-type", "outpatient"]
    me = ["--username", "mara", "--first-name", "Mara", "--last-name", "Okafor", "--password-file", str(secret)]
    started = _cli(cli_home, "setup", "--no-input", *answers, *me)
    assert started.returncode == 0, started.stderr
    assert "Harbour Arts is set up" in started.stdout
    again = _cli(cli_home, "setup", "--no-input", *answers, *me)
    assert again.returncode == 1 and "already set up" in again.stderr
    with sqlite3.connect(cli_home / "artchart.sqlite3") as db:
        assert db.execute("SELECT username, role FROM core_user").fetchall() == [("mara", "admin")]
        assert db.execute("SELECT count(*) FROM core_organization").fetchone() == (1,)


def test_cli_serve_refuses_a_network_bind_in_the_local_profile(cli_home):
    refused = _cli(cli_home, "serve", "--bind", "0.0.0.0:8000", "--skip-checks")
    assert refused.returncode == 1
    assert "serves this computer only" in refused.stderr

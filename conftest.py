"""Shared fixtures: one practice with named people in every role.

* ``therapist`` — primary therapist of ``client``; ``therapist2`` is not on its team
* ``intern`` — on ``client``'s team as intern; supervised by ``supervisor``
* ``supervisor`` — not on the team, sees ``client`` through supervising ``intern``
* ``teamviewer`` — a treatment-team member (viewer) on ``client``'s team
* ``outsider`` — a therapist of the same practice with no link to ``client``
* ``admin``, ``programadmin`` — organization roles with no clinical access

(all of them once for a module with ``module_practice``, for modules of many tests),
and the demo practice, built once per test run and loaded where a test reads it
(``demo_practice`` for a module, ``load_demo`` for one test).
"""

from __future__ import annotations

import copy
import fcntl
import os
import shutil
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("ARTCHART_TESTING", "1")

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402

# pytest-django imports the settings before this file runs, so the variable
# above comes too late for them; say it to the settings directly. Tests that
# commit (browser, transactional) may then reset their throw-away database —
# see artchart/core/testing.py, which also insists on a test database name.
settings.TESTING = True


@pytest.fixture(autouse=True)
def _fast_hashing_and_private_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Each test its own witness: the test database is emptied between tests, the witness must be too.
    settings.AUDIT_WITNESS = str(tmp_path / "audit" / "witness.log")


@pytest.fixture
def org(db):
    return _org()


def _org():
    from artchart.tests.factories import OrganizationFactory

    return OrganizationFactory(name="Riverbend Art Therapy")


@pytest.fixture
def site(org):
    return _site(org)


def _site(org):
    from artchart.tests.factories import SiteFactory

    return SiteFactory(organization=org, name="Riverbend Studio")


# Username: (role, first name, last name). The usernames are the fixtures' names.
_PEOPLE = {
    "therapist": ("therapist", "Tess", "Rivera"),
    "therapist2": ("therapist", "Theo", "Okafor"),
    "intern": ("intern", "Ian", "Novak"),
    "supervisor": ("supervisor", "Sam", "Lindqvist"),
    "teamviewer": ("team_member", "Vera", "Nurse"),
    "admin": ("admin", "Ada", "Admin"),
    "programadmin": ("program_admin", "Paz", "Program"),
    "outsider": ("therapist", "Olive", "Stranger"),
}


def _person(org, username: str):
    from artchart.tests.factories import UserFactory

    role, first, last = _PEOPLE[username]
    return UserFactory(organization=org, username=username, role=role, first_name=first, last_name=last)


@pytest.fixture
def therapist(org):
    return _person(org, "therapist")


@pytest.fixture
def therapist2(org):
    return _person(org, "therapist2")


@pytest.fixture
def outsider(org):
    return _person(org, "outsider")


@pytest.fixture
def intern(org):
    return _person(org, "intern")


@pytest.fixture
def supervisor(org, intern):
    return _supervisor(org, intern)


def _supervisor(org, intern):
    from artchart.tests.factories import SupervisionLinkFactory

    person = _person(org, "supervisor")
    SupervisionLinkFactory(supervisor=person, supervisee=intern)
    return person


@pytest.fixture
def teamviewer(org):
    return _person(org, "teamviewer")


@pytest.fixture
def admin(org):
    return _person(org, "admin")


@pytest.fixture
def programadmin(org):
    return _person(org, "programadmin")


@pytest.fixture
def client_record(site, therapist, intern, teamviewer):
    """A client on ``therapist``'s caseload, with the intern and a viewer on the team."""
    return _client_record(site, therapist, intern, teamviewer)


def _client_record(site, therapist, intern, teamviewer):
    from artchart.tests.factories import CareTeamFactory, ClientFactory

    record = ClientFactory(site=site, legal_first_name="Maya", legal_last_name="Lopez")
    CareTeamFactory(client=record, user=therapist, role="primary")
    CareTeamFactory(client=record, user=intern, role="intern")
    CareTeamFactory(client=record, user=teamviewer, role="viewer")
    return record


@pytest.fixture
def people(therapist, therapist2, intern, supervisor, teamviewer, admin, programadmin, outsider):
    return {
        "therapist": therapist,
        "therapist2": therapist2,
        "intern": intern,
        "supervisor": supervisor,
        "teamviewer": teamviewer,
        "admin": admin,
        "programadmin": programadmin,
        "outsider": outsider,
    }


@pytest.fixture(scope="module")
def module_practice(django_db_setup, django_db_blocker, tmp_path_factory):
    """``people`` and ``client_record`` built once for a module, for modules that run many tests over them.

    Yields the people by name with the client under ``"client"``, and the module's media
    folder. A module fixture that uses it adds its own rows in the same transaction, which
    is rolled back at the module's end; each test still runs in its own savepoint (``db``),
    so a test's changes to the rows are undone before the next test. What a test is handed
    should be its own copy of the instances and of the media (``module_copy``). Its rows are
    there for every test of the module, so the module's tests cannot also take the per-test
    people above (the usernames are the same).
    """
    media = tmp_path_factory.mktemp("module-media")
    with _module_transaction(django_db_blocker, media):
        org = _org()
        people = {name: _person(org, name) for name in ("therapist", "therapist2", "intern")}
        people["supervisor"] = _supervisor(org, people["intern"])
        people.update({name: _person(org, name) for name in ("teamviewer", "admin", "programadmin", "outsider")})
        record = _client_record(_site(org), people["therapist"], people["intern"], people["teamviewer"])
        yield {**people, "client": record}, media


@pytest.fixture
def module_copy(settings):
    """Records built once for a module, as this test's own: its media folder gets a copy of
    the module's files, and what it reads of the records is a copy (``RecordCopies``)."""

    def for_this_test(records: dict, media: Path) -> RecordCopies:
        shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        return RecordCopies(records)

    return for_this_test


class RecordCopies(Mapping):
    """Each record deep-copied the first time a test reads it, as Django's ``setUpTestData``
    hands each test its own: what a test changes in memory (signing in stamps the user's
    ``last_login``) is not what the next test starts from. Copying on reading, with one memo
    for the test, keeps two records that share an instance sharing its copy, and costs a
    test only what it reads."""

    def __init__(self, records: dict):
        self._records = records
        self._copies: dict = {}
        self._memo: dict = {}

    def __getitem__(self, name: str):
        if name not in self._copies:
            self._copies[name] = copy.deepcopy(self._records[name], self._memo)
        return self._copies[name]

    def __iter__(self):
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)


@contextmanager
def _module_transaction(django_db_blocker, media: Path):
    """Database access for a module fixture, in a transaction rolled back when it ends.

    Module fixtures come before the per-test settings above, so the same fast hasher is
    set here, and the module's own media folder.
    """
    from django.db import transaction

    with django_db_blocker.unblock(), _test_settings(media), transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- the demo practice, built once per test run ------------------------------------------------


class DemoSnapshot:
    """The demo practice as one build left it: its rows as a fixture file, and its media folder.

    Building the demo goes through every service (image analysis, audit events) and
    takes a minute on a busy machine; loading its rows takes seconds. Tests that read
    the demo load this snapshot into their own transaction, with their own copy of the
    media, so a test that changes the demo changes nobody else's.
    """

    EXCLUDED = ["contenttypes", "auth.permission", "sessions"]

    def __init__(self, directory: Path):
        self.directory = directory
        # XML, not JSON: Django's JSON encoder cuts date-times to milliseconds, and the audit
        # chain's hashes cover them to the microsecond.
        self.rows = directory / "rows.xml"
        self.media = directory / "media"
        self.output = directory / "output.txt"

    def build(self) -> None:
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        with _test_settings(self.media):
            call_command("demo", stdout=out)
            call_command(
                "dumpdata",
                format="xml",
                natural_foreign=True,
                exclude=self.EXCLUDED,
                output=str(self.rows),
                verbosity=0,
            )
        self.output.write_text(out.getvalue())

    def load(self, media: Path) -> str:
        """Load the rows into the current transaction and copy the media to ``media``; return the demo's output."""
        from django.core.management import call_command

        shutil.copytree(self.media, media, dirs_exist_ok=True)
        call_command("loaddata", str(self.rows), verbosity=0)
        return self.output.read_text()


def _test_settings(media: Path):
    from django.test import override_settings

    return override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=media)


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory, worker_id) -> DemoSnapshot:
    """Built by whichever test process needs it first; the others wait on a file lock and reuse it."""
    from django.db import transaction

    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # the run's folder, above each worker's own
    snapshot = DemoSnapshot(shared / "demo-practice")
    with open(shared / "demo-practice.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not snapshot.output.exists():
            snapshot.directory.mkdir(exist_ok=True)
            with django_db_blocker.unblock(), transaction.atomic():
                snapshot.build()
                transaction.set_rollback(True)
    return snapshot


@pytest.fixture(scope="module")
def demo_practice(demo_snapshot, django_db_blocker, tmp_path_factory):
    """The demo loaded once for a module; each test still runs in its own savepoint (``db``).

    Yields the demo command's output and the module's media folder.
    """
    media = tmp_path_factory.mktemp("demo-media")
    with _module_transaction(django_db_blocker, media):
        yield demo_snapshot.load(media), media


@pytest.fixture
def load_demo(demo_snapshot, settings):
    """Load the demo into this test's own transaction (for tests that go on to change it)."""

    def load() -> str:
        return demo_snapshot.load(Path(settings.MEDIA_ROOT))

    return load

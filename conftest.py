"""Shared fixtures: one practice with named people in every role.

* ``therapist`` — primary therapist of ``client``; ``therapist2`` is not on its team
* ``intern`` — on ``client``'s team as intern; supervised by ``supervisor``
* ``supervisor`` — not on the team, sees ``client`` through supervising ``intern``
* ``teamviewer`` — a treatment-team member (viewer) on ``client``'s team
* ``outsider`` — a therapist of the same practice with no link to ``client``
* ``admin``, ``programadmin`` — organization roles with no clinical access
"""

from __future__ import annotations

import os

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


@pytest.fixture
def org(db):
    from artchart.tests.factories import OrganizationFactory

    return OrganizationFactory(name="Riverbend Art Therapy")


@pytest.fixture
def site(org):
    from artchart.tests.factories import SiteFactory

    return SiteFactory(organization=org, name="Riverbend Studio")


def _person(org, username: str, role: str, first: str, last: str):
    from artchart.tests.factories import UserFactory

    return UserFactory(organization=org, username=username, role=role, first_name=first, last_name=last)


@pytest.fixture
def therapist(org):
    return _person(org, "therapist", "therapist", "Tess", "Rivera")


@pytest.fixture
def therapist2(org):
    return _person(org, "therapist2", "therapist", "Theo", "Okafor")


@pytest.fixture
def outsider(org):
    return _person(org, "outsider", "therapist", "Olive", "Stranger")


@pytest.fixture
def intern(org):
    return _person(org, "intern", "intern", "Ian", "Novak")


@pytest.fixture
def supervisor(org, intern):
    from artchart.tests.factories import SupervisionLinkFactory

    person = _person(org, "supervisor", "supervisor", "Sam", "Lindqvist")
    SupervisionLinkFactory(supervisor=person, supervisee=intern)
    return person


@pytest.fixture
def teamviewer(org):
    return _person(org, "teamviewer", "team_member", "Vera", "Nurse")


@pytest.fixture
def admin(org):
    return _person(org, "admin", "admin", "Ada", "Admin")


@pytest.fixture
def programadmin(org):
    return _person(org, "programadmin", "program_admin", "Paz", "Program")


@pytest.fixture
def client_record(site, therapist, intern, teamviewer):
    """A client on ``therapist``'s caseload, with the intern and a viewer on the team."""
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

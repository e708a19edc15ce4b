"""The demo practice as a newcomer finds it after ``make demo``.

Building the demo goes through every service, with audit events, so the test
run builds it once and this module loads it once, in a transaction rolled back
at the end (the ``demo_practice`` fixture of the root conftest); every test
reads it. Tests that build or refuse the demo themselves
are in test_commands.py.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from artchart.clients.models import CareTeamMembership, Client, Consent, ConsentKind, Contact, Diagnosis, GatheredInfo
from artchart.clients.validation import ICD10_PATTERN
from artchart.core import audit
from artchart.core.models import (
    AuditEvent,
    CareTeamRole,
    Organization,
    PopulationType,
    Role,
    Site,
    SupervisionLink,
    User,
)
from artchart.demo import practice as demo


@pytest.fixture(scope="module")
def demo_output(demo_practice):
    """What ``artchart demo`` printed (the demo is loaded once for the module: see the root conftest)."""
    output, _media = demo_practice
    return output


@pytest.fixture(autouse=True)
def _each_test_in_a_savepoint(db):
    pass


def test_demo_builds_the_practice_with_every_role(demo_output):
    assert "Demo practice loaded: 30 clients" in demo_output
    organization = Organization.objects.get()
    assert organization.is_demo
    assert set(Site.objects.values_list("population_type", flat=True)) == {
        PopulationType.SCHOOL,
        PopulationType.NURSING_HOME,
        PopulationType.FORENSIC,
        PopulationType.OUTPATIENT,
    }
    roles = dict(User.objects.values_list("username", "role"))
    assert roles == {
        "admin": Role.ADMIN,
        "programadmin": Role.PROGRAM_ADMIN,
        "therapist": Role.THERAPIST,
        "therapist2": Role.THERAPIST,
        "supervisor": Role.SUPERVISOR,
        "intern": Role.INTERN,
        "teamviewer": Role.TEAM_MEMBER,
    }
    assert User.objects.get(username="therapist").credentials.startswith("ATR-BC")
    assert SupervisionLink.objects.filter(
        supervisor__username="supervisor", supervisee__username="intern", ended_on__isnull=True
    ).exists()


def test_demo_users_sign_in_with_the_demo_password(demo_output):
    for username in demo.DEMO_USERNAMES:
        assert authenticate(username=username, password=demo.DEMO_PASSWORD) is not None, username


def test_demo_clients_are_spread_over_both_therapists_with_interns_and_viewers_on_some_teams(demo_output):
    assert Client.objects.count() == 30
    primaries = CareTeamMembership.objects.filter(role=CareTeamRole.PRIMARY)
    assert primaries.count() == 30
    assert set(primaries.values_list("user__username", flat=True)) == {"therapist", "therapist2"}
    assert CareTeamMembership.objects.filter(user__username="intern", role=CareTeamRole.INTERN).exists()
    assert CareTeamMembership.objects.filter(user__username="teamviewer", role=CareTeamRole.VIEWER).exists()
    for client in Client.objects.all():
        team = set(client.care_team.values_list("role", flat=True))
        assert CareTeamRole.PRIMARY in team


def test_demo_records_are_clinically_plausible(demo_output):
    assert all(ICD10_PATTERN.match(code) for code in Diagnosis.objects.values_list("icd10_code", flat=True))
    assert {"F43.10", "F32.1", "F41.1", "F84.0", "F03.90"} <= set(
        Diagnosis.objects.values_list("icd10_code", flat=True)
    )
    for client in Client.objects.prefetch_related("consents", "contacts"):
        kinds = {consent.kind for consent in client.consents.all()}
        assert {ConsentKind.TREATMENT, ConsentKind.RECORD} <= kinds, client
        if client.is_minor:
            assert any(contact.is_guardian for contact in client.contacts.all()), client
            assert all(consent.signer == "guardian" for consent in client.consents.all()), client
    assert Client.objects.filter(date_of_birth__gt="2010-01-01").exists()  # some minors
    assert Consent.objects.filter(kind=ConsentKind.RELEASE).count() == 1
    assert Consent.objects.filter(kind__in=[ConsentKind.SUPERVISION, ConsentKind.EXHIBIT]).exists()
    assert GatheredInfo.objects.exists()
    assert Client.objects.filter(sharps_restriction=True).exists()
    assert Client.objects.filter(choking_risk=True).exists()
    assert Contact.objects.filter(is_guardian=True).exists()


def test_demo_goes_through_the_services_so_every_write_is_audited(demo_output):
    created = set(AuditEvent.objects.filter(action="client.create").values_list("object_id", flat=True))
    assert created == {str(pk) for pk in Client.objects.values_list("pk", flat=True)}
    assert AuditEvent.objects.filter(action="consent.record").count() == Consent.objects.count()
    assert AuditEvent.objects.filter(action="user.create").count() == 7
    assert audit.verify().ok


def test_demo_has_a_school_group_signed_notes_for_every_client_and_the_intern_s_notes(demo_output):
    from django.utils import timezone

    from artchart.therapy.models import Attendance, Group, Note, NoteKind, NoteStatus, NoteTemplate, Session
    from artchart.therapy.selectors.sessions import sessions_today_for

    group = Group.objects.get(site__name="Maple Grove Elementary")
    assert group.memberships.filter(left_on__isnull=True).count() == 4
    assert Attendance.objects.filter(session__group=group).exists()
    assert Note.objects.filter(session__group=group, status=NoteStatus.SIGNED).exclude(group_part="").exists()
    assert group.sessions.filter(status="scheduled", starts_at__gt=timezone.now()).exists()  # the series goes on
    for client in Client.objects.all():
        assert Note.objects.filter(client=client, status=NoteStatus.SIGNED).exists(), client
    intern = User.objects.get(username="intern")
    assert Note.objects.filter(author=intern, status=NoteStatus.SUBMITTED).count() == 1
    returned = Note.objects.get(author=intern, status=NoteStatus.DRAFT)
    assert returned.returns.get().comment
    assert Note.objects.filter(late_entry=True).count() == 1  # the others are placed on their session's day
    assert Session.objects.filter(status="cancelled").exclude(cancel_reason="").exists()
    assert Session.objects.filter(status="no_show").exists()
    assert list(sessions_today_for(User.objects.get(username="therapist")))
    assert set(NoteTemplate.objects.values_list("kind", flat=True)) == set(NoteKind.values)
    assert audit.verify().ok

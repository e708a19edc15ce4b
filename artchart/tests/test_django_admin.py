"""Django's admin for the operator's superuser: every app's tables are there to look at, and
the clinical record cannot be changed through it (a signed document never changes; every
change goes through the services, which check the care team and audit it)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from artchart.tests.factories import (
    ArtworkFactory,
    ConsentFactory,
    ContactFactory,
    GroupMembershipFactory,
    NoteFactory,
    SessionFactory,
    UserFactory,
    with_second_factor,
)

pytestmark = pytest.mark.django_db

# Tables kept out of the admin, and why.
NOT_IN_ADMIN = {
    "therapy.ProcessNote": (
        "psychotherapy notes: only their author (and an intern author's supervisor) may know of them"
    ),
    "core.MfaDevice": "a second factor's secret",
    "core.RecoveryCode": "recovery codes",
    "core.SignInThrottle": "the lockout's counters",
    "plans.Problem": "part of a treatment plan, read on the plan's pages",
    "plans.Goal": "part of a treatment plan, read on the plan's pages",
    "plans.Objective": "part of a treatment plan, read on the plan's pages",
    "plans.PlannedIntervention": "part of a treatment plan, read on the plan's pages",
    "plans.ConferenceAttendee": "shown within its conference",
}
# Configuration (not clinical) the operator may edit, each change audited and flagged.
EDITABLE = {
    "therapy.Room",
    "programs.Directive",
    "programs.Program",
    "supplies.Material",
    "supplies.PopulationProfile",
}
CLINICAL_APPS = ("clients", "therapy", "artworks", "measures", "plans", "sso", "supervision", "supplies")


def _models(*app_labels):
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("artchart.") and (not app_labels or model._meta.app_label in app_labels)
    ]


def _registered(*app_labels):
    return [model for model in _models(*app_labels) if model in admin.site._registry]


@pytest.fixture
def operator(org):
    return with_second_factor(UserFactory(organization=org, is_staff=True, is_superuser=True))


def test_every_table_is_in_the_admin_or_says_why_not():
    missing = {model._meta.label for model in _models()} - {model._meta.label for model in _registered()}
    assert missing <= set(NOT_IN_ADMIN), missing - set(NOT_IN_ADMIN)


@pytest.mark.parametrize(
    "model",
    [m for m in _registered(*CLINICAL_APPS) if m._meta.label not in EDITABLE],
    ids=lambda model: model._meta.label,
)
def test_the_clinical_record_cannot_be_added_or_deleted_in_the_admin(rf, operator, model):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = operator
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.parametrize(
    "model",
    [m for m in _registered(*CLINICAL_APPS) if m._meta.label not in EDITABLE | {"plans.TreatmentPlan"}],
    ids=lambda model: model._meta.label,
)
def test_the_clinical_record_cannot_be_changed_in_the_admin(rf, operator, model):
    request = rf.get("/")
    request.user = operator
    assert not admin.site._registry[model].has_change_permission(request)


def test_every_list_opens_and_names_no_client(client, operator, therapist, client_record):
    session = SessionFactory(client=client_record, therapist=therapist, site=client_record.site)
    NoteFactory(client=client_record, session=session, author=therapist)
    ArtworkFactory(client=client_record, created_by=therapist)
    ContactFactory(client=client_record)
    ConsentFactory(client=client_record, recorded_by=therapist)
    GroupMembershipFactory(client=client_record)
    client.force_login(operator)
    for model in _registered(*CLINICAL_APPS):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Lopez" not in response.content.decode(), url


def test_a_clients_row_is_listed_but_never_opened(client, operator, client_record):
    client.force_login(operator)
    url = reverse("admin:clients_client_change", args=[client_record.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403

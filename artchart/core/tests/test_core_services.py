"""The organization-level services: each refuses with a clear message and writes nothing, or writes with its event."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from artchart.core import services
from artchart.core.models import AuditEvent, Site, SupervisionLink, User
from artchart.tests.factories import OrganizationFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quiet-lantern-harbour-42"


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


# --- users ------------------------------------------------------------------------------


def test_only_an_admin_creates_users(therapist):
    with pytest.raises(PermissionDenied):
        services.user_create(by=therapist, password=NEW_PASSWORD, username="x", role="therapist")


def test_weak_password_is_refused_on_the_password_field(admin):
    with pytest.raises(ValidationError) as caught:
        services.user_create(by=admin, password="123", username="newbie", role="intern")
    assert "password" in _messages(caught.value)
    assert not User.objects.filter(username="newbie").exists()


def test_role_change_bumps_the_security_epoch_and_is_flagged(admin, therapist):
    epoch = therapist.security_epoch
    services.user_update(by=admin, user=therapist, role="supervisor")
    therapist.refresh_from_db()
    assert therapist.security_epoch == epoch + 1
    assert AuditEvent.objects.get(action="user.update").flagged


def test_unchanged_user_writes_no_event(admin, therapist):
    services.user_update(by=admin, user=therapist, first_name=therapist.first_name)
    assert not AuditEvent.objects.filter(action="user.update").exists()


def test_admin_cannot_deactivate_themselves(admin):
    with pytest.raises(ValidationError) as caught:
        services.user_update(by=admin, user=User.objects.get(pk=admin.pk), is_active=False)
    assert caught.value.messages == [services.NO_SELF_LOCKOUT]
    admin.refresh_from_db()
    assert admin.is_active


def test_admin_cannot_update_a_user_of_another_organization(admin):
    stranger = UserFactory(organization=OrganizationFactory())
    with pytest.raises(ValidationError):
        services.user_update(by=admin, user=stranger, role="intern")


def test_admin_cannot_set_a_password_in_another_organization(admin):
    stranger = UserFactory(organization=OrganizationFactory())
    with pytest.raises(ValidationError) as caught:
        services.user_set_password(by=admin, user=stranger, password=NEW_PASSWORD)
    assert caught.value.messages == [services.NOT_SAME_ORGANIZATION]


def test_a_therapist_cannot_set_a_colleagues_password(therapist, outsider):
    with pytest.raises(PermissionDenied):
        services.user_set_password(by=therapist, user=outsider, password=NEW_PASSWORD)


# --- sites ----------------------------------------------------------------------------------


def test_site_name_is_unique_in_the_organization_regardless_of_case(admin, site):
    with pytest.raises(ValidationError) as caught:
        services.site_create(by=admin, name=site.name.lower(), population_type="school")
    assert _messages(caught.value) == {"name": [services.SITE_NAME_TAKEN]}


def test_another_organization_may_use_the_same_site_name(site):
    other_admin = UserFactory(organization=OrganizationFactory(), role="admin")
    created = services.site_create(by=other_admin, name=site.name, population_type="school")
    assert created.organization_id == other_admin.organization_id


def test_unknown_population_type_is_refused(admin):
    with pytest.raises(ValidationError) as caught:
        services.site_create(by=admin, name="Ward 9", population_type="moon_base")
    assert "population_type" in _messages(caught.value)
    assert not Site.objects.exists()


def test_admin_cannot_change_a_site_of_another_organization(admin):
    elsewhere = SiteFactory()
    with pytest.raises(ValidationError):
        services.site_update(by=admin, site=elsewhere, name="Mine now")


def test_renaming_a_site_to_a_taken_name_is_refused(admin, site):
    other = SiteFactory(organization=site.organization, name="Willow Room")
    with pytest.raises(ValidationError) as caught:
        services.site_update(by=admin, site=other, name=site.name)
    assert _messages(caught.value) == {"name": [services.SITE_NAME_TAKEN]}


# --- supervision ---------------------------------------------------------------------------------


def test_a_therapist_may_supervise_another_therapist(admin, therapist, therapist2):
    link = services.supervision_link_create(by=admin, supervisor=therapist, supervisee=therapist2)
    assert link.ended_on is None
    assert AuditEvent.objects.filter(action="supervision.start", object_id=str(link.pk)).exists()


def test_an_intern_cannot_supervise(admin, intern, therapist):
    with pytest.raises(ValidationError) as caught:
        services.supervision_link_create(by=admin, supervisor=intern, supervisee=therapist)
    assert _messages(caught.value) == {"supervisor": [services.SUPERVISOR_ROLE_NEEDED]}


def test_a_supervisor_cannot_be_supervised(admin, therapist, supervisor):
    with pytest.raises(ValidationError) as caught:
        services.supervision_link_create(by=admin, supervisor=therapist, supervisee=supervisor)
    assert _messages(caught.value) == {"supervisee": [services.SUPERVISEE_ROLE_NEEDED]}


def test_nobody_supervises_themselves(admin, therapist):
    with pytest.raises(ValidationError) as caught:
        services.supervision_link_create(by=admin, supervisor=therapist, supervisee=therapist)
    assert _messages(caught.value) == {"supervisee": [services.SUPERVISION_SELF]}


def test_supervision_across_organizations_is_refused(admin, therapist):
    stranger = UserFactory(organization=OrganizationFactory(), role="intern")
    with pytest.raises(ValidationError) as caught:
        services.supervision_link_create(by=admin, supervisor=therapist, supervisee=stranger)
    assert _messages(caught.value) == {"supervisee": [services.NOT_SAME_ORGANIZATION]}


def test_a_deactivated_person_cannot_be_linked(admin, therapist, intern):
    intern = services.user_update(by=admin, user=intern, is_active=False)
    with pytest.raises(ValidationError) as caught:
        services.supervision_link_create(by=admin, supervisor=therapist, supervisee=intern)
    assert _messages(caught.value) == {"supervisee": [services.SUPERVISION_INACTIVE]}


def test_a_second_open_link_is_refused_but_a_new_one_after_the_end_is_fine(admin, supervisor, intern):
    with pytest.raises(ValidationError) as caught:
        services.supervision_link_create(by=admin, supervisor=supervisor, supervisee=intern)
    assert caught.value.messages == [services.SUPERVISION_ALREADY_OPEN]
    services.supervision_link_end(by=admin, link=SupervisionLink.objects.get(supervisor=supervisor))
    services.supervision_link_create(by=admin, supervisor=supervisor, supervisee=intern)
    assert SupervisionLink.objects.filter(supervisor=supervisor, supervisee=intern).count() == 2


def test_only_an_admin_starts_a_link(therapist, intern):
    with pytest.raises(PermissionDenied):
        services.supervision_link_create(by=therapist, supervisor=therapist, supervisee=intern)


# --- tokens ------------------------------------------------------------------------------------------


def test_admin_of_another_organization_cannot_revoke_a_token(therapist):
    token, _ = services.token_issue(user=therapist, name="laptop")
    other_admin = UserFactory(organization=OrganizationFactory(), role="admin")
    with pytest.raises(ValidationError):
        services.token_revoke(by=other_admin, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_twice_writes_one_event(therapist):
    token, _ = services.token_issue(user=therapist, name="laptop")
    services.token_revoke(by=therapist, token=token)
    services.token_revoke(by=therapist, token=token)
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1


def test_an_update_works_on_the_stored_row_and_saves_only_what_changed(admin, therapist):
    stale = User.objects.get(pk=therapist.pk)
    services.user_update(by=admin, user=therapist, credentials="ATR-BC")
    updated = services.user_update(by=admin, user=stale, npi="1234567893")
    assert (updated.credentials, updated.npi) == ("ATR-BC", "1234567893")
    assert [e.detail["fields"] for e in AuditEvent.objects.filter(action="user.update").order_by("pk")] == [
        ["credentials"],
        ["npi"],
    ]

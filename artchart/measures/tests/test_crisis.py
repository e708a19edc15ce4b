"""The crisis resources a client answering through a link is shown: 988 by default, the
organization's own text once an admin sets it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape

from artchart.core.models import AuditEvent
from artchart.measures.models import DEFAULT_CRISIS_RESOURCES, CrisisResources
from artchart.measures.services.links import link_create
from artchart.measures.services.schedules import CRISIS_TEXT_NEEDED
from artchart.measures.views.public import CRISIS_SAVED

URL = reverse("measures:crisis_resources")
OWN = "Call the Riverbend crisis line: 555-0100, day and night. In danger now: 911."


def test_admins_see_the_default_until_they_set_their_own(client, admin):
    client.force_login(admin)
    page = client.get(URL).content.decode()
    assert escape(DEFAULT_CRISIS_RESOURCES) in page and "has not set its own text" in page


def test_an_admin_sets_the_text_and_link_pages_show_it(client, admin, therapist, client_record):
    client.force_login(admin)
    response = client.post(URL, {"text": f"  {OWN}  "}, follow=True)
    page = response.content.decode()
    assert CRISIS_SAVED in page and "Your organization's own text" in page
    assert CrisisResources.objects.get(organization=admin.organization).text == OWN
    assert AuditEvent.objects.filter(action="measure.crisis_resources_set", actor=admin).exists()
    _, token = link_create(by=therapist, client=client_record, instrument="gad7", recipient="Maya")
    client.logout()
    link_page = client.get(reverse("measures:public_link", args=[token])).content.decode()
    assert "555-0100" in link_page and escape(DEFAULT_CRISIS_RESOURCES) not in link_page


def test_an_empty_text_is_refused_and_the_old_one_stays(client, admin):
    CrisisResources.objects.create(organization=admin.organization, text=OWN, updated_by=admin)
    client.force_login(admin)
    response = client.post(URL, {"text": "   "})
    assert response.status_code == 200 and "Nothing was saved" in response.content.decode()
    response = client.post(URL, {"text": "x" * 2001})
    assert response.status_code == 200 and "Nothing was saved" in response.content.decode()
    assert CrisisResources.objects.get().text == OWN


def test_a_blank_text_says_what_is_needed(client, admin):
    client.force_login(admin)
    response = client.post(URL, {"text": "\n"})
    assert CRISIS_TEXT_NEEDED in response.content.decode()
    assert not CrisisResources.objects.exists()


def test_only_admins_change_it(client, therapist, programadmin):
    for person in (therapist, programadmin):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"text": OWN}).status_code == 403
    assert not CrisisResources.objects.exists()


def test_another_organizations_text_is_not_shown(client, admin, therapist, client_record):
    from artchart.tests.factories import OrganizationFactory, UserFactory

    other = OrganizationFactory(name="Elsewhere")
    CrisisResources.objects.create(
        organization=other, text="Elsewhere line 555-0199", updated_by=UserFactory(organization=other, role="admin")
    )
    _, token = link_create(by=therapist, client=client_record, instrument="gad7", recipient="Maya")
    assert "555-0199" not in client.get(reverse("measures:public_link", args=[token])).content.decode()
    client.force_login(admin)
    assert "555-0199" not in client.get(URL).content.decode()

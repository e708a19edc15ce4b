"""axe-core (WCAG 2.0 and 2.1, levels A and AA) finds nothing serious or critical on the main pages."""

import pytest
from playwright.sync_api import expect

from artchart.tests.factories import ConsentFactory, ContactFactory, GatheredInfoFactory

pytestmark = pytest.mark.browser


def _login(page, sign_in, people, client):
    page.goto("/login/")


def _dashboard(page, sign_in, people, client):
    sign_in(page, people["therapist"])


def _client_list(page, sign_in, people, client):
    sign_in(page, people["therapist"])
    page.goto("/clients/")


def _chart(page, sign_in, people, client):
    sign_in(page, people["therapist"])
    page.goto(f"/clients/{client.pk}/")


def _client_form_with_errors(page, sign_in, people, client):
    sign_in(page, people["therapist"])
    page.goto("/clients/new/")
    page.get_by_label("Legal first name").fill("Rowan")
    page.get_by_label("Date of birth").fill("2999-01-01")
    page.get_by_role("button", name="Open record").click()
    expect(page.get_by_role("alert")).to_be_visible()


def _consent_form(page, sign_in, people, client):
    sign_in(page, people["therapist"])
    page.goto(f"/clients/{client.pk}/consents/new/?kind=release")
    page.get_by_label("Drawn signature", exact=True).check()


def _consent_detail(page, sign_in, people, client):
    sign_in(page, people["therapist"])
    consent = client.consents.first()
    page.goto(f"/clients/{client.pk}/consents/{consent.pk}/")


def _audit(page, sign_in, people, client):
    sign_in(page, people["admin"])
    page.goto("/manage/audit/")


def _idle_dialog(page, sign_in, people, client):
    sign_in(page, people["therapist"])
    page.evaluate("() => document.getElementById('idle-warning').showModal()")


PAGES = {
    "login": _login,
    "dashboard": _dashboard,
    "client-list": _client_list,
    "chart": _chart,
    "client-form-with-errors": _client_form_with_errors,
    "consent-form": _consent_form,
    "consent-detail": _consent_detail,
    "audit": _audit,
    "idle-dialog": _idle_dialog,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_pass_axe(page, sign_in, axe, people, client_record, name):
    client_record.latex_allergy = True
    client_record.save()
    ContactFactory(client=client_record, name="Rosa Lopez", relationship="Mother", is_guardian=True)
    ConsentFactory(client=client_record, recorded_by=people["therapist"])
    GatheredInfoFactory(client=client_record, author=people["therapist"], body="Chose clay first.")
    PAGES[name](page, sign_in, people, client_record)
    page.wait_for_load_state("load")

    violations = axe(page, name)

    assert not violations.blocking, f"axe on {name} ({page.url}):\n{violations.describe(violations.blocking)}"

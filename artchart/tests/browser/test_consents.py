"""Recording consents in the browser: typed and drawn signatures, revocation, the release fields."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from artchart.clients.models import Consent

pytestmark = pytest.mark.browser


def _open_consent_form(page, client):
    page.goto(f"/clients/{client.pk}/")
    page.get_by_role("region", name="Consents").get_by_role("link", name="Record a consent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a consent")


def _fill_common(page, *, kind: str, signer_name: str):
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_role("group", name="Decision").get_by_label("Granted").check()
    page.get_by_label("Signed on").fill(timezone.localdate().isoformat())
    page.get_by_role("group", name=re.compile(r"^Signer\b")).get_by_label("Client").check()
    page.get_by_label("Signer name").fill(signer_name)


def _draw_signature(page):
    pad = page.get_by_role("img", name=re.compile("Signature pad"))
    expect(pad).to_be_visible()
    pad.scroll_into_view_if_needed()  # the mouse can only draw where the viewport is
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.6)
    page.mouse.down()
    for i in range(1, 21):
        # A signature-like wave across the pad.
        page.mouse.move(x + w * (0.1 + 0.04 * i), y + h * (0.6 - 0.25 * ((-1) ** i) * (i % 3) / 2), steps=2)
    page.mouse.up()


def test_record_and_revoke_a_consent_in_the_browser(page, sign_in, shoot, therapist, client_record):
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, therapist)
    _open_consent_form(page, client_record)
    _fill_common(page, kind="Consent to treatment", signer_name="Maya Lopez")
    page.get_by_label("Typed name").check()
    page.get_by_label("Typed signature").fill("Maya Lopez")
    expect(page.get_by_role("img", name=re.compile("Signature pad"))).to_be_hidden()
    shoot(page, "typed")
    page.get_by_role("button", name="Record consent").click()

    expect(page).to_have_url(re.compile(rf"/clients/{client_record.pk}/$"))
    expect(page.get_by_role("status")).to_have_text("The consent was recorded.")
    consents = page.get_by_role("region", name="Consents")
    expect(consents.get_by_role("listitem")).to_have_count(1)
    expect(consents.get_by_role("listitem")).to_contain_text("Granted")
    typed = Consent.objects.get(client=client_record, kind="treatment")
    assert (typed.signature_kind, typed.signature_typed, typed.recorded_by) == ("typed", "Maya Lopez", therapist)

    consents.get_by_role("link", name="Consent to treatment").click()
    expect(page.get_by_text("Maya Lopez (typed)")).to_be_visible()
    page.get_by_role("button", name="Revoke consent").click()
    expect(page).to_have_url(re.compile(rf"/clients/{client_record.pk}/$"))
    expect(page.get_by_role("status")).to_have_text("Consent to treatment was revoked.")
    expect(consents.get_by_role("listitem").first).to_contain_text("Revoked")
    typed.refresh_from_db()
    assert typed.revoked_on == timezone.localdate() and typed.revoked_by == therapist

    # Now a drawn signature, made by dragging on the pad.
    _open_consent_form(page, client_record)
    _fill_common(page, kind="Artwork: photograph for the clinical record", signer_name="Maya Lopez")
    page.get_by_label("Drawn signature", exact=True).check()
    expect(page.get_by_label("Typed signature")).to_be_hidden()
    _draw_signature(page)
    assert page.locator("[name=signature_drawn]").input_value().startswith("data:image/png;base64,")
    shoot(page, "drawn")
    page.get_by_role("button", name="Record consent").click()

    expect(page.get_by_role("status")).to_have_text("The consent was recorded.")
    drawn = Consent.objects.get(client=client_record, kind="record")
    assert drawn.signature_kind == "drawn"
    assert drawn.signature_drawn.startswith("data:image/png;base64,")
    assert drawn.signature_typed == ""

    page.get_by_role("link", name="Artwork: photograph for the clinical record").click()
    image = page.get_by_role("img", name="Drawn signature of Maya Lopez")
    expect(image).to_be_visible()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", image.element_handle())
    shoot(page, "drawn-detail")


def test_drawn_signature_is_required_when_chosen(page, sign_in, therapist, client_record):
    sign_in(page, therapist)
    _open_consent_form(page, client_record)
    _fill_common(page, kind="Consent to treatment", signer_name="Maya Lopez")
    page.get_by_label("Drawn signature", exact=True).check()
    page.get_by_role("button", name="Record consent").click()

    expect(page.get_by_text("Draw the signature in the box.")).to_be_visible()
    # The pad is shown again with the message, not hidden behind the typed field.
    expect(page.get_by_role("img", name=re.compile("Signature pad"))).to_be_visible()
    assert not Consent.objects.filter(client=client_record).exists()


def test_clearing_the_pad_empties_the_signature(page, sign_in, therapist, client_record):
    sign_in(page, therapist)
    _open_consent_form(page, client_record)
    page.get_by_label("Drawn signature", exact=True).check()
    _draw_signature(page)
    assert page.locator("[name=signature_drawn]").input_value() != ""
    page.get_by_role("button", name="Clear signature").click()
    assert page.locator("[name=signature_drawn]").input_value() == ""


def test_release_fields_appear_only_for_a_release(page, sign_in, therapist, client_record):
    sign_in(page, therapist)
    _open_consent_form(page, client_record)
    release = page.get_by_role("group", name=re.compile("Release of information"))
    exhibit_name = page.get_by_label("Show the client's name when exhibited")
    guardian = page.get_by_role("combobox", name="Guardian")

    expect(release).to_be_hidden()
    expect(exhibit_name).to_be_hidden()
    expect(guardian).to_be_hidden()

    page.get_by_label("Kind").select_option(label="Release of information")
    expect(release).to_be_visible()
    expect(release.get_by_label("Recipient")).to_be_visible()
    expect(exhibit_name).to_be_hidden()

    page.get_by_label("Kind").select_option(label="Artwork: exhibit in a showcase")
    expect(release).to_be_hidden()
    expect(exhibit_name).to_be_visible()

    page.get_by_label("Kind").select_option(label="Consent to treatment")
    expect(release).to_be_hidden()
    expect(exhibit_name).to_be_hidden()

    page.get_by_role("group", name=re.compile(r"^Signer\b")).get_by_label("Guardian").check()
    expect(guardian).to_be_visible()
    page.get_by_role("group", name=re.compile(r"^Signer\b")).get_by_label("Client").check()
    expect(guardian).to_be_hidden()


def test_a_release_with_missing_parts_keeps_its_fields_open(page, sign_in, therapist, client_record):
    sign_in(page, therapist)
    page.goto(f"/clients/{client_record.pk}/consents/new/?kind=release")
    release = page.get_by_role("group", name=re.compile("Release of information"))
    expect(release).to_be_visible()
    _fill_common(page, kind="Release of information", signer_name="Maya Lopez")
    page.get_by_label("Typed name").check()
    page.get_by_label("Typed signature").fill("Maya Lopez")
    page.get_by_role("button", name="Record consent").click()

    expect(release).to_be_visible()
    expect(release.get_by_text("A release of information names who receives it.")).to_be_visible()
    assert not Consent.objects.filter(client=client_record).exists()

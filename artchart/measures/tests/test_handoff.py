"""The tablet hand-off: the client sees only the questionnaire, nothing else of the record is
reachable, the answers are the therapist's record (mode "tablet"), and only the therapist's
password gives the record back (five wrong ones sign the tablet out)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from artchart.core.models import AuditEvent
from artchart.measures.models import Administration, RiskAlert
from artchart.measures.views.public import ANSWER_NEEDED, HANDOFF, NO_HANDOFF
from artchart.tests.factories import SessionFactory

HANDOFF_URL = reverse("measures:handoff")
RETURN_URL = reverse("measures:handoff_return")
MIDDLEWARE = "artchart.measures.middleware.HandoffMiddleware"


@pytest.fixture(autouse=True)
def _handoff_middleware(settings):
    if MIDDLEWARE not in settings.MIDDLEWARE:
        at = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
        settings.MIDDLEWARE = [*settings.MIDDLEWARE[:at], MIDDLEWARE, *settings.MIDDLEWARE[at:]]


@pytest.fixture
def tablet(client, therapist, client_record):
    """The therapist signed in and a PHQ-9 hand-off started in today's session."""
    session = SessionFactory(client=client_record, therapist=therapist)
    client.force_login(therapist)
    state = client.session
    state[HANDOFF] = {"client_id": client_record.pk, "instrument": "phq9", "session_id": session.pk, "by": therapist.pk}
    state.save()
    client.therapy_session = session
    return client


def _answers(values):
    return {f"item_{n}": str(v) for n, v in enumerate(values, start=1)}


def test_the_tablet_shows_only_the_questionnaire(tablet, client_record):
    response = tablet.get(HANDOFF_URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Little interest or pleasure in doing things" in page and page.count('name="item_') == 9 * 4 + 0
    for private in (client_record.legal_first_name, client_record.legal_last_name, 'aria-label="Main"', "Clients"):
        assert private not in page


@pytest.mark.parametrize("name", ["dashboard", "clients:list", "therapy:schedule", "core:tokens"])
def test_every_other_page_sends_the_tablet_back_to_the_questionnaire(tablet, name):
    response = tablet.get(reverse(name))
    assert response.status_code == 302 and response["Location"] == HANDOFF_URL


def test_the_chart_and_the_back_button_lead_back_to_the_questionnaire(tablet, client_record):
    response = tablet.get(reverse("clients:chart", args=[client_record.pk]), follow=True)
    assert response.redirect_chain == [(HANDOFF_URL, 302)]
    assert client_record.legal_last_name not in response.content.decode()


def test_signing_out_and_static_files_stay_reachable(tablet):
    assert tablet.get("/static/core/artchart.css").status_code != 302
    response = tablet.post(reverse("logout"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert HANDOFF not in tablet.session


def test_answers_are_saved_as_the_therapists_tablet_record(tablet, therapist, client_record):
    response = tablet.post(HANDOFF_URL, _answers([1, 1, 2, 1, 0, 1, 1, 0, 0]))
    assert response.status_code == 302 and response["Location"] == HANDOFF_URL
    administration = Administration.objects.get()
    assert (administration.mode, administration.recorded_by, administration.respondent) == (
        "tablet",
        therapist,
        "client",
    )
    assert administration.session == tablet.therapy_session and administration.total == 7
    thanks = tablet.get(HANDOFF_URL).content.decode()
    assert "please hand the tablet back" in thanks and "Little interest" not in thanks
    assert "7" not in thanks.split("<main")[1].split("Therapist")[0], "the score is not shown to the client"
    tablet.post(HANDOFF_URL, _answers([3] * 9))  # a second press, or the back button and a resend
    assert Administration.objects.count() == 1


def test_an_answer_outside_the_options_is_refused_and_nothing_is_stored(tablet):
    response = tablet.post(HANDOFF_URL, _answers([1, 1, 2, 1, 0, 1, 1, 0, 9]))
    assert response.status_code == 200 and "Choose one of the answers shown." in response.content.decode()
    assert not Administration.objects.exists()


def test_a_blank_item_keeps_the_answers_and_the_rest_completes_them(tablet):
    response = tablet.post(HANDOFF_URL, _answers([1, 1, 2, 1, 0, 1, 1, 0]))  # item 9 left blank
    page = response.content.decode()
    assert response.status_code == 200 and ANSWER_NEEDED in page and "Your answers so far are saved" in page
    kept = Administration.objects.get()
    assert not kept.is_complete and kept.mode == "tablet" and kept.answered_count == 8
    response = tablet.post(HANDOFF_URL, _answers([1, 1, 2, 1, 0, 1, 1, 0, 0]))
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.is_complete and kept.total == 7 and Administration.objects.count() == 1


def test_a_blank_item_with_a_risk_answer_raises_the_alert(tablet, client_record):
    tablet.post(HANDOFF_URL, _answers([1, 1, 1, "", 1, 1, 1, 1, 2]))
    kept = Administration.objects.get()
    assert not kept.is_complete and kept.risk
    assert RiskAlert.objects.get().administration == kept


def test_answers_are_saved_as_the_client_gives_them(tablet):
    save = reverse("measures:handoff_save")
    assert tablet.post(save, _answers([0, 0, 1, "", "", "", "", "", 3])).status_code == 204
    kept = Administration.objects.get()
    assert not kept.is_complete and kept.mode == "tablet" and kept.session == tablet.therapy_session
    assert RiskAlert.objects.get().administration == kept
    tablet.post(HANDOFF_URL, _answers([0, 0, 1, 0, 0, 0, 0, 0, 3]))
    kept.refresh_from_db()
    assert kept.is_complete and kept.total == 4 and RiskAlert.objects.count() == 1
    assert tablet.post(save, _answers([1] * 9)).status_code == 204, "nothing is under way any more"
    kept.refresh_from_db()
    assert kept.total == 4


def test_the_therapists_password_returns_the_record(tablet, client_record):
    tablet.post(HANDOFF_URL, _answers([0] * 9))
    page = tablet.get(RETURN_URL).content.decode()
    assert "Only Tess Rivera can go back to the record" in page
    wrong = tablet.post(RETURN_URL, {"password": "not-it"})
    assert wrong.status_code == 200 and "That is not the password of Tess Rivera" in wrong.content.decode()
    assert tablet.get(reverse("dashboard"))["Location"] == HANDOFF_URL
    from artchart.tests.factories import PASSWORD

    response = tablet.post(RETURN_URL, {"password": PASSWORD})
    assert response.status_code == 302 and HANDOFF not in tablet.session
    assert str(client_record.pk) in response["Location"]
    assert tablet.get(reverse("dashboard")).status_code == 200


def test_five_wrong_passwords_sign_the_tablet_out(tablet, therapist):
    for attempt in range(4):
        response = tablet.post(RETURN_URL, {"password": f"guess-{attempt}"})
        assert response.status_code == 200
    assert "1 attempt left" in response.content.decode()
    response = tablet.post(RETURN_URL, {"password": "guess-5"})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in tablet.session and HANDOFF not in tablet.session
    assert tablet.get(reverse("dashboard"))["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.filter(action="auth.logout", actor=therapist, flagged=True).exists()


def test_returning_before_the_client_finished_records_nothing(tablet):
    from artchart.tests.factories import PASSWORD

    assert "records nothing" in tablet.get(RETURN_URL).content.decode()
    response = tablet.post(RETURN_URL, {"password": PASSWORD}, follow=True)
    assert "nothing was recorded" in response.content.decode()
    assert not Administration.objects.exists()


def test_without_a_handoff_the_pages_send_you_to_the_dashboard(client, therapist):
    client.force_login(therapist)
    for url in (HANDOFF_URL, RETURN_URL):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == reverse("dashboard") and NO_HANDOFF in response.content.decode()


def test_a_handoff_started_by_someone_else_is_not_theirs(client, therapist, intern, client_record):
    client.force_login(intern)
    state = client.session
    state[HANDOFF] = {"client_id": client_record.pk, "instrument": "phq9", "session_id": None, "by": therapist.pk}
    state.save()
    response = client.post(HANDOFF_URL, _answers([0] * 9))
    assert response.status_code == 302 and not Administration.objects.exists()


def test_an_outsider_cannot_use_a_handoff_to_reach_a_client(client, therapist2, client_record):
    client.force_login(therapist2)
    state = client.session
    state[HANDOFF] = {"client_id": client_record.pk, "instrument": "phq9", "session_id": None, "by": therapist2.pk}
    state.save()
    assert client.get(HANDOFF_URL).status_code == 404
    assert client.post(HANDOFF_URL, _answers([0] * 9)).status_code == 404
    assert not Administration.objects.exists()

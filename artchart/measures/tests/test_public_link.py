"""Answering through a one-time link: no sign-in, no navigation, no client name; the notice that
nobody watches the answers before and after; crisis resources at once on a risk answer; a link
that no longer works says only that."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from artchart.measures.forms import NOT_AN_OPTION
from artchart.measures.models import DEFAULT_CRISIS_RESOURCES, Administration, CrisisResources, MeasureLink, RiskAlert
from artchart.measures.services.links import link_create, link_resend
from artchart.measures.views.public import ANSWER_NEEDED

NOT_WATCHED = "Nobody watches these answers as you give them."
GONE = "This link no longer works"


def _link(therapist, client_record, instrument="gad7", **extra):
    link, token = link_create(by=therapist, client=client_record, instrument=instrument, recipient="Maya", **extra)
    return link, reverse("measures:public_link", args=[token])


def _answers(values, **extra) -> dict:
    return {**{f"item_{n}": str(v) for n, v in enumerate(values, start=1)}, **extra}


@pytest.fixture
def gad7(therapist, client_record):
    return _link(therapist, client_record)


def test_the_page_shows_the_questionnaire_and_the_notice_without_signing_in(client, gad7, client_record):
    _, url = gad7
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert NOT_WATCHED in page and escape(DEFAULT_CRISIS_RESOURCES) in page
    assert page.index(NOT_WATCHED) < page.index('name="item_1"'), "the notice comes before the questions"
    assert "Over the last 2 weeks" in page and "Feeling nervous, anxious, or on edge" in page
    assert page.count('type="radio" name="item_') == 7 * 4 and "Nearly every day" in page
    for private in (client_record.legal_first_name, client_record.legal_last_name, "Riverbend"):
        assert private not in page
    assert 'aria-label="Main"' not in page and "Sign out" not in page


def test_the_page_keeps_itself_out_of_caches_referrers_and_search(client, gad7):
    response = client.get(gad7[1])
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert not response.cookies, "answering sets no cookie (the token is the only key)"


def test_answers_are_scored_and_the_link_is_used_up(client, gad7, client_record):
    link, url = gad7
    response = client.post(url, _answers([2, 2, 1, 1, 1, 0, 1]))
    page = response.content.decode()
    assert response.status_code == 200 and "Thank you" in page
    assert "nobody watches these answers as they arrive" in page and escape(DEFAULT_CRISIS_RESOURCES) in page
    assert "Please reach out now" not in page
    administration = Administration.objects.get()
    assert (administration.client, administration.mode, administration.total) == (client_record, "link", 8)
    assert administration.answers == [2, 2, 1, 1, 1, 0, 1] and administration.recorded_by is None
    link.refresh_from_db()
    assert link.status == "completed" and link.administration == administration
    again = client.get(url)
    assert again.status_code == 404 and GONE in again.content.decode()


def test_a_risk_answer_shows_the_crisis_resources_at_once(client, therapist, client_record):
    CrisisResources.objects.create(
        organization=client_record.organization,
        updated_by=therapist,
        text="Call the Riverbend crisis line: 555-0100, day and night.",
    )
    _, url = _link(therapist, client_record, instrument="phq9")
    response = client.post(url, _answers([0, 0, 0, 0, 0, 0, 0, 0, 1], extra_difficulty="1"))
    page = response.content.decode()
    assert "Please reach out now" in page and "555-0100" in page and 'role="alert"' in page
    assert page.index("555-0100") < page.index("<h1>Thank you"), "the crisis resources come first"
    administration = Administration.objects.get()
    assert administration.risk and administration.extra_answers == {"difficulty": 1}
    assert RiskAlert.objects.filter(administration=administration, acknowledged_at__isnull=True).exists()


def test_risk_options_are_marked_for_the_script_and_only_they(client, therapist, client_record):
    _, url = _link(therapist, client_record, instrument="phq9")
    page = client.get(url).content.decode()
    marked = re.findall(r'<input type="radio" name="(item_\d+)" value="(\d+)"[^>]*data-risk', page)
    assert marked == [("item_9", "1"), ("item_9", "2"), ("item_9", "3")]


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        (_answers([1, 1, 1, 1, 1, 1, 7]), NOT_AN_OPTION),  # outside the options
        (_answers([1, 1, 1, 1, 1, 1, "often"]), NOT_AN_OPTION),  # text
        (_answers([1] * 7, extra_unknown="2"), None),  # unknown fields are ignored, not stored
    ],
)
def test_bad_answers_change_nothing(client, gad7, posted, message):
    link, url = gad7
    response = client.post(url, posted)
    page = response.content.decode()
    if message is None:
        assert "Thank you" in page and Administration.objects.get().extra_answers == {}
        return
    assert response.status_code == 200 and message in page and "Your answers were not sent yet" in page
    assert not Administration.objects.exists()
    link.refresh_from_db()
    assert link.status == "waiting"
    assert 'value="1" checked' in page or "checked" in page, "what was answered stays chosen"


def test_a_blank_item_keeps_the_answers_given_and_the_link_open(client, gad7):
    link, url = gad7
    response = client.post(url, _answers([1, 1, 1, 1, 1, 1]))  # item 7 left blank
    page = response.content.decode()
    assert response.status_code == 200 and ANSWER_NEEDED in page and "Your answers so far are saved" in page
    kept = Administration.objects.get()
    assert not kept.is_complete and kept.total is None and kept.answers == [1, 1, 1, 1, 1, 1, None]
    link.refresh_from_db()
    assert link.status == "started" and link.administration == kept and not RiskAlert.objects.exists()


def test_the_rest_sent_later_completes_the_same_administration(client, gad7):
    link, url = gad7
    client.post(url, _answers([1, 1, 1, 1, 1, 1]))
    response = client.post(url, _answers([1, 1, 1, 1, 1, 1, 2]))
    assert "Thank you" in response.content.decode()
    kept = Administration.objects.get()
    assert kept.is_complete and kept.total == 8 and kept.incomplete_reason == ""
    link.refresh_from_db()
    assert link.status == "completed" and link.administration == kept


def test_a_refused_form_with_a_risk_answer_is_kept_and_raises_the_alert(client, therapist, client_record):
    link, url = _link(therapist, client_record, instrument="phq9")
    response = client.post(url, _answers([1, 1, 1, "", 1, 1, 1, 1, 2]))  # item 4 blank, item 9 = 2
    page = response.content.decode()
    assert ANSWER_NEEDED in page and "Please reach out now" in page
    kept = Administration.objects.get()
    assert not kept.is_complete and kept.risk and kept.answers[8] == 2 and kept.answers[3] is None
    alert = RiskAlert.objects.get()
    assert alert.administration == kept and alert.is_open and alert.client == client_record


def test_a_risk_answer_with_every_other_item_blank_is_kept_and_alerts(client, therapist, client_record):
    _, url = _link(therapist, client_record, instrument="phq9")
    client.post(url, _answers(["", "", "", "", "", "", "", "", 1]))
    kept = Administration.objects.get()
    assert kept.answered_count == 1 and kept.risk and RiskAlert.objects.filter(administration=kept).exists()


def test_completing_a_form_that_already_alerted_raises_no_second_alert(client, therapist, client_record):
    link, url = _link(therapist, client_record, instrument="phq9")
    client.post(url, _answers([1, 1, 1, "", 1, 1, 1, 1, 2]))
    client.post(url, _answers([1, 1, 1, 1, 1, 1, 1, 1, 2]))
    assert Administration.objects.get().is_complete and RiskAlert.objects.count() == 1


def _save_url(page_url: str) -> str:
    return page_url + "save"


def test_answers_are_saved_as_given_and_a_risk_answer_alerts_before_the_form_is_sent(client, therapist, client_record):
    link, url = _link(therapist, client_record, instrument="phq9")
    assert client.post(_save_url(url), _answers([1])).status_code == 204
    assert not RiskAlert.objects.exists() and Administration.objects.get().answered_count == 1
    response = client.post(_save_url(url), _answers([1, 0, 2, "", "", "", "", "", 2]))
    assert response.status_code == 204 and "no-store" in response["Cache-Control"]
    # The client closes the tab here: the answers and the alert are already with the clinicians.
    kept = Administration.objects.get()
    assert not kept.is_complete and kept.answers[:3] == [1, 0, 2] and kept.answers[8] == 2 and kept.risk
    assert RiskAlert.objects.get().administration == kept
    link.refresh_from_db()
    assert link.status == "started"


def test_a_saved_form_with_every_answer_is_still_not_scored_until_sent(client, gad7):
    link, url = gad7
    client.post(_save_url(url), _answers([1] * 7))
    assert not Administration.objects.get().is_complete
    client.post(url, _answers([1] * 7))
    kept = Administration.objects.get()
    assert kept.is_complete and kept.total == 7


def test_saving_keeps_the_valid_answers_and_leaves_out_refused_ones(client, gad7):
    _, url = gad7
    client.post(_save_url(url), _answers([1, 7, 2]))
    assert Administration.objects.get().answers == [1, None, 2, None, None, None, None]


def test_saving_nothing_stores_nothing_and_a_dead_link_saves_nothing(client, therapist, client_record, gad7):
    link, url = gad7
    assert client.post(_save_url(url), {}).status_code == 204 and not Administration.objects.exists()
    client.post(url, _answers([0] * 7))
    assert client.post(_save_url(url), _answers([3])).status_code == 404
    assert Administration.objects.get().answers == [0] * 7


def test_every_link_that_no_longer_works_says_the_same(client, therapist, client_record):
    used, used_url = _link(therapist, client_record)
    client.post(used_url, _answers([0] * 7))
    expired, expired_url = _link(therapist, client_record)
    MeasureLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    replaced, replaced_url = _link(therapist, client_record)
    link_resend(by=therapist, link=replaced)
    pages = []
    for url in (used_url, expired_url, replaced_url, reverse("measures:public_link", args=["made-up-token"])):
        response = client.get(url)
        assert response.status_code == 404 and response["Referrer-Policy"] == "no-referrer"
        pages.append(response.content.decode())
        assert client.post(url, _answers([0] * 7)).status_code == 404
    assert GONE in pages[0] and "contact your therapist" in pages[0]
    assert len(set(pages)) == 1, "nothing tells a used link from an expired, replaced or made-up one"
    assert Administration.objects.count() == 1


def test_a_guardian_is_addressed_as_the_guardian(client, therapist, client_record):
    _, url = _link(therapist, client_record, respondent="guardian")
    assert "as the parent or guardian" in client.get(url).content.decode()
    client.post(url, _answers([0] * 7))
    assert Administration.objects.get().respondent == "guardian"


def test_the_page_takes_a_fixed_number_of_queries(client, gad7, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get(gad7[1])

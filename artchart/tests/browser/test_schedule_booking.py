"""Booking from the week's time grid on a tablet, and the same week as a list of days on a phone."""

import datetime as dt

import pytest
from django.utils import timezone

from artchart.tests.browser.test_touch_targets import PHONE, TABLET, TARGETS_TOO_SMALL
from artchart.tests.factories import SessionFactory
from artchart.therapy.models import Session

pytestmark = pytest.mark.browser


def _week_with_a_session(therapist, client_record) -> dt.date:
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    SessionFactory(
        client=client_record,
        therapist=therapist,
        site=client_record.site,
        status="scheduled",
        starts_at=timezone.make_aware(dt.datetime.combine(monday, dt.time(10, 30))),
    )
    return monday


def test_a_tap_on_a_free_hour_books_it(new_page, sign_in, shoot, therapist, client_record):
    monday = _week_with_a_session(therapist, client_record)
    page = new_page(viewport=TABLET, has_touch=True)
    sign_in(page, therapist)
    page.goto("/schedule/")
    assert page.locator(".wk-head.is-today").count() == 1
    assert page.evaluate(TARGETS_TOO_SMALL, 44) == []
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    shoot(page, "tablet")
    tuesday = monday + dt.timedelta(days=1)
    page.get_by_role("link", name=f"Book {tuesday:%a} {tuesday.day} {tuesday:%b} at 14:00").tap()
    page.wait_for_url("**/schedule/book/**")
    assert page.locator("#id_day").input_value() == tuesday.isoformat()
    assert page.locator("#id_start").input_value() == "14:00"
    page.locator("#id_client").select_option(label="Maya Lopez")
    page.locator("#id_duration").select_option("45")
    with page.expect_navigation():
        page.get_by_role("button", name="Book", exact=True).tap()
    booked = Session.objects.order_by("-starts_at").first()
    assert timezone.localtime(booked.starts_at) == timezone.make_aware(dt.datetime.combine(tuesday, dt.time(14)))
    assert booked.duration_minutes == 45 and booked.client == client_record


def test_on_a_phone_the_week_is_a_list_of_days(new_page, sign_in, shoot, therapist, client_record):
    _week_with_a_session(therapist, client_record)
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    sign_in(page, therapist)
    page.goto("/schedule/")
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert page.evaluate(TARGETS_TOO_SMALL, 44) == []
    assert page.get_by_text("Maya Lopez").is_visible()
    shoot(page, "phone")

"""What the audit chain costs: per request, and per write against a bare INSERT.

Requests go through the whole stack (Django's test client, a signed-in
therapist, every middleware). The floor is the empty keep-alive page (204),
which passes the same middleware, session and login checks but shows no
client, so it records nothing. The client pages record one read event each;
the same pages with ``audit.record`` switched off show what the chain adds.

Writes compare ``audit.record()`` (lock the counter row, HMAC, insert, move the
counter) with a bare INSERT of a row of the same shape into a table with the
same indexes, both committed one by one (what a request pays, an fsync each on
SQLite with synchronous=FULL) and inside one transaction (the CPU part), and
``audit.record()`` with and without the witness: one line appended and fsynced
per commit (the last row's ratio is witnessed ÷ not witnessed).
"""

from __future__ import annotations

import statistics
import time
from unittest import mock

from django.db import connection, transaction
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from artchart.clients.models import Client
from artchart.core import audit
from artchart.core.audit_actions import CoreAction
from artchart.core.models import AuditCounter, CareTeamRole, User
from bench.table import Row

ROUNDS = 3
PLAIN_TABLE = "bench_plain_event"
PLAIN_COLUMNS = "at, actor_id, action, object_type, object_id, client_ids, detail, flagged, ip, prev_hash, hash"


def _no_record(**kwargs):
    return None


def _ms_per_request(browser: Browser, url: str, count: int, *, status: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        response = browser.get(url)
        if response.status_code != status:
            raise RuntimeError(f"{url} answered {response.status_code}, expected {status}")
    return (time.perf_counter() - start) * 1000 / count


def _events() -> int:
    return AuditCounter.objects.get(id=1).last_seq


def requests(*, count: int) -> list[Row]:
    therapist = User.objects.get(username="therapist")
    client = (
        Client.objects.filter(care_team__user=therapist, care_team__role=CareTeamRole.PRIMARY).order_by("pk").first()
    )
    browser = Browser()
    browser.force_login(therapist)
    pages = {
        "floor": (reverse("keepalive"), 204),
        "chart": (reverse("clients:chart", args=[client.pk]), 200),
        "list": (reverse("clients:list"), 200),
    }
    for url, status in pages.values():  # warm templates, caches and the connection
        _ms_per_request(browser, url, 10, status=status)

    per_round = max(count // ROUNDS, 1)
    samples: dict[str, list[float]] = {name: [] for name in ("floor", "chart", "chart_off", "list", "list_off")}
    for _ in range(ROUNDS):  # interleaved, so drift in the machine touches every measure alike
        samples["floor"].append(_ms_per_request(browser, pages["floor"][0], per_round, status=204))
        before = _events()
        samples["chart"].append(_ms_per_request(browser, pages["chart"][0], per_round, status=200))
        if _events() - before != per_round:
            raise RuntimeError("the chart page did not record one read event per request")
        samples["list"].append(_ms_per_request(browser, pages["list"][0], per_round, status=200))
        with mock.patch.object(audit, "record", _no_record):
            samples["chart_off"].append(_ms_per_request(browser, pages["chart"][0], per_round, status=200))
            samples["list_off"].append(_ms_per_request(browser, pages["list"][0], per_round, status=200))
    ms = {name: statistics.median(values) for name, values in samples.items()}
    floor = ms["floor"]
    section = f"Requests ({per_round * ROUNDS} each, median of {ROUNDS} rounds)"
    return [
        Row(section, "empty page, keepalive 204 (floor)", floor, "ms", 1.0),
        Row(section, "client chart, read audited", ms["chart"], "ms", ms["chart"] / floor),
        Row(section, "client chart, audit off", ms["chart_off"], "ms", ms["chart_off"] / floor),
        Row(section, "client list (one page), read audited", ms["list"], "ms", ms["list"] / floor),
        Row(section, "client list (one page), audit off", ms["list_off"], "ms", ms["list_off"] / floor),
        Row(
            section,
            "audit share of a chart request",
            ms["chart"] - ms["chart_off"],
            "ms",
            (ms["chart"] - ms["chart_off"]) / floor,
        ),
    ]


def _create_plain_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {PLAIN_TABLE} (seq integer PRIMARY KEY, at datetime NOT NULL, "
            "actor_id bigint NULL, action varchar(64) NOT NULL, object_type varchar(64) NOT NULL, "
            "object_id varchar(64) NOT NULL, client_ids text NOT NULL, detail text NOT NULL, flagged bool NOT NULL, "
            "ip char(39) NULL, prev_hash varchar(64) NOT NULL, hash varchar(64) NOT NULL)"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {PLAIN_TABLE}_action ON {PLAIN_TABLE} (action)")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {PLAIN_TABLE}_at ON {PLAIN_TABLE} (at)")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {PLAIN_TABLE}_actor_at ON {PLAIN_TABLE} (actor_id, at)")


def _us_per_call(function, count: int, *, one_transaction: bool) -> float:
    start = time.perf_counter()
    if one_transaction:
        with transaction.atomic():
            for _ in range(count):
                function()
    else:
        for _ in range(count):
            with transaction.atomic():
                function()
    return (time.perf_counter() - start) * 1_000_000 / count


def writes(*, count: int) -> list[Row]:
    _create_plain_table()
    therapist = User.objects.get(username="therapist")
    client_id = Client.objects.order_by("pk").values_list("pk", flat=True).first()
    insert = f"INSERT INTO {PLAIN_TABLE} ({PLAIN_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"

    def bare_insert():
        with connection.cursor() as cursor:
            cursor.execute(
                insert,
                [
                    timezone.now(),
                    therapist.pk,
                    "client.read",
                    "view",
                    "clients:chart",
                    f",{client_id},",
                    "{}",
                    False,
                    "127.0.0.1",
                    "0" * 64,
                    "0" * 64,
                ],
            )

    def audited():
        audit.record(
            actor=therapist,
            action=CoreAction.CLIENT_READ,
            object_type="view",
            object_id="clients:chart",
            client_ids=[client_id],
        )

    rows = []
    for one_transaction, label, n in ((False, "committed one by one", count), (True, "in one transaction", count * 4)):
        section = f"Writes, {label} ({n} each)"
        plain = _us_per_call(bare_insert, n, one_transaction=one_transaction)
        recorded = _us_per_call(audited, n, one_transaction=one_transaction)
        with mock.patch.object(audit, "_witness_after_commit", _no_record):
            unwitnessed = _us_per_call(audited, n, one_transaction=one_transaction)
        rows += [
            Row(section, "bare INSERT of the same row (floor)", plain, "µs", 1.0),
            Row(section, "audit.record(), witnessed after commit", recorded, "µs", recorded / plain),
            Row(section, "audit.record(), witness off", unwitnessed, "µs", unwitnessed / plain),
            Row(section, "witness share of a write", recorded - unwitnessed, "µs", recorded / unwitnessed),
        ]
    return rows

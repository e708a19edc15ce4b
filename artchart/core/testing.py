"""The test suite's way to reset a database that holds audit events.

In production nothing may remove audit rows: triggers refuse UPDATE, DELETE
and TRUNCATE. Tests that commit (browser and transactional tests) must still
empty their throw-away database between tests, so ``artchart flush`` (which
Django's TransactionTestCase calls) drops the triggers, flushes and puts them
back — but only when ``ARTCHART_TESTING`` is set *and* the database is a test
database (its name starts with ``test_`` or it is in memory). Anywhere else,
flush refuses to run while audit events exist.
"""

from __future__ import annotations

import importlib
from contextlib import contextmanager

from django.conf import settings
from django.db import connections


def is_throwaway_database(alias: str = "default") -> bool:
    name = str(connections[alias].settings_dict["NAME"] or "")
    base = name.rsplit("/", 1)[-1]
    return base.startswith("test_") or name.startswith("file:memorydb") or name == ":memory:"


def may_reset_audit(alias: str = "default") -> bool:
    return bool(settings.TESTING) and is_throwaway_database(alias)


@contextmanager
def audit_triggers_lifted(alias: str = "default"):
    """Drop the append-only triggers for the duration of a test-database reset."""
    migration = importlib.import_module("artchart.core.migrations.0002_audit_append_only")
    connection = connections[alias]
    vendor = connection.vendor
    drop = migration.POSTGRES_DROP if vendor == "postgresql" else migration.SQLITE_DROP
    create = migration.POSTGRES_CREATE if vendor == "postgresql" else migration.SQLITE_CREATE
    with connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in create:
                cursor.execute(statement)

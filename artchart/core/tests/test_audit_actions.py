"""Audit actions are declared once, as enums in each app's ``audit_actions`` module."""

from __future__ import annotations

import importlib
from collections import Counter
from importlib.util import find_spec

import pytest
from django.apps import apps
from django.db import transaction

from artchart.core import audit
from artchart.core.audit import AuditAction
from artchart.core.audit_actions import CoreAction
from artchart.core.models import AuditEvent


def _declared_kinds() -> list[type[AuditAction]]:
    for config in apps.get_app_configs():
        if find_spec(f"{config.name}.audit_actions") is not None:
            importlib.import_module(f"{config.name}.audit_actions")
    return audit.audit_action_kinds()


def test_every_app_with_audited_writes_declares_its_actions():
    names = {kind.__module__ for kind in _declared_kinds()}
    for app in ("core", "sso", "clients", "programs", "plans", "therapy", "artworks", "measures"):
        assert f"artchart.{app}.audit_actions" in names


def test_every_action_has_a_plain_language_label():
    for kind in _declared_kinds():
        for member in kind:
            assert member.label.strip(), f"{kind.__name__}.{member.name} has no label"
            assert member.label != member.value, f"{kind.__name__}.{member.name} is labelled with its code"


def test_every_label_reads_as_the_middle_of_a_sentence():
    """The audit page says "<who> <label>", so each label starts with a past-tense verb."""
    irregular = {"Read", "Set", "Sent", "Made", "Wrote", "Saw", "Chose", "Kept", "Withdrew", "Was", "Let"}
    for kind in _declared_kinds():
        for member in kind:
            first = member.label.split()[0]
            assert first.endswith("ed") or first in irregular, f"{kind.__name__}.{member.name}: {member.label!r}"


def test_codes_are_unique_across_all_apps():
    codes = Counter(member.value for kind in _declared_kinds() for member in kind)
    assert not [code for code, count in codes.items() if count > 1]


def test_codes_are_dotted_lowercase_and_fit_the_column():
    width = AuditEvent._meta.get_field("action").max_length
    for kind in _declared_kinds():
        for member in kind:
            area, _, verb = member.value.partition(".")
            assert area and verb and member.value == member.value.lower() and len(member.value) <= width


def test_a_label_is_found_for_a_stored_code_and_an_unknown_code_shows_as_itself():
    assert audit.action_label("auth.mfa_recovery_used") == "Signed in with a recovery code"
    assert audit.action_label("plan.goal_remove") == "Removed a goal from a treatment plan draft"
    assert audit.action_label("retired.action") == "retired.action"


@pytest.mark.django_db
def test_record_refuses_a_plain_string_code():
    with transaction.atomic(), pytest.raises(TypeError):
        audit.record(actor=None, action="token.use")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_record_stores_the_members_code():
    with transaction.atomic():
        event = audit.record(actor=None, action=CoreAction.TOKEN_USE)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "token.use" and type(stored.action) is str
    assert audit.verify().ok

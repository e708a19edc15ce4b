"""User messages carry stable codes, unique across apps, and the API answers with them."""

from __future__ import annotations

import copy
import importlib
import pkgutil
import re
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

import artchart
from artchart.core.access import Conflict
from artchart.core.changes import UNSET, apply_changes, given
from artchart.core.messages import UserMessage, refusal_code
from artchart.core.models import Site

CODE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
SKIPPED_PARTS = (".tests", ".migrations")
SKIPPED_MODULES = ("artchart.cli", "artchart.wsgi")  # entry points: they set up the environment


def _messages_by_place() -> dict[str, UserMessage]:
    """Every module-level UserMessage in the project, by ``module.NAME`` (an import names the same object)."""
    found: dict[str, UserMessage] = {}
    for module_info in pkgutil.walk_packages(artchart.__path__, "artchart."):
        if module_info.name in SKIPPED_MODULES or any(part in module_info.name for part in SKIPPED_PARTS):
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if isinstance(value, UserMessage):
                found[f"{module_info.name}.{name}"] = value
    return found


def _declared_messages() -> list[tuple[str, UserMessage]]:
    """Each message once, named by one of its places."""
    once: dict[int, tuple[str, UserMessage]] = {}
    for where, message in _messages_by_place().items():
        once.setdefault(id(message), (where, message))
    return list(once.values())


def test_the_services_declare_their_messages_with_codes():
    modules = {where.rsplit(".", 1)[0] for where in _messages_by_place()}
    assert "artchart.core.access" in modules
    assert {"artchart.clients.services", "artchart.clients.validation", "artchart.clients.models"} <= modules


def test_every_message_has_a_non_empty_code_in_lowercase_words_and_some_words():
    for where, message in _declared_messages():
        assert CODE.match(message.code), f"{where} has the code {message.code!r}"
        assert str(message).strip(), f"{where} has no words"


def test_codes_are_unique_across_all_apps():
    codes = Counter(message.code for _, message in _declared_messages())
    assert not [code for code, count in codes.items() if count > 1]


def test_a_message_is_a_string_that_keeps_its_code_when_formatted_copied_or_pickled():
    message = UserMessage("example_limit", "The file is larger than {limit} MB.")
    assert message == "The file is larger than {limit} MB." and isinstance(message, str)
    formatted = message.format(limit=5)
    assert formatted == "The file is larger than 5 MB." and formatted.code == "example_limit"
    assert copy.deepcopy(message).code == copy.copy(message).code == "example_limit"


def test_the_refusal_code_is_the_one_message_code_and_none_for_several_or_plain_strings():
    one = UserMessage("example_one", "One.")
    assert refusal_code(Conflict(one)) == "example_one"
    assert refusal_code(ValidationError({"field": one})) == "example_one"
    assert refusal_code(PermissionDenied(one)) == "example_one"
    assert refusal_code(ValidationError([one, UserMessage("example_two", "Two.")])) is None
    assert refusal_code(ValidationError("Plain words.")) is None


def test_unset_is_one_falsy_value_that_apply_changes_skips():
    assert not UNSET and repr(UNSET) == "UNSET"
    assert copy.deepcopy(UNSET) is UNSET and copy.copy(UNSET) is UNSET
    assert given({"a": UNSET, "b": None}) == {"b": None}
    site = Site(name="North", address="")
    assert apply_changes(site, {"name": "South", "address": UNSET}) == ["name"]
    assert site.name == "South"


@pytest.mark.django_db
def test_apply_changes_takes_a_relation_as_an_object_or_its_id(org):
    site = Site(name="North")
    assert apply_changes(site, {"organization": org}) == ["organization"]
    assert apply_changes(site, {"organization": org.pk}) == []

"""User messages carry stable codes, unique across apps, and the API answers with them."""

from __future__ import annotations

import ast
import copy
import importlib
import pkgutil
import re
from collections import Counter
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

import artchart
from artchart.core.access import Conflict
from artchart.core.api import ERROR_CODES, error_body
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


# Modules that speak to users besides the services: forms, views (auth_views too),
# selectors (their refusals), the API and the census file reader. Each module-level UPPER_CASE string defined
# in one of them is a UserMessage, unless it is named here: the allow-list is explicit
# because a naming rule cannot tell a sentence from a key ("client", "estimates").
# Labels (a word naming a thing, not a sentence telling what happened or what to do)
# and the values a program reads are not messages.
SPEAKING_PARTS = {"api", "forms", "views", "selectors", "census"}  # census: a file's errors, read by its uploader
NOT_MESSAGES = {
    "artchart.artworks.views.artworks.RESEARCH": "the ?include= value that asks for the research view",
    "artchart.core.auth_views.BACKEND": "the dotted path of an authentication backend",
    "artchart.core.auth_views.ENROL_SECRET": "a session key",
    "artchart.core.auth_views.PENDING": "a session key",
    "artchart.core.forms.CODE_LABEL": "a field's label",
    "artchart.measures.forms.CLIENT_CHOICE": "a choice's value",
    "artchart.measures.views.program.DEFAULT_INSTRUMENT": "an instrument's key",
    "artchart.measures.views.public.HANDOFF": "a session key",
    "artchart.therapy.selectors.sessions.BOOKED": "a calendar slot's label",
}


def _speaks_to_users(module_name: str) -> bool:
    parts = module_name.split(".")
    return any(part in SPEAKING_PARTS or part.endswith("_views") for part in parts[1:])


def _plain_strings_in_speaking_modules() -> dict[str, str]:
    """Module-level UPPER_CASE names bound to a plain ``str`` in a module that speaks to
    users, by ``module.NAME``; only names the module assigns itself (not imports)."""
    found: dict[str, str] = {}
    for module_info in pkgutil.walk_packages(artchart.__path__, "artchart."):
        name = module_info.name
        if not _speaks_to_users(name) or any(part in name for part in SKIPPED_PARTS):
            continue
        module = importlib.import_module(name)
        for node in ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8")).body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    value = vars(module).get(target.id)
                    if type(value) is str:
                        found[f"{name}.{target.id}"] = value
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


def test_forms_views_selectors_and_the_api_declare_their_messages_with_codes():
    modules = {where.rsplit(".", 1)[0] for where in _messages_by_place()}
    assert {
        "artchart.api",
        "artchart.core.api",
        "artchart.core.forms",
        "artchart.core.views",
        "artchart.core.auth_views",
        "artchart.measures.forms",
        "artchart.measures.views.public",
        "artchart.therapy.selectors.groups",
        "artchart.artworks.selectors",
        "artchart.sso.views",
    } <= modules


def test_a_plain_string_constant_in_a_module_that_speaks_to_users_is_a_named_non_message():
    plain = _plain_strings_in_speaking_modules()
    unexplained = sorted(set(plain) - set(NOT_MESSAGES))
    assert not unexplained, f"make these UserMessage constants, or name them in NOT_MESSAGES: {unexplained}"
    stale = sorted(set(NOT_MESSAGES) - set(plain))
    assert not stale, f"no longer plain strings: {stale}"


def test_the_rule_finds_a_plain_string_only_in_a_module_that_speaks_to_users():
    assert _speaks_to_users("artchart.therapy.views.notes") and _speaks_to_users("artchart.core.auth_views")
    assert _speaks_to_users("artchart.api") and _speaks_to_users("artchart.therapy.selectors.groups")
    assert not _speaks_to_users("artchart.therapy.services.groups") and not _speaks_to_users("artchart.settings")


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


def test_an_api_error_takes_its_code_from_the_given_one_then_the_message_then_the_status():
    message = UserMessage("example_refused", "Refused.")
    assert error_body(400, message)["code"] == "example_refused"
    assert error_body(404, message, code=ERROR_CODES[404])["code"] == "not_found"
    assert error_body(409, "Plain words.")["code"] == "conflict"
    assert error_body(418, "Plain words.")["code"] == "error"

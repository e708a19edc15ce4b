"""Copying a service's keyword arguments onto a row, and saving only what changed.

Every create and update service takes its fields as explicit keyword arguments
that default to ``UNSET`` ("not given"), so ``None`` can still mean "clear this
field". ``apply_changes`` copies the given ones and names those that changed;
``save_changes`` writes only those (and ``updated_at`` where the model keeps one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils import timezone


class _Unset:
    """The one "not given" value: falsy, and the same object after a copy."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "UNSET"


# Typed as Any so a parameter keeps its real type: ``name: str = UNSET``.
UNSET: Any = _Unset()


def given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values a caller gave: those that are not ``UNSET``."""
    return {name: value for name, value in values.items() if value is not UNSET}


def apply_changes(instance: models.Model, values: Mapping[str, Any]) -> list[str]:
    """Copy the given values onto ``instance``; return the names that changed.

    A value of ``UNSET`` is skipped. A relation may be given as an object or as
    its id (the API sends ids). The names, never the values, go into the audit
    event of the change.
    """
    changed = []
    for name, value in given(values).items():
        field = instance._meta.get_field(name)
        if field.is_relation and hasattr(value, "pk"):
            value = value.pk
        attname = getattr(field, "attname", name)
        if getattr(instance, attname) != value:
            setattr(instance, attname, value)
            changed.append(name)
    return changed


def save_changes(instance: models.Model, changed: list[str]) -> None:
    """Save only the changed fields, and ``updated_at`` when the model keeps one."""
    fields = list(changed)
    if any(field.name == "updated_at" for field in instance._meta.concrete_fields):
        instance.updated_at = timezone.now()  # type: ignore[attr-defined]
        fields.append("updated_at")
    instance.save(update_fields=fields)

"""Copying a service's keyword arguments onto a model instance."""

from __future__ import annotations

from collections.abc import Iterable


def apply_changes(instance, fields: dict, allowed: Iterable[str]) -> list[str]:
    """Copy the allowed fields onto ``instance``; return the names that changed.

    A relation may be given as an object or as its id (the API sends ids). The
    names, never the values, go into the audit event of the change.
    """
    changed = []
    for name in allowed:
        if name not in fields:
            continue
        field = instance._meta.get_field(name)
        value = fields[name]
        if field.is_relation and hasattr(value, "pk"):
            value = value.pk
        if getattr(instance, field.attname) != value:
            setattr(instance, field.attname, value)
            changed.append(name)
    return changed

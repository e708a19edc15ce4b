"""Template helpers of the notes pages: a supervisor's comment beside a field, a template's extra values."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("therapy/notes/_field_comment.html")
def field_comment(note_return, field: str) -> dict:
    """The comment the supervisor left beside ``field`` when returning the note (nothing if none)."""
    comments = note_return.field_comments if note_return is not None else {}
    return {"comment": comments.get(field) or comments.get(field.removeprefix("extra_"), "")}


@register.filter
def extra_values(note) -> list[tuple[str, str, str]]:
    """(label, value, key) of the note template's extra fields, in the template's order."""
    if not note.template_id:
        return []
    return [(field["label"], note.extra.get(field["key"], ""), field["key"]) for field in note.template.extra_fields]

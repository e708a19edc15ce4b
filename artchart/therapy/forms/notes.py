"""Forms of the notes pages. A note's form is built from its format and its template:
the format's sections, the art-process fields the template does not hide, the
template's extra fields, the risk screen and the goals of the active plan."""

from __future__ import annotations

from django import forms

from artchart.core.messages import UserMessage
from artchart.therapy.models import (
    ART_PROCESS_FIELDS,
    FORMAT_SECTIONS,
    Note,
    NoteFormat,
    NoteKind,
    NoteTemplate,
    ProgressRating,
    RiskLevel,
    SessionKind,
)
from artchart.therapy.services.notes import ART_FIELDS, LABELS, NEEDS_SESSION, REQUIRABLE_FIELDS, SECTION_FIELDS

RATING_CHOICES = [("", "Not addressed"), *ProgressRating.choices]
REQUIRED_HELP = UserMessage("required_help", "Required before signing.")
CARRIED_HELP = UserMessage("plan_carried", "Carried from the note of {day}: change what has changed.")
BATCH_FIELDS = ("engagement", "client_title", "client_words", "risk_level", "risk_notes")
EXTRA_ROWS = 6


def _text(label: str, rows: int = 4, limit: int = 10000) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=limit, widget=forms.Textarea(attrs={"rows": rows, "data-autosave": "1"})
    )


def _model_limit(name: str) -> int:
    return Note._meta.get_field(name).max_length or 10000


class NoteCreateForm(forms.Form):
    """What a new note is: its kind, its session, its template and format (the template's by default)."""

    kind = forms.ChoiceField(choices=NoteKind.choices, initial=NoteKind.PROGRESS, required=False)
    session = forms.ModelChoiceField(queryset=None, required=False, help_text="A progress note is for one session.")
    template = forms.ModelChoiceField(queryset=None, required=False, empty_label="The default for this kind of note")
    format = forms.ChoiceField(choices=[("", "The template's format"), *NoteFormat.choices], required=False)

    def __init__(self, *args, sessions=None, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: f"{s} · {s.therapist.display_name}"
        self.fields["template"].queryset = templates

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or NoteKind.PROGRESS

    def clean(self):
        data = super().clean()
        if data.get("kind") == NoteKind.PROGRESS and not data.get("session") and "session" not in self.errors:
            self.add_error("session", NEEDS_SESSION)
        return data


class NoteForm(forms.Form):
    """A draft's fields, as its template asks for them (nothing is required to save a draft).

    ``prefill`` (from ``note_prefill``) fills the fields still empty; ``carried_day`` marks "Plan"
    as carried from the note of that day; the fields in ``shown_elsewhere`` are shown from another
    record (the client's title and words, from the pieces of the session) and are left out while
    the note holds nothing in them."""

    def __init__(
        self,
        *args,
        note: Note,
        goals=(),
        directives=None,
        prefill: dict | None = None,
        carried_day: str = "",
        shown_elsewhere: frozenset[str] = frozenset(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.note = note
        template = note.template
        required = set(template.required_fields) if template else set()
        hidden = set(template.hidden_fields) if template else set()
        self._add_text_fields(note, hidden | {name for name in shown_elsewhere if not getattr(note, name)})
        if directives is not None and directives.exists():
            self.fields["directives"] = forms.ModelMultipleChoiceField(
                queryset=directives, required=False, label=LABELS["directives"], widget=forms.CheckboxSelectMultiple
            )
        self.fields["risk_level"] = forms.ChoiceField(choices=RiskLevel.choices, required=False, label="Risk screen")
        self.fields["risk_notes"] = _text(LABELS["risk_notes"], 2, 2000)
        for extra in template.extra_fields if template else ():
            self.fields[f"extra_{extra['key']}"] = _text(extra["label"], 2, 2000)
            if extra.get("required"):
                self.fields[f"extra_{extra['key']}"].help_text = REQUIRED_HELP
        self.goal_rows = []
        for goal in goals:
            self._add_rating(f"goal_{goal.pk}", f"Goal: {goal.statement}", goal.pk, None)
            for objective in goal.objectives.all():
                self._add_rating(
                    f"objective_{objective.pk}", f"Objective: {objective.statement}", goal.pk, objective.pk
                )
        for name in required & set(self.fields):
            self.fields[name].help_text = REQUIRED_HELP
        if carried_day and "plan" in self.fields:
            carried = CARRIED_HELP.format(day=carried_day)
            self.fields["plan"].help_text = f"{carried} {self.fields['plan'].help_text}".strip()
        if not self.is_bound:
            self._initial_from(note)
            self._fill_empty(prefill or {})

    def _add_text_fields(self, note: Note, left_out: set[str]) -> None:
        if note.session_id and note.session.kind == SessionKind.GROUP:
            self.fields["group_part"] = _text(LABELS["group_part"], 5)
        for name, heading in FORMAT_SECTIONS[note.format]:
            self.fields[name] = _text(heading, 5, _model_limit(name))
        for name, label in ART_PROCESS_FIELDS:
            if name not in left_out:
                self.fields[name] = _text(label, 1 if name == "client_title" else 3, _model_limit(name))

    def _add_rating(self, key: str, label: str, goal_id: int, objective_id: int | None) -> None:
        self.fields[key] = forms.ChoiceField(choices=RATING_CHOICES, required=False, label=label)
        self.fields[f"{key}_comment"] = forms.CharField(required=False, max_length=500, label="Comment")
        self.goal_rows.append((key, goal_id, objective_id))

    def _initial_from(self, note: Note) -> None:
        if note.pk is None:  # a new note: only what the prefill gives
            return
        for name in self.fields:
            if hasattr(note, name) and name != "directives":
                self.initial[name] = getattr(note, name)
        if "directives" in self.fields:
            self.initial["directives"] = [d.pk for d in note.directives.all()]
        for key, value in note.extra.items():
            self.initial[f"extra_{key}"] = value
        for progress in note.goal_progress.all():
            key = f"objective_{progress.objective_id}" if progress.objective_id else f"goal_{progress.goal_id}"
            self.initial[key], self.initial[f"{key}_comment"] = progress.rating, progress.comment

    def _fill_empty(self, prefill: dict) -> None:
        for name, value in prefill.items():
            if name in self.fields and not self.initial.get(name):
                self.initial[name] = value

    def goal_fields(self):
        return [(self[key], self[f"{key}_comment"]) for key, _, _ in self.goal_rows]

    def text_fields(self):
        skip = {"directives", "risk_level", "risk_notes"}
        return [
            self[name]
            for name in self.fields
            if not name.startswith(("goal_", "objective_", "extra_")) and name not in skip
        ]

    def extra_fields(self):
        return [self[name] for name in self.fields if name.startswith("extra_")]

    def service_fields(self) -> dict:
        """What the service takes: the text fields, ``extra``, ``directives`` and ``goal_progress``."""
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in self.fields
            if name in ("group_part", *SECTION_FIELDS, *ART_FIELDS, "risk_level", "risk_notes")
        }
        if "directives" in self.fields:
            fields["directives"] = list(data["directives"])
        fields["extra"] = {name[len("extra_") :]: data[name] for name in self.fields if name.startswith("extra_")}
        fields["goal_progress"] = [
            {"goal": goal_id, "objective": objective_id, "rating": data[key], "comment": data[f"{key}_comment"]}
            for key, goal_id, objective_id in self.goal_rows
            if data[key]
        ]
        return fields


class ReturnForm(forms.Form):
    comment = forms.CharField(
        required=False, max_length=5000, label="What needs changing", widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, note: Note, **kwargs):
        super().__init__(*args, **kwargs)
        names = [name for name, _ in FORMAT_SECTIONS[note.format]] + [n for n in ART_FIELDS if getattr(note, n)]
        if note.group_part:
            names.insert(0, "group_part")
        for name in names:
            self.fields[f"field_{name}"] = forms.CharField(
                required=False,
                max_length=1000,
                label=f"Beside “{LABELS[name]}”",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def field_comments(self) -> dict:
        return {
            name[len("field_") :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("field_") and value
        }


class AddendumForm(forms.Form):
    text = forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 6}), label="Addendum")
    reason = forms.CharField(max_length=300, required=False, label="Why it is added (optional)")


class NoteTemplateForm(forms.Form):
    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=NoteKind.choices)
    format = forms.ChoiceField(choices=NoteFormat.choices)
    required_fields = forms.MultipleChoiceField(
        choices=[(name, LABELS[name]) for name in REQUIRABLE_FIELDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Required before signing",
        help_text="Sections of another format than the note's are not asked for.",
    )
    hidden_fields = forms.MultipleChoiceField(
        choices=ART_PROCESS_FIELDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Art-process fields not shown",
    )
    is_default = forms.BooleanField(required=False, label="The default for this kind of note")
    is_active = forms.BooleanField(required=False, initial=True, label="In use")

    def __init__(self, *args, template: NoteTemplate | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra_rows = []
        for i in range(EXTRA_ROWS):
            self.fields[f"extra_label_{i}"] = forms.CharField(max_length=100, required=False, label="Label")
            self.fields[f"extra_required_{i}"] = forms.BooleanField(required=False, label="Required")
            self.extra_rows.append((f"extra_label_{i}", f"extra_required_{i}"))
        if template is not None and not self.is_bound:
            for name in ("name", "kind", "format", "required_fields", "hidden_fields", "is_default", "is_active"):
                self.initial[name] = getattr(template, name)
            for i, extra in enumerate(template.extra_fields[:EXTRA_ROWS]):
                self.initial[f"extra_label_{i}"] = extra["label"]
                self.initial[f"extra_required_{i}"] = extra.get("required", False)
        self.template = template

    def rows(self):
        return [(self[label], self[required]) for label, required in self.extra_rows]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        keys = {e["label"]: e["key"] for e in self.template.extra_fields} if self.template else {}
        extra = [
            {
                "label": data[label].strip(),
                "required": data[required],
                **({"key": keys[data[label].strip()]} if data[label].strip() in keys else {}),
            }
            for label, required in self.extra_rows
            if data[label].strip()
        ]
        return {
            **{
                name: data[name]
                for name in ("name", "kind", "format", "required_fields", "hidden_fields", "is_default", "is_active")
            },
            "extra_fields": extra,
        }


class BatchForm(forms.Form):
    """The group part once, and per attending member whose note the user writes, the individual fields."""

    group_part = _text(LABELS["group_part"], 6)

    def __init__(self, *args, batch, formats: dict, hidden: frozenset = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.member_rows = []
        for row in batch.editable:
            names = []
            for name, heading in FORMAT_SECTIONS[formats[row.client.pk]]:
                names.append(self._add(row, name, _text(heading, 3)))
            for name in BATCH_FIELDS:
                if name in hidden:
                    continue
                field = (
                    forms.ChoiceField(choices=RiskLevel.choices, required=False, label="Risk screen")
                    if name == "risk_level"
                    else _text(LABELS[name], 2, _model_limit(name))
                )
                names.append(self._add(row, name, field))
            self.member_rows.append((row, names))
        if not self.is_bound:
            self.initial["group_part"] = batch.group_part
            for row, names in self.member_rows:
                for key in names:
                    if row.note is not None:
                        self.initial[key] = getattr(row.note, key.split("-", 1)[1])

    def _add(self, row, name: str, field) -> str:
        key = f"c{row.client.pk}-{name}"
        self.fields[key] = field
        return key

    def members(self):
        return [(row, [self[key] for key in names]) for row, names in self.member_rows]

    def individual(self) -> dict[int, dict]:
        return {
            row.client.pk: {key.split("-", 1)[1]: self.cleaned_data[key] for key in names}
            for row, names in self.member_rows
        }

"""Forms of the confidential records: a process note, a mandated report, an incident, the restricted list's filter."""

from __future__ import annotations

from django import forms

from artchart.therapy.models import Incident, IncidentKind, MandatedReport, ProcessNote, ReportKind
from artchart.therapy.selectors import confidential as selectors


def _session_field(form: forms.ModelForm, access) -> None:
    field = form.fields["session"]
    field.queryset = selectors.session_choices(access)
    field.required = False
    field.empty_label = "No particular session"


class ProcessNoteForm(forms.ModelForm):
    class Meta:
        model = ProcessNote
        fields = ["session", "text"]
        labels = {"text": "Process note"}
        help_texts = {
            "text": "Seen only by you and, while you are an intern, your supervisor; "
            "never part of the chart, its reports or exports."
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        _session_field(self, access)


class MandatedReportForm(forms.ModelForm):
    class Meta:
        model = MandatedReport
        fields = ["kind", "reported_on", "agency", "reference_number", "reported_by", "session", "what_was_reported"]
        labels = {"reported_on": "Reported on", "agency": "Agency reported to", "reported_by": "Reported by"}
        widgets = {
            "reported_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "what_was_reported": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_by"].queryset = selectors.reporter_choices(access)
        _session_field(self, access)
        # Required-ness and the date rule are the service's, with its messages.
        for name in ("agency", "what_was_reported", "reported_by"):
            self.fields[name].required = False


class IncidentForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = ["kind", "occurred_at", "session", "description", "action_taken"]
        labels = {"occurred_at": "When it happened", "action_taken": "Action taken"}
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 6}),
            "action_taken": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        _session_field(self, access)
        self.fields["description"].required = False


def _kind_choices() -> list:
    return [
        ("", "Every report and incident"),
        (
            "Mandated reports",
            [
                (selectors.REPORT, "All mandated reports"),
                *((f"{selectors.REPORT}:{v}", label) for v, label in ReportKind.choices),
            ],
        ),
        (
            "Incidents",
            [
                (selectors.INCIDENT, "All incidents"),
                *((f"{selectors.INCIDENT}:{v}", label) for v, label in IncidentKind.choices),
            ],
        ),
    ]


class RestrictedFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=_kind_choices, label="Show")
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> selectors.RestrictedFilter:
        data = self.cleaned_data if self.is_valid() else {}
        record, _, kind = (data.get("kind") or "").partition(":")
        return selectors.RestrictedFilter(record=record, kind=kind, since=data.get("since"), until=data.get("until"))

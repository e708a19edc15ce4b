"""The report page's one form: which report, for which period, in which format."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from artchart.reports.selectors import Kind
from artchart.reports.services import Format

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A progress report looks back three months unless the therapist picks another period.
DEFAULT_DAYS = 91


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label="Report", choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.PROGRESS)
    start = forms.DateField(label="Period from", widget=DATE, required=False, help_text="For a progress report.")
    end = forms.DateField(label="to", widget=DATE, required=False)
    file_format = forms.ChoiceField(
        label="Format", choices=Format.choices, widget=forms.RadioSelect, initial=Format.PDF
    )

    @staticmethod
    def initial_period() -> dict[str, dt.date]:
        today = timezone.localdate()
        return {"start": today - dt.timedelta(days=DEFAULT_DAYS), "end": today}

"""Forms of the hours log: a week at a time, one entry, and a return's reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms

from artchart.supervision.models import DAY_HOURS, HoursEntry
from artchart.supervision.rules import SUPERVISOR_CREDENTIAL_LABELS
from artchart.supervision.services import DayHours

# Field-name prefixes of the week form's rows (choice and field names, not messages).
KINDS = ("direct", "individual", "group")
KIND_LABELS = {"direct": "Direct client contact", "individual": "Individual supervision", "group": "Group supervision"}
# The inputs step in quarter hours (15 minutes).
HOURS_STEP = Decimal("0.25")


def _hours_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_value=DAY_HOURS,
        max_digits=4,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": str(HOURS_STEP), "min": "0", "max": "24", "inputmode": "decimal"}),
    )


def _supervisor_fields(form: forms.Form, supervisors) -> None:
    form.fields["supervisor"] = forms.ModelChoiceField(queryset=supervisors, label="Supervisor")
    form.fields["supervisor_credential"] = forms.ChoiceField(
        choices=[("", "—"), *SUPERVISOR_CREDENTIAL_LABELS.items()],
        label="Supervisor's credential on these days",
        help_text="ATR-BC and ATCS count toward the board-certified share.",
    )


class WeekForm(forms.Form):
    """Seven days of hours in one form: a row per day, three numbers a row."""

    setting = forms.CharField(max_length=120, required=False, help_text="Where: the site or kind of setting.")

    def __init__(self, *args, week: dt.date, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.days = [week + dt.timedelta(days=offset) for offset in range(7)]
        _supervisor_fields(self, supervisors)
        for index, _day in enumerate(self.days):
            for kind in KINDS:
                self.fields[f"d{index}_{kind}"] = _hours_field(KIND_LABELS[kind])

    def rows(self):
        return [(day, [self[f"d{index}_{kind}"] for kind in KINDS]) for index, day in enumerate(self.days)]

    def day_hours(self) -> list[DayHours]:
        data = self.cleaned_data
        return [
            DayHours(
                date=day,
                direct_hours=data[f"d{index}_direct"] or Decimal(0),
                individual_hours=data[f"d{index}_individual"] or Decimal(0),
                group_hours=data[f"d{index}_group"] or Decimal(0),
            )
            for index, day in enumerate(self.days)
        ]


class EntryForm(forms.ModelForm):
    class Meta:
        model = HoursEntry
        fields = [
            "date",
            "direct_hours",
            "individual_hours",
            "group_hours",
            "supervisor",
            "supervisor_credential",
            "setting",
            "notes",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "direct_hours": forms.NumberInput(attrs={"step": str(HOURS_STEP), "inputmode": "decimal"}),
            "individual_hours": forms.NumberInput(attrs={"step": str(HOURS_STEP), "inputmode": "decimal"}),
            "group_hours": forms.NumberInput(attrs={"step": str(HOURS_STEP), "inputmode": "decimal"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors


class FromSessionsForm(forms.Form):
    def __init__(self, *args, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        _supervisor_fields(self, supervisors)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 3}), help_text="The supervisee reads this."
    )

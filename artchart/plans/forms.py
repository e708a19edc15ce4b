from __future__ import annotations

from django import forms

from artchart.core.messages import UserMessage
from artchart.plans.models import (
    ConferenceAttendee,
    Goal,
    Objective,
    PlannedIntervention,
    Problem,
    TeamConference,
    TreatmentPlan,
)


class PlanForm(forms.ModelForm):
    class Meta:
        model = TreatmentPlan
        fields = ["review_date"]
        widgets = {"review_date": forms.DateInput(attrs={"type": "date"})}


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["statement"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 2})}


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["statement", "level_minus_2", "level_minus_1", "level_0", "level_plus_1", "level_plus_2", "weight"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in fields[:-1]}


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["statement", "baseline", "target_date", "status"]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 2}),
            "target_date": forms.DateInput(attrs={"type": "date"}),
        }


class InterventionForm(forms.ModelForm):
    class Meta:
        model = PlannedIntervention
        fields = ["directive", "technique", "media", "frequency", "delivered_by"]

    def __init__(self, *args, directives=None, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directive"].queryset = directives
        self.fields["delivered_by"].queryset = team


FORMS = {"problem": ProblemForm, "goal": GoalForm, "objective": ObjectiveForm, "intervention": InterventionForm}


# --- team conferences ------------------------------------------------------------------------------


def _version_label(plan: TreatmentPlan) -> str:
    return f"Version {plan.version} ({plan.get_status_display()})"


OUTSIDE_LINE_HELP = UserMessage(
    "outside_line_help", "One per line: name, then a comma and their role — e.g. Dr. Ana Ruiz, psychiatrist"
)


class ConferenceForm(forms.ModelForm):
    class Meta:
        model = TeamConference
        fields = ["held_on", "discussion", "decisions"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "discussion": forms.Textarea(attrs={"rows": 6}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }


class ConferenceRecordForm(ConferenceForm):
    """The whole meeting at once: colleagues present, outside professionals, the plan versions it led to."""

    colleagues = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Colleagues who attended"
    )
    outside_professionals = forms.CharField(
        required=False, max_length=4000, help_text=OUTSIDE_LINE_HELP, widget=forms.Textarea(attrs={"rows": 3})
    )
    plan_versions = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Plan versions it led to"
    )

    def __init__(self, *args, colleagues=None, plan_versions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleagues"].queryset = colleagues
        self.fields["plan_versions"].queryset = plan_versions
        self.fields["plan_versions"].label_from_instance = _version_label

    def attendees(self) -> list[dict]:
        """The attendees for the service: the colleagues ticked, then each outside line as name and role."""
        people = [{"user": user} for user in self.cleaned_data["colleagues"]]
        for line in self.cleaned_data["outside_professionals"].splitlines():
            if line.strip():
                # The role follows the last comma, so "Ruiz, Ana, MD, psychiatrist" keeps the name whole.
                name, _, discipline = line.rpartition(",") if "," in line else (line, "", "")
                people.append({"name": name.strip(), "discipline": discipline.strip()})
        return people


class AttendeeForm(forms.ModelForm):
    class Meta:
        model = ConferenceAttendee
        fields = ["user", "name", "discipline"]
        labels = {"user": "A colleague who uses ArtChart", "name": "…or an outside professional"}

    def __init__(self, *args, colleagues=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = colleagues


class PlanLinkForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=None, label="Plan version it led to")

    def __init__(self, *args, plan_versions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plan_versions
        self.fields["plan"].label_from_instance = _version_label

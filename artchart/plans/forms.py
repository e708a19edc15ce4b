from __future__ import annotations

from django import forms

from artchart.plans.models import Goal, Objective, PlannedIntervention, Problem, TreatmentPlan


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
        widgets = {"statement": forms.Textarea(attrs={"rows": 2}), "target_date": forms.DateInput(attrs={"type": "date"})}


class InterventionForm(forms.ModelForm):
    class Meta:
        model = PlannedIntervention
        fields = ["directive", "technique", "media", "frequency", "delivered_by"]

    def __init__(self, *args, directives=None, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directive"].queryset = directives
        self.fields["delivered_by"].queryset = team


FORMS = {"problem": ProblemForm, "goal": GoalForm, "objective": ObjectiveForm, "intervention": InterventionForm}

from __future__ import annotations

from django import forms

from artchart.supplies.models import HAZARD_CHOICES, Material
from artchart.supplies.services import MATERIAL_FIELDS


class MaterialForm(forms.ModelForm):
    hazards = forms.MultipleChoiceField(
        choices=HAZARD_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tag an allergen and name it below (wheat, wool…).",
    )

    class Meta:
        model = Material
        fields = list(MATERIAL_FIELDS)  # what material_create and material_update take


class SiteRulesForm(forms.Form):
    profile = forms.ModelChoiceField(queryset=None, label="Population profile")
    forbidden = forms.MultipleChoiceField(
        choices=HAZARD_CHOICES, required=False, widget=forms.CheckboxSelectMultiple, label="Forbidden"
    )
    supervised = forms.MultipleChoiceField(
        choices=HAZARD_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Supervised (counted out and in)",
    )
    ap_only = forms.BooleanField(required=False, label="No CL-sealed materials")
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed (from an admin) when these rules allow what the profile restricts.",
    )

    def __init__(self, *args, profiles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = profiles


class DirectiveMaterialForm(forms.Form):
    material = forms.ModelChoiceField(queryset=None)
    quantity = forms.DecimalField(
        label="Quantity per participant", max_digits=9, decimal_places=2, help_text="In the material's unit."
    )

    def __init__(self, *args, materials=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material"].queryset = materials


class OverrideForm(forms.Form):
    key = forms.CharField(max_length=80, widget=forms.HiddenInput)
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

"""Forms of the group pages: a group, adding and leaving members, the census file and the clients chosen from it."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from artchart.core.messages import UserMessage
from artchart.core.models import Site
from artchart.programs.selectors import programs_for
from artchart.therapy.models import Group
from artchart.therapy.selectors import groups as selectors

CENSUS_HELP = UserMessage(
    "census_help",
    "A CSV file (UTF-8) with the columns last name, first name and date of birth (YYYY-MM-DD); "
    "MRN, unit and room may be there too. Clients are matched by name and date of birth among "
    "the clients whose charts you may open; no client is created.",
)


class GroupForm(forms.ModelForm):
    facilitators = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Therapists, supervisors and interns who run the group.",
    )

    class Meta:
        model = Group
        fields = ["name", "site", "program", "facilitators", "description", "is_active"]
        labels = {"is_active": "Open (meeting and taking members)"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(organization_id=user.organization_id, is_active=True)
        self.fields["program"].queryset = programs_for(user)
        self.fields["facilitators"].queryset = selectors.facilitator_choices(user.organization_id)


def _day_field(label: str) -> forms.DateField:
    return forms.DateField(label=label, initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))


class MemberAddForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=None, help_text="Your clients (those whose notes you write) in the organization, any site."
    )
    joined_on = _day_field("Joined on")

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients


class LeaveForm(forms.Form):
    left_on = _day_field("Left on")


class CensusForm(forms.Form):
    file = forms.FileField(label="Census file (CSV)", help_text=CENSUS_HELP)
    joined_on = _day_field("Members join on")


class ImportForm(forms.Form):
    client_ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), widget=forms.CheckboxSelectMultiple)
    joined_on = forms.DateField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_ids"].choices = [(v, v) for v in self.data.getlist("client_ids") if v.isdigit()]

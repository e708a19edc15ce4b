from __future__ import annotations

from django import forms

from artchart.programs.models import Directive, Program


class _SiteForm(forms.ModelForm):
    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].required = False
        self.fields["site"].empty_label = "Every site"


class DirectiveForm(_SiteForm):
    class Meta:
        model = Directive
        fields = ["name", "description", "materials", "site"]


class ProgramForm(_SiteForm):
    class Meta:
        model = Program
        fields = ["name", "description", "site"]

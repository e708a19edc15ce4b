"""Forms for the client record. Validation is the model's: ModelForm runs full_clean()."""

from __future__ import annotations

from django import forms

from artchart.clients.models import Client, Consent, ConsentKind, Contact, Diagnosis, GatheredInfo
from artchart.core.models import CareTeamRole

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "legal_first_name", "legal_last_name", "preferred_name", "pronouns", "date_of_birth", "site", "status",
            "referral_source", "phone", "email", "address",
            "latex_allergy", "allergies", "sharps_restriction", "ligature_risk", "choking_risk", "self_harm_risk",
            "precautions_note",
        ]
        widgets = {
            "date_of_birth": DATE,
            "address": forms.Textarea(attrs={"rows": 2}),
            "precautions_note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "preferred_name": "Used on screens and in conversation; the legal name stays on the record.",
            "sharps_restriction": "No scissors, knives, wire, needles or pins without a count-out and count-in.",
            "ligature_risk": "No cord, yarn, string, ribbon or wire.",
        }

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].empty_label = "Choose a site"

    def _post_clean(self):
        # The organization is set by the service; give the model what it needs to
        # check that the site belongs to it.
        if self.instance.organization_id is None and self.fields["site"].queryset.exists():
            self.instance.organization_id = self.fields["site"].queryset.first().organization_id
        super()._post_clean()


class DiagnosisForm(forms.ModelForm):
    # Longer than any code, so a mistyped value gets the ICD-10 format message
    # from the model rather than a bare length message.
    icd10_code = forms.CharField(label="ICD-10 code", max_length=20)

    class Meta:
        model = Diagnosis
        fields = ["icd10_code", "label", "is_primary"]
        labels = {"is_primary": "Primary diagnosis"}

    def clean_icd10_code(self):
        return self.cleaned_data["icd10_code"].strip().upper()


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "relationship", "is_guardian", "is_emergency", "phone", "email", "address", "notes"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = [
            "kind", "decision", "signed_on", "signer", "signer_name", "guardian", "signature_kind", "signature_typed",
            "signature_drawn", "exhibit_with_name", "recipient", "purpose", "information", "expires_on",
            "expiry_event", "right_to_revoke_explained",
        ]
        widgets = {
            "signed_on": DATE,
            "expires_on": DATE,
            "decision": forms.RadioSelect,
            "signer": forms.RadioSelect,
            "signature_kind": forms.RadioSelect,
            "signature_drawn": forms.HiddenInput,
            "information": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "signature_typed": "Typed signature",
            "right_to_revoke_explained": "The client was told they may revoke this release in writing at any time",
            "expiry_event": "or expiry event",
        }
        help_texts = {"kind": "The artwork scopes set the client's defaults; exhibit, publication and research also need a grant on each artwork."}

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.client = client
        self.fields["guardian"].queryset = client.contacts.filter(is_guardian=True)
        self.fields["guardian"].empty_label = "Choose the guardian who signed"
        self.fields["kind"].choices = ConsentKind.choices
        for name in ("decision", "signer", "signature_kind"):
            # Radio buttons need no "---------" choice: one of them is the answer.
            self.fields[name].choices = [choice for choice in self.fields[name].choices if choice[0]]


class RevokeConsentForm(forms.Form):
    revoked_on = forms.DateField(label="Revoked on", widget=DATE)
    note = forms.CharField(label="Note (how the revocation was received)", max_length=300, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, as Django's documentation shows."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class GatheredInfoForm(forms.ModelForm):
    documents = MultipleFileField(required=False, help_text="PDF, image, Word or text files; 25 MB each at most.")

    class Meta:
        model = GatheredInfo
        fields = ["source", "occurred_on", "title", "body"]
        widgets = {"occurred_on": DATE, "body": forms.Textarea(attrs={"rows": 6})}
        labels = {"occurred_on": "Date", "body": "What was gathered"}


class CareTeamAddForm(forms.Form):
    user = forms.ModelChoiceField(queryset=None, label="Person", empty_label="Choose a colleague")
    role = forms.ChoiceField(choices=CareTeamRole.choices, label="Role on this client's team")

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = colleagues

"""Forms for the client record. Validation is the model's: ModelForm runs full_clean()."""

from __future__ import annotations

from django import forms

from artchart.clients.models import (
    AmendmentDecision,
    AmendmentRequest,
    Client,
    Consent,
    ConsentKind,
    Contact,
    Diagnosis,
    Disclosure,
    EmergencyCategory,
    GatheredInfo,
    RestrictionCategory,
)
from artchart.clients.services import CONSENT_FIELDS
from artchart.core.models import CareTeamRole

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "site",
            "status",
            "referral_source",
            "phone",
            "email",
            "address",
            "latex_allergy",
            "allergies",
            "sharps_restriction",
            "ligature_risk",
            "choking_risk",
            "self_harm_risk",
            "precautions_note",
            "part2_substance_use",
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
            "part2_substance_use": "Records of substance-use treatment: every release carries the 42 CFR 2.32 "
            "notice prohibiting redisclosure.",
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
        fields = list(CONSENT_FIELDS)  # the fields consent_record takes, in the order the form shows them
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
        help_texts = {
            "kind": (
                "The artwork scopes set the client's defaults; "
                "exhibit, publication and research also need a grant on each artwork."
            )
        }

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


# --- amendments and disclosures -------------------------------------------------------------------


class AmendmentRequestForm(forms.ModelForm):
    class Meta:
        model = AmendmentRequest
        fields = ["received_on", "received_via", "part", "gathered_info", "item", "requested_change"]
        widgets = {"received_on": DATE, "requested_change": forms.Textarea(attrs={"rows": 5})}
        labels = {"received_on": "Date received", "requested_change": "The change the client asks for"}
        help_texts = {
            "gathered_info": "If the request is about one entry, link it: the entry stays as it is, and the "
            "addendum or the client's disagreement is shown beside it.",
            "received_on": "The response is due 60 days after this date (HIPAA 164.526(b)(2)).",
        }

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.client = client
        entries = self.fields["gathered_info"]
        entries.queryset = client.gathered_info.all()
        entries.empty_label = "None: describe the item below"
        entries.label_from_instance = lambda entry: f"{entry.occurred_on:%d %b %Y}: {entry.title}"


class AmendmentDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=AmendmentDecision.choices, widget=forms.RadioSelect, required=False)
    decided_on = forms.DateField(label="Date of the decision", widget=DATE)
    addendum = forms.CharField(
        label="Addendum (if accepted)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Written beside the original item, with your name and the date; the original is not changed.",
    )
    denial_reason = forms.CharField(
        label="Reason for denial (if denied)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to the client with their right to file a statement of disagreement (164.526(d)).",
    )


class DisagreementForm(forms.Form):
    statement = forms.CharField(
        label="The client's statement of disagreement",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    received_on = forms.DateField(label="Date received", widget=DATE)


class DisclosureForm(forms.ModelForm):
    class Meta:
        model = Disclosure
        fields = [
            "disclosed_on",
            "kind",
            "recipient",
            "recipient_address",
            "purpose",
            "description",
            "legal_basis",
            "consent",
        ]
        widgets = {"disclosed_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "legal_basis": "A release on the client's authorization relies on a release of information in force "
            "on the date of disclosure; the other bases need none.",
        }

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.client = client
        consents = self.fields["consent"]
        consents.queryset = client.consents.filter(kind="release").order_by("-signed_on", "-id")
        consents.empty_label = "None (another legal basis)"
        consents.label_from_instance = lambda consent: (
            f"{consent.recipient}: signed {consent.signed_on:%d %b %Y} ({consent.state_label})"
        )


class DisclosureCorrectionForm(DisclosureForm):
    class Meta(DisclosureForm.Meta):
        fields = [*DisclosureForm.Meta.fields, "correction_reason"]
        labels = {"correction_reason": "What this correction puts right"}


# --- restricted clients and emergency access ------------------------------------------------


class RestrictionForm(forms.Form):
    restricted = forms.BooleanField(
        label="Restricted client",
        required=False,
        help_text="Only the people named below may see this client; the rest of the care team, and supervisors, "
        "get nothing unless they break the glass.",
    )
    category = forms.ChoiceField(label="Why", choices=(), required=False)
    named_users = forms.ModelMultipleChoiceField(
        label="Who may see this client",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Treatment-team members named here still do not see the address, phone or email.",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = RestrictionCategory.choices
        self.fields["named_users"].queryset = candidates


class EmergencyAccessForm(forms.Form):
    category = forms.ChoiceField(label="What kind of need", choices=())
    # Not required here: the service refuses an empty reason and records the
    # attempt, which a form error alone would not.
    reason = forms.CharField(
        label="Reason (required)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="An admin reviews every emergency access and reads this reason.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = EmergencyCategory.choices


class EmergencyReviewForm(forms.Form):
    note = forms.CharField(
        label="Review note", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

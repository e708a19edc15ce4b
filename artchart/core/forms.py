"""Forms for signing in, the admin pages and the account page.

Forms check what a form can (types, lengths, the two passwords agree, Django's
password validators); the services check the rest and their messages are put
back on the form with ``add_service_errors``.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserCreationForm,
)

from artchart.core import audit, services
from artchart.core.messages import UserMessage
from artchart.core.models import Role, Site, User
from artchart.core.permissions import relations_provider

SIGN_IN_FAILED = UserMessage("sign_in_failed", "That username and password do not match an active account.")
UNTIL_BEFORE_SINCE = UserMessage("until_before_since", "The end date is before the start date.")

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _password_help() -> str:
    # Plain text: the partial puts help inside a <p>, where Django's <ul> would not belong.
    return " ".join(password_validation.password_validators_help_texts())


class SignInForm(AuthenticationForm):
    """Django's sign-in form with one message for every failure, so the answer
    never says whether the username exists or the account is inactive."""

    error_messages = {"invalid_login": SIGN_IN_FAILED, "inactive": SIGN_IN_FAILED}

    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True})
    )


# --- the first-run page ---------------------------------------------------------------

PASSWORDS_DIFFER = UserMessage("first_run_passwords_differ", "The two passwords differ; type the same one twice.")


class FirstRunForm(forms.Form):
    """What ``artchart setup`` asks: the organization, its first site and the first admin."""

    organization_name = forms.CharField(label="Organization", max_length=200, help_text="The practice's name.")
    site_name = forms.CharField(label="First site", max_length=200, help_text="Where clients are seen.")
    site_population_type = forms.ChoiceField(
        label="Population served at this site", choices=Site._meta.get_field("population_type").choices
    )
    site_address = forms.CharField(label="Site address", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    username = forms.CharField(
        label="Your username", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    first_name = forms.CharField(label="Your first name", max_length=150)
    last_name = forms.CharField(label="Your last name", max_length=150)
    email = forms.EmailField(
        label="Your e-mail", required=False, help_text="Security notices about your account go here."
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password again", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = _password_help()

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", PASSWORDS_DIFFER)
        return data


# --- users ------------------------------------------------------------------------


class UserCreateForm(UserCreationForm):
    """Username (unique regardless of case), names, role, credentials and a first password."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "credentials", "npi", "licence"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields[name].required = True
        self.fields["password1"].label = "Initial password"
        self.fields["password1"].help_text = _password_help()
        self.fields["password2"].label = "Initial password again"
        self.fields["password2"].help_text = "The same password, to catch a typing slip."

    def user_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def clean_npi(self) -> str:
        return clean_npi(self.cleaned_data["npi"])


NPI_INVALID = UserMessage(
    "npi_invalid",
    "An NPI is 10 digits whose last digit checks the others (Luhn, with the prefix 80840); check for a typing slip.",
)


def npi_is_valid(npi: str) -> bool:
    """The NPI check digit: Luhn over "80840" followed by the 10 digits (CMS, NPI check digit standard)."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    total = 0
    for i, char in enumerate(reversed("80840" + npi)):
        digit = int(char) * (2 if i % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def clean_npi(value: str) -> str:
    npi = value.strip().replace(" ", "")
    if npi and not npi_is_valid(npi):
        raise forms.ValidationError(NPI_INVALID)
    return npi


class UserEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "role", "credentials", "npi", "licence", "is_active"]
        labels = {"is_active": "Active (may sign in)"}
        help_texts = {
            "is_active": "Deactivating signs the person out everywhere and ends their API tokens.",
            "role": "Changing the role signs the person out everywhere and ends their API tokens.",
        }

    may_break_glass = forms.BooleanField(
        label="May break the glass (emergency access)",
        required=False,
        help_text="May open, for a limited time and with a stated reason, the chart of a client whose care team "
        "they are not on. Every such access is flagged and reviewed by an admin. Clinicians only.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields[name].required = True
        if self.instance.pk:
            self.fields["may_break_glass"].initial = relations_provider().is_designated_to_break_glass(self.instance)

    def clean_npi(self) -> str:
        return clean_npi(self.cleaned_data["npi"])


class AdminSetPasswordForm(SetPasswordForm):
    """An admin sets someone's password (Django's validators run against that person)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = _password_help()


class OwnPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = _password_help()


# --- sites ---------------------------------------------------------------------------

SITE_ON_CALL_ROLES = (Role.THERAPIST, Role.SUPERVISOR)


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "population_type", "address", "on_call_clinician", "is_active"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        labels = {"is_active": "Active (new clients may be placed here)"}
        help_texts = {
            "on_call_clinician": "Told, with the supervising clinician, when a client's risk alert "
            "goes unacknowledged too long."
        }

    def __init__(self, *args, creating: bool = False, organization_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["on_call_clinician"]
        field.queryset = User.objects.filter(
            organization_id=organization_id, is_active=True, role__in=SITE_ON_CALL_ROLES
        )
        field.label_from_instance = lambda user: f"{user.display_name} ({user.get_role_display()})"
        if creating:
            del self.fields["is_active"]


# --- supervision ----------------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.get_role_display()})"


class SupervisionLinkForm(forms.Form):
    supervisor = PersonChoiceField(queryset=User.objects.none(), empty_label="Choose a supervisor")
    supervisee = PersonChoiceField(queryset=User.objects.none(), empty_label="Choose an intern or therapist")

    def __init__(self, *args, supervisors, supervisees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors
        self.fields["supervisee"].queryset = supervisees


# --- audit ------------------------------------------------------------------------------


class AuditFilterForm(forms.Form):
    actor = PersonChoiceField(queryset=User.objects.none(), required=False, empty_label="Anyone")
    client = forms.CharField(
        label="Client",
        required=False,
        max_length=100,
        help_text="A name, or the number the log shows for a client you may not see by name.",
    )
    action = forms.ChoiceField(label="What happened", required=False)
    since = forms.DateField(label="From", required=False, widget=DATE)
    until = forms.DateField(label="To", required=False, widget=DATE)
    flagged = forms.BooleanField(label="Flagged only", required=False)
    order = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[
            ("-seq", "Newest first"),
            ("seq", "Oldest first"),
            ("actor", "By person"),
            ("action", "By action"),
        ],
    )

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors
        self.fields["action"].choices = [("", "Anything"), *audit.action_choices()]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", UNTIL_BEFORE_SINCE)
        return data

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "actor_id": data["actor"].pk if data.get("actor") else None,
            "client": data.get("client", "").strip(),
            "action": data.get("action", "").strip(),
            "since": data.get("since"),
            "until": data.get("until"),
            "flagged": bool(data.get("flagged")),
            "order": data.get("order") or "-seq",
        }


# --- API tokens ---------------------------------------------------------------------------


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        required=True,
        help_text="Where the token will be used, for example “reports laptop”.",
    )


CODE_LABEL = "Code"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=CODE_LABEL,
        max_length=64,
        strip=True,
        help_text="The six digits your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false", "autocapitalize": "off"}
        ),
    )


class ResetRequestForm(PasswordResetForm):
    """Django's form; the page after it is the same whether or not the address matched."""

    def save(self, **kwargs):
        services.password_reset_requested(accounts=len(list(self.get_users(self.cleaned_data["email"]))))
        return super().save(**kwargs)


class ResetSetPasswordForm(SetPasswordForm):
    """The new password goes through the service: validated, audited, every session and token ended."""

    def save(self, commit=True):
        return services.user_set_password(
            by=self.user, user=self.user, password=self.cleaned_data["new_password1"], via="reset"
        )

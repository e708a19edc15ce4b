from __future__ import annotations

from django import forms


class OrganizationSignInForm(forms.Form):
    local_passwords_enabled = forms.BooleanField(
        required=False,
        label="People may also sign in with an ArtChart password",
        help_text=(
            "Untick to make everyone but admins sign in with the organization's account. "
            "Admins keep their password and two-step sign-in, so IT can still get in if the "
            "organization's sign-in service is down."
        ),
    )

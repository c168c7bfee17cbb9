from django import forms
from django.core.exceptions import ValidationError

from .models import Role


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where it names one of the form's
    fields, otherwise at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
    else:
        form.add_error(None, error)


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        initial=Role.STAFF,
        help_text="Leads manage members; staff plan and upload data; facilitators run conversations; "
        "viewers read.",
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=150)
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not only numbers, not a common password.",
    )
    password2 = forms.CharField(
        label="Type the password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return cleaned


class CitySettingsForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label="Require two-factor sign-in for every member",
        required=False,
        help_text="Members without an authenticator app are asked to set one up before they can open "
        "this city's pages.",
    )
    retain_contacts_days = forms.IntegerField(
        label="Keep participants' contact details for (days)",
        required=False,
        min_value=30,
        help_text="Leave empty to keep them. A nightly purge erases older contact details.",
    )
    retain_police_days = forms.IntegerField(
        label="Keep police datasets for (days)",
        required=False,
        min_value=30,
        help_text="Leave empty to keep them. A nightly purge deletes datasets uploaded longer ago.",
    )

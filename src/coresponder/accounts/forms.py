from __future__ import annotations

from django import forms

from coresponder.accounts.services import SIX_DIGITS


class SignInForm(forms.Form):
    username = forms.CharField(max_length=150, strip=True)
    password = forms.CharField(max_length=1024, strip=False, widget=forms.PasswordInput)
    acknowledge = forms.BooleanField(
        label="I have read the notice above and accept its terms",
        error_messages={"required": "Acknowledge the system-use notice to sign in."},
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code",
        max_length=20,
        error_messages={"max_length": "Enter the six digits your authenticator app shows."},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not SIX_DIGITS.fullmatch(code):
            raise forms.ValidationError("Enter the six digits your authenticator app shows.")
        return code


class StepUpForm(forms.Form):
    password = forms.CharField(max_length=1024, strip=False, widget=forms.PasswordInput)
    code = forms.CharField(
        label="Six-digit code",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

"""Forms of the referral, consent and partner pages: they check the input's shape; the
services decide the rest and name the field of any refusal."""

from __future__ import annotations

from typing import Any

from django import forms

from coresponder.cases.models import NEEDS
from coresponder.referrals.engine import consent as consent_rules
from coresponder.referrals.models import Consent

SENSITIVE_CHOICES = [
    (code, label)
    for code, label in consent_rules.CATEGORIES.items()
    if code not in {"identity", "contact"}
]


def add_error(form: forms.Form, error: Exception) -> None:
    field = getattr(error, "field", "")
    form.add_error(field if field in form.fields else None, str(error))


class ReferralForm(forms.Form):
    needs = forms.MultipleChoiceField(
        choices=NEEDS, widget=forms.CheckboxSelectMultiple, label="For these needs"
    )
    purpose = forms.ChoiceField(
        choices=[(k, v) for k, v in consent_rules.PURPOSES.items() if k != "emergency"],
        initial="referral",
    )
    categories = forms.MultipleChoiceField(
        choices=SENSITIVE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="The note also tells the partner about",
        help_text="Name and contact details always go with a referral; a referral for mental "
        "health, substance use or medical needs discloses that information by itself.",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=4000,
        label="Note for the partner",
        help_text="Only what the partner needs to help. It is disclosed with the referral.",
    )


class SendForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    emergency_basis = forms.CharField(
        max_length=300,
        required=False,
        label="Medical emergency (only without consent)",
        help_text="Who decided and why there was no time to ask; it goes into the ledger.",
    )


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    to = forms.CharField(widget=forms.HiddenInput, max_length=12)
    note = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note"
    )


class ReferralFilterForm(forms.Form):
    which = forms.ChoiceField(choices=[("mine", "Mine"), ("team", "All I can see")], required=False)
    status = forms.ChoiceField(
        choices=[
            ("open", "Open"),
            ("overdue", "Overdue answers"),
            ("closed", "Closed"),
            ("all", "All"),
        ],
        required=False,
    )


class ConsentForm(forms.Form):
    categories = forms.MultipleChoiceField(
        choices=list(consent_rules.CATEGORIES.items()),
        widget=forms.CheckboxSelectMultiple,
        label="Information it covers",
    )
    recipient_organization_id = forms.ChoiceField(
        required=False, label="To this partner organisation"
    )
    recipient_class = forms.ChoiceField(
        required=False,
        choices=[("", "—")] + list(consent_rules.RECIPIENT_CLASSES.items()),
        label="Or to any recipient of this kind",
    )
    purposes = forms.MultipleChoiceField(
        choices=[(k, v) for k, v in consent_rules.PURPOSES.items() if k != "emergency"],
        widget=forms.CheckboxSelectMultiple,
        label="Purposes",
    )
    signed_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Given on")
    expires_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Expires on (last valid day)",
    )
    expiry_event = forms.CharField(
        max_length=200,
        required=False,
        label="Or ends with this event",
        help_text="e.g. the end of treatment",
    )
    method = forms.ChoiceField(choices=Consent.Method.choices, label="How it was given")
    signed_by = forms.CharField(max_length=200, label="Given by (the person or representative)")
    witness = forms.CharField(max_length=200, required=False, label="Witness (verbal consent)")

    def __init__(self, *args: Any, organizations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipient_organization_id"]
        field.choices = [("", "—"), *organizations]  # type: ignore[attr-defined]


class ConsentStopForm(forms.Form):
    action = forms.ChoiceField(choices=[("revoke", "Revoke"), ("end", "Ended")])
    note = forms.CharField(max_length=300, label="How and when")


class PartnerAnswerForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput, max_length=12)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Short outcome (optional)",
        help_text='No clinical detail: e.g. "Intake booked for Monday".',
    )

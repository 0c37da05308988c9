"""Forms of the plan pages: shapes only; the services decide the rest."""

from __future__ import annotations

from django import forms

NO_CLINICAL = (
    "Officers read this. Write what helps them keep everyone safe; no diagnoses, medication, "
    "substance use or case details."
)


def _area(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=2000, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    safety_concerns = _area("Safety concerns", NO_CLINICAL)
    triggers = _area("Triggers (what makes things worse)")
    what_helps = _area("What helps")
    de_escalation = _area("De-escalation approaches")
    who_to_call = forms.CharField(
        label="Who to call", max_length=300, initial="The on-call social worker"
    )
    co_author = forms.CharField(
        label="Written with (the person or a caregiver, if so)", max_length=200, required=False
    )
    review_by = forms.DateField(
        label="Review by (it stops showing after this day)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class PremiseNoteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    address = forms.CharField(label="Address", max_length=200)
    note = forms.CharField(
        label="Note for officers", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. \"Resident is deaf; knock and text 555-0100.\" " + NO_CLINICAL,
    )  # fmt: skip
    review_by = forms.DateField(
        label="Review by (it stops showing after this day)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=300, required=False)


class ConsultForm(forms.Form):
    question = forms.CharField(
        label="Your question", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Describe the situation; give no more personal detail than the team needs.",
    )  # fmt: skip
    urgency = forms.ChoiceField(label="Answer needed", choices=[
        ("now", "Now (on scene)"), ("today", "Today"), ("week", "This week"),
    ], initial="today")  # fmt: skip
    call_number = forms.CharField(label="Call number (if any)", max_length=64, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Answer", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ConsultCaseForm(forms.Form):
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)

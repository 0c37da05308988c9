"""Forms of the case pages. They check the shape of the input; the services decide the rest
and name the field of any refusal (``CaseError.field``), which ``add_case_error`` puts back
on the form."""

from __future__ import annotations

from typing import Any

from django import forms

from coresponder.cases import services
from coresponder.cases.models import (
    NEEDS,
    Case,
    Encounter,
    Housing,
    Note,
    Risk,
    Sensitivity,
)
from coresponder.cases.selectors import TIMELINE_KINDS, CaseloadFilters

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def _when(label: str, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=DateTimeInput(),
    )


def _text(label: str, max_length: int, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=False, **kwargs)


def _area(label: str, rows: int = 4, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def add_case_error(form: forms.Form, error: services.CaseError) -> None:
    """Show a service's refusal on the field it names (or on the whole form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


class VersionedForm(forms.Form):
    """A form editing a versioned record: it carries the version the edit started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# ---- People ---------------------------------------------------------------------------------


class PersonForm(forms.Form):
    first_name = _text("First name", 100)
    last_name = _text("Last name", 100)
    preferred_name = _text("Name they go by", 100)
    aliases = _area(
        "Other names (aliases)", rows=2, help_text="One a line: nicknames, street names, spellings."
    )
    pronouns = _text("Pronouns", 40)
    date_of_birth = forms.DateField(
        label="Date of birth", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    birth_year = forms.IntegerField(
        label="Birth year (when only the age is known)",
        required=False,
        min_value=1900,
        max_value=2100,
    )
    language = _text("Language", 60)
    housing = forms.ChoiceField(label="Housing", choices=Housing.choices, initial=Housing.UNKNOWN)
    usual_location = _text(
        "Usual location", 200, help_text="Where they can usually be found, instead of an address."
    )
    address = _text("Address", 200)
    emergency_contact = _text("Emergency contact", 200)
    contacts = _area(
        "Phone, text and e-mail",
        rows=2,
        help_text="One a line, e.g. “phone: 555-0100”, “text: 555-0101”, “email: a@b.org”.",
    )

    def person_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in services.PERSON_FIELDS}

    def alias_names(self) -> list[str]:
        lines = self.cleaned_data.get("aliases", "").splitlines()
        return [line.strip() for line in lines if line.strip()]

    def clean_contacts(self) -> list[tuple[str, str]]:
        """Each line a contact: "kind: value", or a bare value whose kind is guessed."""
        found = []
        for number, line in enumerate(self.cleaned_data.get("contacts", "").splitlines(), 1):
            if not line.strip():
                continue
            kind, separator, value = line.partition(":")
            if separator and kind.strip().lower() in CONTACT_KINDS:
                found.append((CONTACT_KINDS[kind.strip().lower()], value.strip()))
            elif separator and not any(ch.isdigit() for ch in kind) and "@" not in kind:
                raise forms.ValidationError(
                    f"Line {number}: “{kind.strip()}” is not phone, text, e-mail or other."
                )
            else:
                found.append(("email" if "@" in line else "phone", line.strip()))
        return found


CONTACT_KINDS = {
    "phone": "phone", "tel": "phone", "mobile": "phone", "cell": "phone", "text": "text",
    "sms": "text", "email": "email", "e-mail": "email", "other": "other",
}  # fmt: skip


class PersonEditForm(PersonForm, VersionedForm):
    pass


# ---- Cases ----------------------------------------------------------------------------------


class CaseOpenForm(forms.Form):
    source = forms.ChoiceField(label="How the case came in", choices=Case.Source.choices)
    risk_level = forms.ChoiceField(label="Risk level", choices=Risk.choices, initial=Risk.LOW)
    needs = forms.MultipleChoiceField(
        label="Needs", choices=NEEDS, required=False, widget=forms.CheckboxSelectMultiple
    )
    goals = _area("Goals", rows=3)


class CaseEditForm(VersionedForm):
    risk_level = forms.ChoiceField(label="Risk level", choices=Risk.choices)
    needs = forms.MultipleChoiceField(
        label="Needs", choices=NEEDS, required=False, widget=forms.CheckboxSelectMultiple
    )
    goals = _area("Goals", rows=4)


class CaseStatusForm(VersionedForm):
    status = forms.ChoiceField(label="Status", choices=Case.Status.choices)
    close_reason = forms.ChoiceField(
        label="Reason for closing",
        choices=[("", "— only when closing —"), *Case.CloseReason.choices],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == Case.Status.CLOSED and not data.get("close_reason"):
            self.add_error("close_reason", "Say why the case is closing.")
        return data


class CaseloadForm(forms.Form):
    which = forms.ChoiceField(
        label="Cases", choices=[("mine", "Mine"), ("team", "My team")], required=False
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[
            ("current", "Open and active"),
            ("overdue", "With an overdue follow-up"),
            *Case.Status.choices,
            ("all", "All"),
        ],
        required=False,
    )
    risk = forms.ChoiceField(label="Risk", choices=[("", "Any"), *Risk.choices], required=False)

    def filters(self) -> CaseloadFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return CaseloadFilters(
            which=data.get("which") or "mine",
            status=data.get("status") or "current",
            risk=data.get("risk") or "",
        )


class ReassignForm(forms.Form):
    cases = forms.MultipleChoiceField(
        label="Cases",
        choices=[],
        error_messages={
            "required": "Select at least one case.",
            "invalid_choice": "One of the selected cases cannot be moved by you.",
        },
    )
    to_user = forms.ChoiceField(
        label="Move to", choices=[], error_messages={"required": "Choose a worker."}
    )
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        min_length=5,
        error_messages={
            "required": "Say why the cases are being moved.",
            "min_length": "Say why the cases are being moved (at least 5 letters).",
        },
    )

    def __init__(
        self, *args: Any, cases: list[tuple[str, str]], workers: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = cases  # type: ignore[attr-defined]
        self.fields["to_user"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a worker"),
            *((str(worker.pk), str(worker)) for worker in workers),
        ]


class TimelineFilterForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Show",
        choices=[(kind, f"{kind.title()}s") for kind in TIMELINE_KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def kinds_chosen(self) -> set[str] | None:
        if self.is_valid() and self.cleaned_data["kinds"]:
            return set(self.cleaned_data["kinds"])
        return None


# ---- Encounters, notes, tasks, safety plans -------------------------------------------------


class EncounterForm(forms.Form):
    call = forms.UUIDField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label="Kind of encounter", choices=Encounter.Kind.choices)
    started_at = _when("Started")
    ended_at = _when("Ended", required=False)
    other_responders = _text(
        "Other responders", 200, help_text="Units and agencies on scene, e.g. 'Unit 2A31, EMS'."
    )
    outcome = forms.ChoiceField(label="Outcome", choices=Encounter.Outcome.choices)
    police_backup = forms.BooleanField(label="Police backup was requested", required=False)
    police_backup_reason = _text("Why backup was requested", 300)
    force_used = forms.BooleanField(label="Force was used by anyone on scene", required=False)
    force_description = _text("The force used, and by whom", 300)
    summary = _area("Summary", rows=5)

    def encounter_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("call", None)
        return data


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=Note.Kind.choices, initial=Note.Kind.NOTE)
    sensitivity = forms.ChoiceField(
        label="Sensitivity", choices=Sensitivity.choices, initial=Sensitivity.GENERAL
    )
    body = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 8}))


class NoteAmendForm(forms.Form):
    body = forms.CharField(label="Amended note", widget=forms.Textarea(attrs={"rows": 8}))
    reason = forms.CharField(label="Why it is amended", max_length=300, min_length=5)


class TaskForm(forms.Form):
    title = forms.CharField(label="What is to be done", max_length=200)
    due_at = _when("Due")


class TaskCompleteForm(VersionedForm):
    outcome = _text("Outcome", 300)


class SafetyPlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    warning_signs = _area("Warning signs")
    coping_strategies = _area("Coping strategies")
    reasons_for_living = _area("Reasons for living")
    people_and_places = _area("People and places for distraction and support")
    contacts = _area("Professionals and crisis lines to contact (988)")
    means_safety = _area("Making the means safe")

    def plan_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in services.SAFETY_PLAN_FIELDS}


def timeline_kind_labels() -> dict[str, str]:
    return dict(TimelineFilterForm.base_fields["kinds"].choices)  # type: ignore[attr-defined]

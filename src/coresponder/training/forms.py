"""Forms of the training pages: shapes only; the services decide the rest."""

from __future__ import annotations

from django import forms

from coresponder.training.models import Course


class SessionForm(forms.Form):
    course = forms.ModelChoiceField(queryset=Course.objects.none(), label="Course")
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="Place", max_length=200)
    trainer = forms.CharField(label="Trainer", max_length=200)

    def __init__(self, *args: object, agency_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["course"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Course.objects.filter(agency_id=agency_id).order_by("code")


class CourseForm(forms.Form):
    code = forms.CharField(label="Code", max_length=20)
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=Course.Kind.choices)
    hours = forms.DecimalField(label="Hours", max_digits=5, decimal_places=1, min_value=0.5)
    validity_months = forms.IntegerField(
        label="Certificate valid for (months; empty: no expiry)", required=False, min_value=1
    )
    renews = forms.ModelChoiceField(
        queryset=Course.objects.none(), label="Renews (refreshers only)", required=False
    )

    def __init__(self, *args: object, agency_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["renews"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Course.objects.filter(agency_id=agency_id)
            .exclude(kind=Course.Kind.REFRESHER)
            .order_by("code")
        )

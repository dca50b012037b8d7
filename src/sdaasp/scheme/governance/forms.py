"""Forms of the governance and the convention."""

from __future__ import annotations

from django import forms

from sdaasp.scheme.governance.models import Body
from sdaasp.scheme.organisations.models import Organisation
from sdaasp.scheme.web import DateInput, FuzzyDateField


class MeetingForm(forms.Form):
    body = forms.ModelChoiceField(label="Instance", queryset=Body.objects.none())
    date = FuzzyDateField(label="Date")
    title = forms.CharField(label="Intitulé", max_length=300)
    attendees = forms.ModelMultipleChoiceField(label="Organisations présentes", required=False,
                                               queryset=Organisation.objects.none())
    decisions = forms.CharField(label="Décisions (une par ligne)", required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, scheme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = scheme.bodies.all()
        self.fields["attendees"].queryset = Organisation.objects.filter(
            departement=scheme.departement)

    def clean_decisions(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["decisions"].splitlines()
                if line.strip()]


class SignatoryForm(forms.Form):
    organisation = forms.ModelChoiceField(label="Organisation signataire",
                                          queryset=Organisation.objects.none())
    signed_on = forms.DateField(label="Date de signature", required=False, widget=DateInput())
    specific = forms.CharField(label="Engagement spécifique (facultatif)", required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, scheme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            departement=scheme.departement, collective=False)

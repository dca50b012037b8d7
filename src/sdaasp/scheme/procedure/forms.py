"""Forms of the procedure (labels in French)."""

from __future__ import annotations

from django import forms

from sdaasp.scheme.organisations.models import Organisation
from sdaasp.scheme.procedure.models import ClockStart, ConsulteeKind, Decision, Opinion
from sdaasp.scheme.web import DateInput, FuzzyDateField


class TransmissionForm(forms.Form):
    consultee_kind = forms.ChoiceField(label="Organisme consulté", choices=ConsulteeKind.choices)
    organisation = forms.ModelChoiceField(label="Organisation", queryset=Organisation.objects
                                          .none(), required=False)
    transmitted = FuzzyDateField(label="Date de transmission")
    received_on = forms.DateField(label="Date de réception (si connue)", required=False,
                                  widget=DateInput())

    def __init__(self, *args, departement: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            departement=departement)


class OpinionForm(forms.Form):
    opinion = forms.ChoiceField(label="Avis", choices=Opinion.choices)
    opinion_date = forms.DateField(label="Date de la délibération", widget=DateInput())
    deliberation_ref = forms.CharField(label="Référence de la délibération", required=False,
                                       max_length=200)


class ApprovalForm(forms.Form):
    decision = forms.ChoiceField(label="Décision du conseil départemental",
                                 choices=Decision.choices)
    date = forms.DateField(label="Date de la délibération", widget=DateInput())
    deliberation_ref = forms.CharField(label="Référence de la délibération", required=False,
                                       max_length=200)


class ArreteForm(forms.Form):
    date = forms.DateField(label="Date de l'arrêté préfectoral", widget=DateInput())
    reference = forms.CharField(label="Référence de l'arrêté", required=False, max_length=200)


class PublicationForm(forms.Form):
    date = forms.DateField(label="Date de publication", widget=DateInput())
    medium = forms.CharField(label="Support (recueil des actes administratifs, site…)",
                             max_length=300)


class NewVersionForm(forms.Form):
    kind = forms.ChoiceField(label="Nature", choices=[
        ("amendement", "Projet modifié (après avis)"), ("revision", "Révision du schéma")])
    label = forms.CharField(label="Intitulé", max_length=300)
    reason = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}),
                             required=False)


class ClockForm(forms.Form):
    clock = forms.ChoiceField(label="Le délai de trois mois court à partir de",
                              choices=ClockStart.choices)

"""Forms of the programme (labels in French)."""

from __future__ import annotations

import re

from django import forms

from sdaasp.scheme.organisations.models import Organisation
from sdaasp.scheme.programme.models import ActionStatus, Direction
from sdaasp.scheme.web import DateInput


class ActionForm(forms.Form):
    code = forms.CharField(label="Code", max_length=30,
                           help_text="Identifiant unique dans le schéma, par exemple « 1.1.a ».")
    title = forms.CharField(label="Intitulé", max_length=300)
    is_example = forms.BooleanField(label="Exemple (fictif), absent du schéma réel",
                                    required=False)
    description = forms.CharField(label="Description", required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    quantitative_objectives = forms.CharField(label="Objectifs quantitatifs", required=False,
                                              widget=forms.Textarea(attrs={"rows": 2}))
    qualitative_objectives = forms.CharField(label="Objectifs qualitatifs", required=False,
                                             widget=forms.Textarea(attrs={"rows": 2}))
    start_date = forms.DateField(label="Début prévu", required=False, widget=DateInput())
    end_date = forms.DateField(label="Fin prévue", required=False, widget=DateInput())
    status = forms.ChoiceField(label="État", choices=ActionStatus.choices)
    pilots = forms.ModelMultipleChoiceField(label="Pilotes", queryset=Organisation.objects.none(),
                                            required=False)
    copilots = forms.ModelMultipleChoiceField(label="Co-pilotes", required=False,
                                              queryset=Organisation.objects.none())
    partners = forms.ModelMultipleChoiceField(label="Partenaires", required=False,
                                              queryset=Organisation.objects.none())
    target_epcis = forms.ModelMultipleChoiceField(label="EPCI ciblés", required=False,
                                                  queryset=Organisation.objects.none())
    target_scots = forms.ModelMultipleChoiceField(label="Territoires SCoT ciblés",
                                                  required=False,
                                                  queryset=Organisation.objects.none())
    target_communes = forms.CharField(label="Communes ciblées (codes INSEE séparés par des "
                                            "virgules)", required=False)
    target_zones = forms.CharField(label="Autres territoires ciblés (zones prioritaires, QPV…, "
                                         "un par ligne)", required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, departement: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        orgs = Organisation.objects.filter(departement=departement)
        for name in ("pilots", "copilots", "partners"):
            self.fields[name].queryset = orgs
        from sdaasp.diagnostic.territory.models import Epci, Scot

        self.fields["target_epcis"].queryset = Epci.objects.filter(departement_id=departement)
        self.fields["target_scots"].queryset = Scot.objects.filter(departement_id=departement)
        self.departement = departement

    def clean_target_communes(self) -> list[str]:
        codes = [c for c in re.split(r"[,;\s]+", self.cleaned_data["target_communes"]) if c]
        from sdaasp.diagnostic.territory.models import Commune

        known = set(Commune.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise forms.ValidationError(f"Communes inconnues : {', '.join(unknown)}.",
                                        code="unknown_commune")
        return codes

    def clean(self):
        d = super().clean()
        if d.get("start_date") and d.get("end_date") and d["end_date"] < d["start_date"]:
            self.add_error("end_date", "La fin prévue précède le début prévu.")
        return d


class NoteForm(forms.Form):
    text = forms.CharField(label="Note de suivi", widget=forms.Textarea(attrs={"rows": 3}))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="État", choices=ActionStatus.choices)


class IndicatorForm(forms.Form):
    code = forms.CharField(label="Code", max_length=40)
    name = forms.CharField(label="Indicateur", max_length=300)
    unit = forms.CharField(label="Unité", max_length=60)
    direction = forms.ChoiceField(label="Sens souhaité", choices=Direction.choices)
    baseline_value = forms.DecimalField(label="Valeur de référence", required=False,
                                        localize=True)
    baseline_year = forms.IntegerField(label="Année de référence", required=False,
                                       min_value=1990, max_value=2100)
    source = forms.CharField(label="Source", required=False, max_length=300)
    diagnostic_key = forms.CharField(
        label="Indicateur du diagnostic (facultatif)", required=False, max_length=120,
        help_text="Par exemple « share_beyond_30min:FS_FIXE ».")


class IndicatorValueForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=1990, max_value=2100)
    target = forms.DecimalField(label="Cible", required=False, localize=True)
    result = forms.DecimalField(label="Résultat", required=False, localize=True)


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=1990, max_value=2100)
    label = forms.CharField(label="Poste", max_length=300)
    amount_eur = forms.DecimalField(label="Montant (€)", max_digits=14, decimal_places=2,
                                    localize=True)
    funder = forms.ModelChoiceField(label="Financeur", required=False,
                                    queryset=Organisation.objects.none())

    def __init__(self, *args, departement: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = Organisation.objects.filter(departement=departement)

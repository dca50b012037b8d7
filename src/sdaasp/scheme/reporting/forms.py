"""Forms of annual reporting."""

from __future__ import annotations

from django import forms

from sdaasp.scheme.programme.models import ActionStatus
from sdaasp.scheme.web import DateInput


class CampaignForm(forms.Form):
    year = forms.IntegerField(label="Année suivie", min_value=1990, max_value=2100)
    opens_on = forms.DateField(label="Ouverture", widget=DateInput())
    closes_on = forms.DateField(label="Date limite", widget=DateInput())


class ReportForm(forms.Form):
    """Status, progress note, and one result field per indicator of the action."""

    action_status = forms.ChoiceField(label="État de l'action", choices=ActionStatus.choices)
    note = forms.CharField(label="Avancement de l'année",
                           widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, action, year: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = list(action.indicators.all())
        for ind in self.indicators:
            self.fields[f"result_{ind.pk}"] = forms.DecimalField(
                label=f"{ind.name} — résultat {year} ({ind.unit})", required=False,
                localize=True)

    def results(self) -> dict[int, object]:
        return {ind.pk: self.cleaned_data.get(f"result_{ind.pk}") for ind in self.indicators}


class ValidationForm(forms.Form):
    accepted = forms.TypedChoiceField(label="Décision", coerce=lambda v: v == "1",
                                      choices=[("1", "Valider"), ("0", "À revoir")])
    comment = forms.CharField(label="Commentaire", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

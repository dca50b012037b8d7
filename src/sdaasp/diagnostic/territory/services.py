"""The one write path of the territory: save a built territory, all or nothing, idempotent."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import shapely
from django.db import transaction

from sdaasp.diagnostic.territory.models import Commune, Departement, Epci, Mairie, Scot
from sdaasp.territory import Territory
from sdaasp.territory.crs import WGS84
from sdaasp.territory.geometry import representative_xy, web_geojson


def _pop(value: object) -> int | None:
    return None if pd.isna(value) else int(value)  # type: ignore[arg-type]


def _geo_fields(gdf: gpd.GeoDataFrame) -> tuple[list[bytes], list[str]]:
    return list(shapely.to_wkb(gdf.geometry.to_numpy())), web_geojson(gdf.geometry)


@transaction.atomic
def save_territory(territory: Territory) -> Departement:
    """Insert or update every level of ``territory``; rows that vanished are removed.

    Communes are updated in place (never deleted and recreated), so that service points,
    diagnostic results and actions that refer to them survive a rebuild.
    """
    d = territory.departement
    dep, _ = Departement.objects.update_or_create(
        code=d["code"],
        defaults={
            "nom": d["nom"],
            "crs": d["crs"],
            "source": d["source"],
            "grouping_name": territory.grouping.nom if territory.grouping else "",
        },
    )

    scot_wkb, scot_json = _geo_fields(territory.scot)
    scots = [
        Scot(departement=dep, code=r.code, nom=r.nom, communes_count=int(r.communes),
             population=_pop(r.population), geometry_wkb=w, geojson=j)
        for r, w, j in zip(territory.scot.itertuples(), scot_wkb, scot_json, strict=True)
    ]
    Scot.objects.bulk_create(
        scots, update_conflicts=True, unique_fields=["departement", "code"],
        update_fields=["nom", "communes_count", "population", "geometry_wkb", "geojson"],
    )
    Scot.objects.filter(departement=dep).exclude(code__in=[s.code for s in scots]).delete()
    scot_id = dict(Scot.objects.filter(departement=dep).values_list("code", "id"))

    epci_wkb, epci_json = _geo_fields(territory.epci)
    epcis = [
        Epci(departement=dep, siren=r.code, nom=r.nom or r.code, nature=r.nature or "",
             scot_id=scot_id.get(r.scot_code) if not pd.isna(r.scot_code) else None,
             communes_count=int(r.communes), population=_pop(r.population),
             geometry_wkb=w, geojson=j)
        for r, w, j in zip(territory.epci.itertuples(), epci_wkb, epci_json, strict=True)
    ]
    Epci.objects.bulk_create(
        epcis, update_conflicts=True, unique_fields=["departement", "siren"],
        update_fields=["nom", "nature", "scot", "communes_count", "population",
                       "geometry_wkb", "geojson"],
    )
    Epci.objects.filter(departement=dep).exclude(siren__in=[e.siren for e in epcis]).delete()
    epci_id = dict(Epci.objects.filter(departement=dep).values_list("siren", "id"))

    com = territory.communes
    com_wkb, com_json = _geo_fields(com)
    xy = representative_xy(com.geometry)
    communes = [
        Commune(code=r.code, departement=dep, nom=r.nom, population=_pop(r.population),
                epci_id=epci_id.get(r.epci_code) if not pd.isna(r.epci_code) else None,
                x=float(p[0]), y=float(p[1]), geometry_wkb=w, geojson=j)
        for r, w, j, p in zip(com.itertuples(), com_wkb, com_json, xy, strict=True)
    ]
    Commune.objects.bulk_create(
        communes, update_conflicts=True, unique_fields=["code"],
        update_fields=["departement", "nom", "population", "epci", "x", "y",
                       "geometry_wkb", "geojson"], batch_size=500,
    )
    Commune.objects.filter(departement=dep).exclude(code__in=[c.code for c in communes]).delete()

    m = territory.mairies
    lonlat = shapely.get_coordinates(m.geometry.to_crs(WGS84).to_numpy())
    pts = shapely.get_coordinates(m.geometry.to_numpy())
    mairies = [
        Mairie(commune_id=r.commune_code, nom=r.nom, adresse=r.adresse,
               accessibilite=r.accessibilite, horaires=json.loads(r.horaires), email=r.email,
               telephone=r.telephone, site=r.site, x=float(p[0]), y=float(p[1]),
               lon=float(ll[0]), lat=float(ll[1]))
        for r, p, ll in zip(m.itertuples(), pts, lonlat, strict=True)
    ]
    Mairie.objects.bulk_create(
        mairies, update_conflicts=True, unique_fields=["commune"],
        update_fields=["nom", "adresse", "accessibilite", "horaires", "email", "telephone",
                       "site", "x", "y", "lon", "lat"], batch_size=500,
    )
    Mairie.objects.filter(commune__departement=dep).exclude(
        commune_id__in=[mm.commune_id for mm in mairies]
    ).delete()
    return dep


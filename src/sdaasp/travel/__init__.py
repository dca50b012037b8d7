"""Travel models behind one interface: straight line (crowfly), OSM network, OSRM server.

Choose one per diagnostic run with :func:`model_from_spec` (``crowfly``, ``network:FILE``,
``osrm:URL``); every model answers :meth:`~TravelModel.nearest` and
:meth:`~TravelModel.pairs_within` without an origin × destination matrix.
"""

from __future__ import annotations

from sdaasp.errors import SdaaspError
from sdaasp.travel.base import Nearest, Pairs, TravelModel
from sdaasp.travel.crowfly import CONTEXTS, WALK, CrowflyConfig, CrowflyModel

__all__ = ["CONTEXTS", "WALK", "CrowflyConfig", "CrowflyModel", "Nearest", "Pairs",
           "TravelModel", "model_from_spec"]


def model_from_spec(spec: str, *, crs: int = 2154) -> TravelModel:
    """Build a model from ``crowfly``, ``network:FILE[.osm.pbf|.osm]`` or ``osrm:URL``."""
    if spec in ("crowfly", "vol-oiseau"):
        return CrowflyModel()
    if spec.startswith("network:"):
        from sdaasp.travel.network import NetworkConfig, NetworkModel

        return NetworkModel.from_osm(spec.split(":", 1)[1], NetworkConfig(crs=crs))
    if spec.startswith("osrm:"):
        from sdaasp.travel.osrm import OsrmConfig, OsrmModel

        return OsrmModel(OsrmConfig(url=spec.split(":", 1)[1], crs=crs))
    raise SdaaspError(
        f"Modèle de déplacement inconnu : « {spec} ». Attendu : crowfly, network:FICHIER.osm.pbf "
        "ou osrm:http://serveur:5000"
    )

"""Benchmark: import a 200,000-row BPE file (parse + validate + write to the database).

The file is SYNTHETIC (generated here in the official detailed BPE layout: random TYPEQU of the
nomenclature at random positions around the communes of Nord); it is labelled so in its name.
The peer is a plain ``pandas.read_csv`` of the same file, which only parses it: the ratio says
what validation, location checks and the database write cost on top of parsing.

Run: ``.venv/bin/python bench/bench_import_bpe.py [--rows 200000]`` (uses a temporary SQLite
database unless DATABASE_URL is set).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def make_synthetic_bpe(path: Path, rows: int, communes, *, seed: int = 0) -> None:
    """Write ``rows`` synthetic equipments in the detailed BPE layout (``;``, UTF-8)."""
    import numpy as np
    import pandas as pd

    from sdaasp.offer.nomenclature import types_of_year

    rng = np.random.default_rng(seed)
    codes = types_of_year(2018).query("origine == 'bpe'")["code"].to_numpy()
    pick = rng.integers(0, len(communes), rows)
    com = communes.iloc[pick]
    x = com["x"].to_numpy() + rng.normal(0, 150, rows)
    y = com["y"].to_numpy() + rng.normal(0, 150, rows)
    no_xy = rng.random(rows) < 0.02  # a few "non géolocalisé" rows, as in the real files
    df = pd.DataFrame({
        "AN": 2018, "DEPCOM": com["code"].to_numpy(), "DCIRIS": com["code"].to_numpy(),
        "TYPEQU": rng.choice(codes, rows),
        "LAMBERT_X": np.where(no_xy, "", np.round(x, 1).astype(str)),
        "LAMBERT_Y": np.where(no_xy, "", np.round(y, 1).astype(str)),
        "QUALITE_XY": np.where(no_xy, "Non géolocalisé", "Bonne"),
    })
    df.to_csv(path, sep=";", index=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sdaasp-bench-"))
    os.environ.setdefault("SDAASP_DATA_DIR", str(tmp))

    from sdaasp.cli import _django

    _django.setup(migrate=True)  # a fresh data directory
    import pandas as pd

    from sdaasp.diagnostic.offer.models import ServicePoint
    from sdaasp.diagnostic.offer.services import get_departement, import_area, save_import
    from sdaasp.diagnostic.territory.services import save_territory
    from sdaasp.offer import read_services
    from sdaasp.territory import build_territory

    territory = build_territory("59")
    save_territory(territory)
    dep = get_departement("59")
    area = import_area(dep)
    path = tmp / "bpe18_SYNTHETIQUE_ensemble_xy.csv"
    make_synthetic_bpe(path, args.rows, area.communes)
    print(f"Synthetic BPE file: {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB "
          f"({path.name})")

    t0 = time.perf_counter()
    peer = pd.read_csv(path, sep=";", dtype=str)
    t_peer = time.perf_counter() - t0

    t0 = time.perf_counter()
    result = read_services(path, source="bpe", area=area, year=2018)
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    save_import(result, dep)
    t_write = time.perf_counter() - t0
    n = ServicePoint.objects.filter(departement=dep, active=True).count()

    t0 = time.perf_counter()
    again = read_services(path, source="bpe", area=area, year=2018)
    save_import(again, dep)
    t_reimport = time.perf_counter() - t0
    assert ServicePoint.objects.filter(departement=dep).count() == n  # updated, not duplicated

    total = t_read + t_write
    engine = dep._state.db and os.environ.get("DATABASE_URL", "SQLite (temporary file)")
    print(f"Database: {engine}")
    print(f"pandas.read_csv (peer, parse only)        : {t_peer:6.2f} s ({len(peer):,} rows)")
    print(f"sdaasp parse + validate + locate (core)   : {t_read:6.2f} s")
    print(f"sdaasp database write (one transaction)   : {t_write:6.2f} s ({n:,} points)")
    print(f"sdaasp import total                       : {total:6.2f} s")
    print(f"re-import of the same file (upsert)       : {t_reimport:6.2f} s")
    print(f"ratio import total / pandas.read_csv      : {total / t_peer:6.1f}x")
    print(f"ratio core read / pandas.read_csv         : {t_read / t_peer:6.1f}x")


if __name__ == "__main__":
    main()

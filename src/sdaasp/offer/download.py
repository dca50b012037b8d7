"""Download the official service-offer files: real URLs, a cache, a SHA-256 checksum, progress.

The only network access of the offer domain, run on demand by ``sdaasp download``. INSEE and
ANCT publish no checksums: the SHA-256 of each downloaded file is recorded beside it
(``<file>.sha256``) and checked whenever the cached copy is reused, and an expected checksum
can be given to verify a download.
"""

from __future__ import annotations

import hashlib
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sdaasp.errors import SdaaspError

#: INSEE "Base permanente des équipements — fichier détail (ensemble, géolocalisé)" by year.
BPE_URLS = {
    2018: "https://www.insee.fr/fr/statistiques/fichier/3568638/bpe18_ensemble_xy_csv.zip",
    2019: "https://www.insee.fr/fr/statistiques/fichier/3568638/bpe19_ensemble_xy_csv.zip",
    2020: "https://www.insee.fr/fr/statistiques/fichier/3568638/bpe20_ensemble_xy_csv.zip",
    2021: "https://www.insee.fr/fr/statistiques/fichier/3568638/bpe21_ensemble_xy_csv.zip",
    2024: "https://www.insee.fr/fr/statistiques/fichier/8217537/bpe24_ensemble_xy_csv.zip",
}
#: ANCT's France Services GeoJSON (repository anct-carto/France-services).
FRANCE_SERVICES_URL = ("https://raw.githubusercontent.com/anct-carto/France-services/master/"
                       "data/france_services.geojson")


class DownloadError(SdaaspError):
    """A download that failed or whose checksum does not match."""


@dataclass(frozen=True)
class Downloaded:
    path: Path
    sha256: str
    from_cache: bool


def cache_dir(data_dir: str | Path | None = None) -> Path:
    """``$SDAASP_DATA_DIR/downloads`` (``./var/downloads`` by default)."""
    base = Path(data_dir or os.environ.get("SDAASP_DATA_DIR", "var"))
    return base / "downloads"


def bpe_url(year: int) -> str:
    try:
        return BPE_URLS[year]
    except KeyError:
        known = ", ".join(map(str, sorted(BPE_URLS)))
        raise DownloadError(f"Pas d'adresse connue pour la BPE {year} (millésimes connus : "
                            f"{known}) ; donnez l'adresse du fichier avec --url.") from None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(url: str, dest: Path, *, expected_sha256: str | None = None, force: bool = False,
          progress: TextIO | None = sys.stderr, timeout: float = 60.0) -> Downloaded:
    """Download ``url`` to ``dest`` unless a verified copy is cached there.

    The file is written under a temporary name and renamed once complete and verified, so an
    interrupted download never leaves a partial file in the cache.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    sidecar = dest.with_name(dest.name + ".sha256")
    if dest.exists() and sidecar.exists() and not force:
        recorded = sidecar.read_text(encoding="utf-8").split()[0]
        actual = _sha256(dest)
        if actual == recorded and (expected_sha256 is None or actual == expected_sha256.lower()):
            return Downloaded(dest, actual, True)
    tmp = dest.with_name(dest.name + ".part")
    h = hashlib.sha256()
    try:
        req = urllib.request.Request(url, headers={"User-Agent": "sdaasp"})
        with urllib.request.urlopen(req, timeout=timeout) as resp, tmp.open("wb") as out:
            total = int(resp.headers.get("Content-Length") or 0)
            done = 0
            while chunk := resp.read(1 << 16):
                out.write(chunk)
                h.update(chunk)
                done += len(chunk)
                if progress is not None:
                    _progress(progress, done, total, dest.name)
        if progress is not None:
            progress.write("\n")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        tmp.unlink(missing_ok=True)
        reason = getattr(exc, "reason", None) or exc
        raise DownloadError(f"Téléchargement impossible de {url} : {reason}") from None
    digest = h.hexdigest()
    if expected_sha256 and digest != expected_sha256.lower():
        tmp.unlink(missing_ok=True)
        raise DownloadError(f"Somme de contrôle SHA-256 différente pour {url} : attendu "
                            f"{expected_sha256.lower()}, obtenu {digest}. Fichier non conservé.")
    tmp.replace(dest)
    sidecar.write_text(f"{digest}  {dest.name}\n", encoding="utf-8")
    return Downloaded(dest, digest, False)


def _progress(out: TextIO, done: int, total: int, name: str) -> None:
    if total:
        pct = min(100, done * 100 // total)
        bar = "#" * (pct // 4)
        out.write(f"\r{name} [{bar:<25}] {pct:3d} % ({done / 1e6:.1f} Mo)")
    else:
        out.write(f"\r{name} {done / 1e6:.1f} Mo")
    out.flush()

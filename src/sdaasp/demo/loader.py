"""Load the demo pack into the database: every file not imported yet, nothing overwritten.

Each file goes through the one write path of its domain (``import_services``,
``import_needs_file``). A file is left as it is when it was imported before (even if its
points were changed or deactivated since), and when the user has imported another file of the
same source (a newer France Services list, a full BPE, their own Filosofi file…): the demo
never replaces what a user imported or changed. Everything happens in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction

from sdaasp.demo.pack import DEPARTEMENT, FILES, PACK_DIR, PackFile
from sdaasp.diagnostic.offer.models import ImportBatch
from sdaasp.diagnostic.offer.services import get_departement, import_services
from sdaasp.diagnostic.territory.models import Departement
from sdaasp.diagnostic.zones.models import NeedsSource
from sdaasp.diagnostic.zones.services import import_needs_file
from sdaasp.errors import SdaaspError
from sdaasp.territory.build import normalise_code

IMPORTED = "importé"
ALREADY = "déjà importé"
KEPT = "laissé tel quel"
#: Excluded points named in the summary, per file.
MAX_NOTES = 5


@dataclass(frozen=True)
class Step:
    """What the loader did with one file of the pack."""

    key: str
    label: str
    status: str  # IMPORTED, ALREADY or KEPT
    detail: str
    notes: tuple[str, ...] = ()  # points excluded by the importer, named


@dataclass
class LoadReport:
    """The outcome of :func:`load_pack`; ``str()`` gives the French summary."""

    departement: str
    steps: list[Step] = field(default_factory=list)

    @property
    def imported(self) -> list[str]:
        """Keys of the files imported by this call."""
        return [s.key for s in self.steps if s.status == IMPORTED]

    @property
    def unchanged(self) -> list[str]:
        """Keys of the files left as they were."""
        return [s.key for s in self.steps if s.status != IMPORTED]

    def summary(self) -> str:
        lines = [f"Jeu de démonstration du département {self.departement} : données réelles "
                 "de 2018 à 2021 (chaque fichier garde son millésime), pas des données "
                 "actuelles."]
        for s in self.steps:
            lines.append(f"  - {s.label} : {s.status}{' — ' + s.detail if s.detail else ''}")
            lines += [f"      · {n}" for n in s.notes]
        n = len(self.imported)
        lines.append(f"{n} fichier(s) importé(s), {len(self.steps) - n} laissé(s) tel(s) quel(s)."
                     if n else "Rien n'a été modifié : tout le jeu était déjà là.")
        return "\n".join(lines)

    __str__ = summary


def _sha256(f: PackFile) -> str:
    return hashlib.sha256((PACK_DIR / f.name).read_bytes()).hexdigest()


def _services(f: PackFile, dep: Departement) -> Step:
    sha = _sha256(f)
    mine = ImportBatch.objects.filter(departement=dep, source=f.source, sha256=sha).first()
    if mine is not None:
        state = "en vigueur" if mine.active else "remplacé depuis"
        return Step(f.key, f.label, ALREADY, f"{mine.points_count} point(s), import {state}, "
                                             "laissé tel quel")
    other = ImportBatch.objects.filter(departement=dep, source=f.source, dataset=f.dataset,
                                       active=True).order_by("-year", "-id").first()
    if other is not None:
        year = f", millésime {other.year}" if other.year else ""
        return Step(f.key, f.label, KEPT, f"un autre fichier de cette source est en vigueur "
                                          f"(« {other.file_name} »{year})")
    batch, result = import_services(PACK_DIR / f.name, source=f.source, departement=dep.code,
                                    year=f.year, dataset=f.dataset or None)
    detail = f"{result.rows_read} ligne(s) lue(s), {batch.points_count} point(s) retenu(s)"
    if batch.border_points:
        detail += (f" et {batch.border_points} hors département (destinations à moins de "
                   f"{batch.buffer_km} km)")
    if result.other_departements:
        detail += (f", {result.other_departements} ligne(s) d'autres départements "
                   "ignorée(s)")
    notes = tuple(str(p) for p in result.excluded[:MAX_NOTES])
    if result.excluded:
        detail += f", {len(result.excluded)} exclu(s)"
        if len(result.excluded) > MAX_NOTES:
            notes += (f"… et {len(result.excluded) - MAX_NOTES} autre(s).",)
    return Step(f.key, f.label, IMPORTED, detail, notes)


def _needs(f: PackFile, dep: Departement) -> Step:
    sha = _sha256(f)
    existing = NeedsSource.objects.filter(departement=dep, kind=f.source, level=f.level)
    if existing.filter(file_name=f.name, sha256=sha).exists():
        return Step(f.key, f.label, ALREADY, "laissé tel quel")
    other = existing.order_by("-imported_at", "-id").first()
    if other is not None:
        return Step(f.key, f.label, KEPT, f"un autre fichier de ce type est déjà importé "
                                          f"(« {other.file_name} »)")
    src = import_needs_file(PACK_DIR / f.name, f.source, departement=dep.code)
    what = "IRIS" if src.level == "iris" else "communes"
    return Step(f.key, f.label, IMPORTED, f"{src.rows} {what}, millésime {src.vintage}")


def load_pack(departement: str = DEPARTEMENT) -> LoadReport:
    """Import every file of the demo pack that is not imported yet for ``departement``.

    The département's territory must be saved (``sdaasp territory build 59``). Returns what
    was imported and what was left as it was; a second call changes nothing.
    """
    code = normalise_code(departement)
    if code != DEPARTEMENT:
        raise SdaaspError(f"Le jeu de démonstration ne concerne que le Nord ({DEPARTEMENT}) : "
                          f"rien à charger pour le département {code}.")
    dep = get_departement(code)
    report = LoadReport(code)
    with transaction.atomic():
        for f in FILES:
            report.steps.append(_services(f, dep) if f.importer == "services"
                                else _needs(f, dep))
    return report

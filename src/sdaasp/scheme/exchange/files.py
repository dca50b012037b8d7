"""Write a scheme export to a file, atomically (a temporary file renamed at the end)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from sdaasp.errors import SdaaspError
from sdaasp.scheme.exchange.export import get_scheme, scheme_to_dict

FORMATS = ("json", "xlsx")


def export_scheme(departement: str, path: Path, *, fmt: str) -> Path:
    """Export the département's scheme: ``json`` (everything) or ``xlsx`` (the programme)."""
    if fmt not in FORMATS:
        raise SdaaspError(f"Format inconnu : « {fmt} » (attendu : {', '.join(FORMATS)}).")
    scheme = get_scheme(departement)
    path = Path(path)
    if not path.parent.exists():
        raise SdaaspError(f"Dossier inexistant : {path.parent}")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sdaasp-", suffix=f".{fmt}")
    os.close(fd)
    try:
        if fmt == "json":
            Path(tmp).write_text(json.dumps(scheme_to_dict(scheme), ensure_ascii=False,
                                            indent=2), encoding="utf-8")
        else:
            from sdaasp.scheme.exchange.xlsx import programme_workbook

            programme_workbook(scheme).save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path

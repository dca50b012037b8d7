"""Reading the files départements receive: zipped or not, UTF-8 or CP1252, hashed.

Plumbing for the importers; every failure becomes an :class:`~sdaasp.errors.InputFileError`.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sdaasp.errors import InputFileError, Problem


@dataclass(frozen=True)
class RawFile:
    """The bytes of an input file (the member of a zip archive when zipped)."""

    name: str  # shown to users: "bpe.zip:bpe18.csv" or "bpe.csv"
    data: bytes
    sha256: str  # of the file as given (the archive itself when zipped)


def read_raw(path: str | Path, *, suffixes: tuple[str, ...] = (".csv", ".txt")) -> RawFile:
    """Read ``path``; from a zip archive, take its single member ending with ``suffixes``."""
    p = Path(path)
    try:
        blob = p.read_bytes()
    except OSError as exc:
        raise InputFileError([Problem(p.name, None, None, "un fichier lisible",
                                      exc.strerror or type(exc).__name__)]) from None
    digest = hashlib.sha256(blob).hexdigest()
    if not zipfile.is_zipfile(io.BytesIO(blob)):
        return RawFile(p.name, blob, digest)
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            members = [i for i in zf.infolist()
                       if not i.is_dir() and i.filename.lower().endswith(suffixes)]
            if len(members) != 1:
                raise InputFileError([Problem(
                    p.name, None, None,
                    f"une archive zip contenant exactement un fichier {'/'.join(suffixes)}",
                    f"{len(members)} fichier(s) de ce type")])
            data = zf.read(members[0])
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise InputFileError([Problem(p.name, None, None, "une archive zip lisible",
                                      str(exc) or type(exc).__name__)]) from None
    return RawFile(f"{p.name}:{Path(members[0].filename).name}", data, digest)


def decode_text(raw: RawFile) -> str:
    """UTF-8 (with or without BOM), else CP1252 — the two encodings INSEE has used."""
    try:
        return raw.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputFileError([Problem(raw.name, None, None, "un texte en UTF-8 ou CP1252",
                                      f"octet invalide à la position {exc.start}")]) from None

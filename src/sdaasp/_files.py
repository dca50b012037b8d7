"""File plumbing shared by the core's exports."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from sdaasp.errors import SdaaspError


def atomic_write(output: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``output``, then rename it.

    A failed or interrupted export leaves nothing behind, and never a half-written file
    under the final name.
    """
    if not output.parent.exists():
        raise SdaaspError(f"Le dossier de destination n'existe pas : {output.parent}")
    fd, tmp_name = tempfile.mkstemp(prefix=".sdaasp-", suffix=output.suffix, dir=output.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        write(tmp)
        tmp.replace(output)
    except OSError as exc:
        raise SdaaspError(f"Impossible d'écrire {output} : {exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return output

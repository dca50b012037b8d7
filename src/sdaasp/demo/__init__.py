"""The demo pack: small extracts of real open data of the Nord (2018–2021), shipped with the
package so that a fresh clone shows real services, real needs and real gaps.

:mod:`sdaasp.demo.pack` lists the files, :mod:`sdaasp.demo.build` builds them from
``../shared/data``, :func:`load` imports them into the database (Django side).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sdaasp.demo.pack import FILES, PACK_DIR

if TYPE_CHECKING:
    from sdaasp.demo.loader import LoadReport


def load(departement: str = "59") -> LoadReport:
    """Import every file of the pack not imported yet (needs Django set up); see
    :func:`sdaasp.demo.loader.load_pack`."""
    from sdaasp.demo.loader import load_pack

    return load_pack(departement)


__all__ = ["FILES", "PACK_DIR", "load"]

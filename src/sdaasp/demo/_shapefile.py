"""Extract some records of a point Shapefile, copying their bytes unchanged.

Writers of Shapefiles (GDAL, pyshp) stamp today's date in the dBase header and may re-encode
text or re-format numbers; an extract of real data must do neither. For a Point layer the
format is simple enough (ESRI Shapefile Technical Description, 1998; dBase III+ table) to copy
the chosen records byte for byte: only the counts, lengths, record numbers and bounding box of
the headers change, as the format requires.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

_HEADER = 100  # main file and index headers
_POINT = 1  # shape type of a Point layer


@dataclass(frozen=True)
class PointRecords:
    """The records of a point Shapefile, as raw bytes, in file order."""

    shp_header: bytes
    contents: list[bytes]  # content of each .shp record (shape type + x + y)
    dbf_header: bytes
    dbf_records: list[bytes]
    dbf_eof: bytes

    def xy(self, i: int) -> tuple[float, float]:
        """Coordinates of record ``i`` (0-based)."""
        return struct.unpack("<2d", self.contents[i][4:20])


def read_points(shp: Path) -> PointRecords:
    """Read ``shp`` and its ``.dbf`` beside it; refuse anything but a Point layer."""
    data = shp.read_bytes()
    dbf = shp.with_suffix(".dbf").read_bytes()
    if struct.unpack(">i", data[:4])[0] != 9994 or \
            struct.unpack("<i", data[32:36])[0] != _POINT:
        raise ValueError(f"{shp.name} : pas un Shapefile de points")
    contents: list[bytes] = []
    pos = _HEADER
    while pos < len(data):
        length = struct.unpack(">i", data[pos + 4:pos + 8])[0] * 2
        content = data[pos + 8:pos + 8 + length]
        if struct.unpack("<i", content[:4])[0] != _POINT:
            raise ValueError(f"{shp.name} : enregistrement {len(contents) + 1} qui n'est pas "
                             "un point")
        contents.append(content)
        pos += 8 + length
    n, header_len, record_len = struct.unpack("<IHH", dbf[4:12])
    if n != len(contents):
        raise ValueError(f"{shp.name} : {len(contents)} formes mais {n} lignes dans le .dbf")
    records = [dbf[header_len + i * record_len:header_len + (i + 1) * record_len]
               for i in range(n)]
    return PointRecords(data[:_HEADER], contents, dbf[:header_len], records,
                        dbf[header_len + n * record_len:])


def write_subset(src: PointRecords, keep: list[int], shp: Path, prj: str) -> list[Path]:
    """Write records ``keep`` (0-based, written in that order) as ``shp`` with its ``.shx``,
    ``.dbf`` and a ``.prj`` holding ``prj``; return the four paths."""
    contents = [src.contents[i] for i in keep]
    xy = [src.xy(i) for i in keep]
    box = (min(x for x, _ in xy), min(y for _, y in xy), max(x for x, _ in xy),
           max(y for _, y in xy)) if xy else (0.0, 0.0, 0.0, 0.0)
    records = b"".join(struct.pack(">2i", n, len(c) // 2) + c
                       for n, c in enumerate(contents, start=1))
    offsets = []
    pos = _HEADER
    for c in contents:
        offsets.append(struct.pack(">2i", pos // 2, len(c) // 2))
        pos += 8 + len(c)

    def header(total: int) -> bytes:
        h = bytearray(src.shp_header)
        h[24:28] = struct.pack(">i", total // 2)
        h[36:68] = struct.pack("<4d", *box)
        return bytes(h)

    dbf_header = bytearray(src.dbf_header)
    dbf_header[4:8] = struct.pack("<I", len(keep))
    out = [shp, shp.with_suffix(".shx"), shp.with_suffix(".dbf"), shp.with_suffix(".prj")]
    out[0].write_bytes(header(_HEADER + len(records)) + records)
    out[1].write_bytes(header(_HEADER + 8 * len(contents)) + b"".join(offsets))
    out[2].write_bytes(bytes(dbf_header) + b"".join(src.dbf_records[i] for i in keep)
                       + src.dbf_eof)
    out[3].write_bytes(prj.encode("ascii"))
    return out

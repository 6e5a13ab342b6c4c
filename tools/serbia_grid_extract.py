"""Cut the Serbian 400/220 kV grid out of PyPSA-Eur's ENTSO-E map extract (GridKit).

How the stored files under ``corridor_sim/models/serbia/grid/data/`` were made, once, from a
checkout of https://github.com/PyPSA/pypsa-eur (commit 16ed084, ``data/entsoegridkit``,
unofficial ENTSO-E map extract of March 2022; licence: CC-BY-4.0 per PyPSA-Eur's REUSE.toml,
"License: unknown" per its doc/data-repos.md, source ENTSO-E; see the data folder's README)::

    python tools/serbia_grid_extract.py /path/to/pypsa-eur/data/entsoegridkit

Nothing downloads at run time: the model reads the stored CSVs only. What is kept:

* every AC bus of voltage class 220 or 380 (380 = the 380-400 kV class) tagged ``RS`` in
  the extract; those south of 43.0 N and west of 21.6 E are Kosovo's (KOSTT has run its own
  control area since December 2020) and are tagged ``XK``;
* every line with both ends among those buses, every tie line from them to a neighbour's
  bus (that bus is kept too, with its country), and the transformers between kept buses;
* every generator the extract attaches to a Serbian or Kosovo bus (any voltage);
* ``coupling_lines.csv``: the 220/380 kV lines *between* the neighbours (and from each
  neighbour to the rest of Europe, country ``EXT``), from which the model builds the
  neighbours' equivalent couplings (parallel reactance of the real lines).

Buses the extract leaves without a country tag get the country of the neighbour whose tie
line reaches them (``_UNTAGGED``), read off the map by hand.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "corridor_sim" / "models" / "serbia" / "grid" / "data"
NEIGHBOURS = ("HU", "RO", "BG", "MK", "XK", "ME", "BA", "HR")
LEVELS = ("220", "380")
#: Kosovo: RS-tagged buses south of this latitude and west of this longitude.
KOSOVO_LAT_MAX, KOSOVO_LON_MAX = 43.0, 21.6
#: Untagged buses at the far end of a tie line: the tie's neighbour (ENTSO-E map).
_UNTAGGED = {"8659": "HU", "7202": "BA", "8793": "EXT", "8658": "HU", "8862": "HU"}


class _Dialect(csv.excel):
    quotechar = "'"


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, dialect=_Dialect))


def _tag(tags: str, key: str) -> str:
    m = re.search(rf'"{key}"=>"([^"]*)"', tags or "")
    return m.group(1) if m else ""


def _country(bus: dict[str, str]) -> str:
    c = _tag(bus["tags"], "country") or _UNTAGGED.get(bus["bus_id"], "")
    if c == "RS" and float(bus["y"]) < KOSOVO_LAT_MAX and float(bus["x"]) < KOSOVO_LON_MAX:
        return "XK"
    return c


def _geometry(wkt: str) -> str:
    """LINESTRING(x y, ...) -> 'x y;x y' with 4 decimals (about 10 m)."""
    inner = wkt[wkt.index("(") + 1 : wkt.rindex(")")]
    pts = [p.split() for p in inner.split(",")]
    return ";".join(f"{float(x):.4f} {float(y):.4f}" for x, y in pts)


def main(folder: Path) -> None:
    """Write the stored CSVs from the extract in `folder`."""
    buses = {b["bus_id"]: b for b in _rows(folder, "buses")}
    country = {k: _country(b) for k, b in buses.items()}
    home = {
        k
        for k, b in buses.items()
        if country[k] in ("RS", "XK") and b["dc"] == "f" and b["voltage"] in LEVELS
    }
    lines, border = [], set()
    for ln in _rows(folder, "lines"):
        a, z = ln["bus0"], ln["bus1"]
        if ln["voltage"] not in LEVELS or not ({a, z} & home):
            continue
        for end in (a, z):
            if end not in home:
                border.add(end)
        lines.append(ln)
    kept = home | border
    trafos = [t for t in _rows(folder, "transformers") if {t["bus0"], t["bus1"]} <= kept]
    gens = [g for g in _rows(folder, "generators") if country.get(g["bus_id"]) in ("RS", "XK")]
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "buses.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["bus_id", "station_id", "voltage", "country", "symbol", "x", "y"])
        for k in sorted(kept, key=int):
            b = buses[k]
            w.writerow([k, b["station_id"], b["voltage"], country[k], b["symbol"], b["x"], b["y"]])
    with (OUT / "lines.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            [
                "line_id",
                "bus0",
                "bus1",
                "voltage",
                "circuits",
                "length_m",
                "underground",
                "under_construction",
                "geometry",
            ]
        )
        for ln in sorted(lines, key=lambda r: int(r["line_id"])):
            w.writerow(
                [
                    ln["line_id"],
                    ln["bus0"],
                    ln["bus1"],
                    ln["voltage"],
                    ln["circuits"],
                    f"{float(ln['length']):.2f}",
                    ln["underground"],
                    ln["under_construction"],
                    _geometry(ln["geometry"]),
                ]
            )
    with (OUT / "transformers.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["transformer_id", "bus0", "bus1"])
        for t in sorted(trafos, key=lambda r: int(r["transformer_id"])):
            w.writerow([t["transformer_id"], t["bus0"], t["bus1"]])
    with (OUT / "generators.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["generator_id", "bus_id", "technology", "capacity_mw", "name", "x", "y"])
        for g in sorted(gens, key=lambda r: int(r["generator_id"])):
            x, y = g["geometry"][g["geometry"].index("(") + 1 : -1].split()
            w.writerow(
                [
                    g["generator_id"],
                    g["bus_id"],
                    g["technology"],
                    g["capacity"],
                    _tag(g["tags"], "name"),
                    x,
                    y,
                ]
            )
    group = {k: (c if c in (*NEIGHBOURS, "RS") else "EXT") for k, c in country.items()}
    with (OUT / "coupling_lines.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["line_id", "country0", "country1", "voltage", "circuits", "length_m"])
        for ln in _rows(folder, "lines"):
            if ln["voltage"] not in LEVELS or ln["under_construction"] == "True":
                continue
            c0, c1 = group.get(ln["bus0"], "EXT"), group.get(ln["bus1"], "EXT")
            if c0 == c1 or "RS" in (c0, c1) or (c0 == "EXT" and c1 == "EXT"):
                continue
            if {ln["bus0"], ln["bus1"]} & home:
                continue
            w.writerow(
                [ln["line_id"], c0, c1, ln["voltage"], ln["circuits"], f"{float(ln['length']):.2f}"]
            )


if __name__ == "__main__":
    main(Path(sys.argv[1]))

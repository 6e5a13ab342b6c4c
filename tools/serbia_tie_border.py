"""Write ``tie_border.csv``: the length inside Serbia of each Serbian tie line.

EMS counts a tie line's length up to the border; the ENTSO-E map extract gives the whole
route. This script cuts every tie route of the stored extract (``lines.csv``, a line with
one end in Serbia and the other in a neighbour or Kosovo) where it first crosses a land
border of Natural Earth 1:50m (public domain; the copy the package ships for its maps,
``corridor_sim/plotting/data/basemap_ne50m.json.gz``, simplified and rounded to 0.01°, so
a crossing is good to about a kilometre), and measures the route from the Serbian end to
that point. Kosovo's boundary is Natural Earth's. A tie whose far end the extract puts at
the border itself (a GridKit ``joint``) has no crossing: all of it is inside Serbia.

Usage::

    python tools/serbia_tie_border.py

Lines added by hand (``changes.csv``) carry their Serbian part in the rows written below
``EXTRA`` with the reason; the planned Trans-Balkan ties to the neighbours' equivalents are
measured by the model itself (their catalogue length is the Serbian part).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from corridor_sim.models.serbia.grid.stored import polyline_km, read_tables
from corridor_sim.plotting.basemap import load_basemap

OUT = Path(__file__).resolve().parents[1] / "corridor_sim/models/serbia/grid/data/tie_border.csv"
#: Hand-added tie lines: (id, km inside Serbia, how).
EXTRA = (
    (
        "bajina_basta_pljevlja_220",
        "83.0",
        "0.958 of serbia.line.bajina_basta_pljevlja_220.length (86.6 km): the straight line "
        "Bajina Bašta - Pljevlja 2 meets the Montenegrin border at 0.958 of its length; the "
        "route is taken to stay in Serbia up to there",
    ),
)


def _crossing(p: np.ndarray, q: np.ndarray, a: np.ndarray, b: np.ndarray) -> float | None:
    d1, d2 = q - p, b - a
    den = d1[0] * d2[1] - d1[1] * d2[0]
    if abs(den) < 1e-12:
        return None
    t = ((a[0] - p[0]) * d2[1] - (a[1] - p[1]) * d2[0]) / den
    u = ((a[0] - p[0]) * d1[1] - (a[1] - p[1]) * d1[0]) / den
    return float(t) if 0 <= t <= 1 and 0 <= u <= 1 else None


def main() -> None:
    """Write ``tie_border.csv`` next to the stored extract."""
    t = read_tables()
    country = dict(zip(t.buses["bus_id"], t.buses["country"], strict=True))
    where = {b.bus_id: (float(b.x), float(b.y)) for b in t.buses.itertuples()}
    borders = [
        (line[i], line[i + 1]) for line in load_basemap().borders for i in range(len(line) - 1)
    ]
    rows = []
    for ln in t.lines.itertuples():
        c0, c1 = country[ln.bus0], country[ln.bus1]
        if (c0 == "RS") == (c1 == "RS"):
            continue
        home = where[ln.bus0 if c0 == "RS" else ln.bus1]
        geo = np.array([[float(v) for v in p.split()] for p in ln.geometry.split(";")])
        if np.hypot(*(geo[0] - home)) > np.hypot(*(geo[-1] - home)):
            geo = geo[::-1]
        cum = polyline_km([tuple(p) for p in geo])
        hits = [
            cum[i] + tt * (cum[i + 1] - cum[i])
            for i in range(len(geo) - 1)
            for a, b in borders
            if (tt := _crossing(geo[i], geo[i + 1], a, b)) is not None
        ]
        share = min(hits) / cum[-1] if hits else 1.0
        km = share * float(ln.length_m) / 1e3
        how = (
            f"route cut at the first Natural Earth border crossing ({share:.3f} of the route)"
            if hits
            else "no border crossing on the route: the far end is the border joint"
        )
        rows.append((f"line_{ln.line_id}", f"{km:.1f}", how))
    rows += list(EXTRA)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(("line_id", "km_in_serbia", "method"))
        out.writerows(rows)


if __name__ == "__main__":
    main()

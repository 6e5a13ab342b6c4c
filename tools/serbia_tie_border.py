"""Write ``tie_border.csv``: the length inside Serbia of each Serbian tie line.

EMS counts a tie line's length up to the border; the ENTSO-E map extract gives the whole
route. This script cuts every tie route of the stored extract (``lines.csv``, a line with
one end in Serbia and the other in a neighbour or Kosovo) where it crosses the land borders
of Natural Earth 1:50m (public domain; the copy the package ships for its maps,
``corridor_sim/plotting/data/basemap_ne50m.json.gz``, simplified and rounded to 0.01°, so
a crossing is good to about a kilometre), and measures the route from the Serbian end to
the first crossing, plus any stretch where it comes back (a route that leaves Serbia and
re-enters it, e.g. round the Bosnian salient at Višegrad). Kosovo's boundary is Natural
Earth's. A tie whose far end the extract puts at
the border itself (a GridKit ``joint``) has no crossing: all of it is inside Serbia.

Usage::

    python tools/serbia_tie_border.py

Tie lines added by hand with a route (``changes.csv``, column ``geometry``) are cut the same
way, their length being the change's catalogue length (Vardište – Višegrad, Bajina Bašta –
Pljevlja 2); extract lines a ``remove`` change takes out in every year are left out; the
planned Trans-Balkan ties to the neighbours' equivalents are measured by the model itself
(their catalogue length is the Serbian part).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from corridor_sim.catalogue import value
from corridor_sim.models.serbia.grid.stored import polyline_km, read_tables
from corridor_sim.plotting.basemap import load_basemap

OUT = Path(__file__).resolve().parents[1] / "corridor_sim/models/serbia/grid/data/tie_border.csv"


def _crossing(p: np.ndarray, q: np.ndarray, a: np.ndarray, b: np.ndarray) -> float | None:
    d1, d2 = q - p, b - a
    den = d1[0] * d2[1] - d1[1] * d2[0]
    if abs(den) < 1e-12:
        return None
    t = ((a[0] - p[0]) * d2[1] - (a[1] - p[1]) * d2[0]) / den
    u = ((a[0] - p[0]) * d1[1] - (a[1] - p[1]) * d1[0]) / den
    return float(t) if 0 <= t <= 1 and 0 <= u <= 1 else None


def route_share_inside(
    home: tuple[float, float],
    route: str,
    borders: list[tuple[np.ndarray, np.ndarray]],
) -> tuple[float, int]:
    """Share of `route` (``"lon lat;lon lat;..."``) inside the area of its `home` end.

    Returns the share and the number of border crossings: from the `home` end, each
    crossing leaves or re-enters the area in turn.
    """
    geo = np.array([[float(v) for v in p.split()] for p in route.split(";")])
    if np.hypot(*(geo[0] - home)) > np.hypot(*(geo[-1] - home)):
        geo = geo[::-1]
    cum = polyline_km([tuple(p) for p in geo])
    hits = [
        cum[i] + tt * (cum[i + 1] - cum[i])
        for i in range(len(geo) - 1)
        for a, b in borders
        if (tt := _crossing(geo[i], geo[i + 1], a, b)) is not None
    ]
    marks = [0.0, *sorted(hits), float(cum[-1])]
    inside = sum(marks[k + 1] - marks[k] for k in range(0, len(marks) - 1, 2))
    return inside / cum[-1], len(hits)


def main() -> None:
    """Write ``tie_border.csv`` next to the stored extract."""
    t = read_tables()
    country = dict(zip(t.buses["bus_id"], t.buses["country"], strict=True))
    where = {b.bus_id: (float(b.x), float(b.y)) for b in t.buses.itertuples()}
    borders = [
        (line[i], line[i + 1]) for line in load_basemap().borders for i in range(len(line) - 1)
    ]

    def cut(line_id: str, home: tuple[float, float], route: str, km_total: float) -> None:
        share, hits = route_share_inside(home, route, borders)
        how = (
            f"route inside Serbia between Natural Earth border crossings ({hits}; "
            f"{share:.3f} of the route)"
            if hits
            else "no border crossing on the route: the far end is the border joint"
        )
        rows.append((line_id, f"{share * km_total:.1f}", how))

    rows: list[tuple[str, str, str]] = []
    # extract lines a change takes out in every year (no year) are in no grid
    gone = {c.bus0 for c in t.changes.itertuples() if c.kind == "remove" and not c.year_fact}
    for ln in t.lines.itertuples():
        if ln.line_id in gone:
            continue
        c0, c1 = country[ln.bus0], country[ln.bus1]
        if (c0 == "RS") != (c1 == "RS"):
            home = where[ln.bus0 if c0 == "RS" else ln.bus1]
            cut(f"line_{ln.line_id}", home, ln.geometry, float(ln.length_m) / 1e3)
    for c in t.changes.itertuples():
        if c.kind == "line" and c.geometry and c.bus1.isdigit():
            c0, c1 = country.get(c.bus0, "RS"), country[c.bus1]
            if (c0 == "RS") != (c1 == "RS"):
                home = where[c.bus0 if c0 == "RS" else c.bus1]
                cut(c.change_id, home, c.geometry, value(c.length_fact, unit="km"))
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(("line_id", "km_in_serbia", "method"))
        out.writerows(rows)


if __name__ == "__main__":
    main()

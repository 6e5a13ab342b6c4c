"""Make ``corridor_sim/plotting/data/basemap_ne50m.json.gz`` from Natural Earth 1:50m GeoJSON.

Not run at install or test time: the package ships the file this script writes, so maps
draw offline. Run it again only to change the region, the tolerance or the source.

Source
------
Natural Earth 1:50m, version 4.0.0 (public domain, https://www.naturalearthdata.com;
the data's own repository is https://github.com/nvkelso/natural-earth-vector), in the
GeoJSON conversion of https://github.com/martynafford/natural-earth-geojson at commit
0b9a6ceb0a7032713abd9460ac1e995a9c60cd1e (CC0). Files read, from its ``50m/`` folder::

    physical/ne_50m_land.json                    land polygons; the Caspian Sea is the one
                                                 hole of the Eurasian polygon
    physical/ne_50m_lakes.json                   lakes (Aral Sea, Balkhash, Van, Sevan, ...)
    physical/ne_50m_coastline.json               coastlines, the Caspian shore included
    physical/ne_50m_geography_marine_polys.json  names and areas of seas (labels only)
    cultural/ne_50m_admin_0_boundary_lines_land.json   land borders
    cultural/ne_50m_admin_0_countries.7z         countries (names, codes; labels only);
                                                 unpack with ``7zz x`` first

Usage::

    python tools/make_basemap.py SOURCE_DIR [OUT_FILE]

``SOURCE_DIR`` holds the files above, flat. Steps: clip to :data:`EXTENT`; simplify
every ring and line with Douglas-Peucker at :data:`TOLERANCE_DEG`; round to 0.01°
(stored as integers in hundredths of a degree, delta-encoded); drop rings smaller than
:data:`MIN_AREA_DEG2`; label points of countries and seas are the interior point
farthest from the edge of their largest part inside the extent.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.path import Path as MplPath
from scipy.spatial import cKDTree

#: Region kept: lon0, lon1, lat0, lat1 (degrees). Covers Italy/the Balkans to Central Asia.
EXTENT = (5.0, 80.0, 28.0, 58.0)
#: Douglas-Peucker tolerance (degrees; 0.01° is about 1 km).
TOLERANCE_DEG = 0.01
#: Rings (islands, lakes) smaller than this are dropped (square degrees; ~15 km²).
MIN_AREA_DEG2 = 0.002
#: Stored coordinates are integers in 1/SCALE degree.
SCALE = 100
SOURCE = {
    "name": "Natural Earth 1:50m (version 4.0.0)",
    "licence": "public domain (Natural Earth terms of use); GeoJSON conversion CC0",
    "url": "https://github.com/nvkelso/natural-earth-vector",
    "geojson": "https://github.com/martynafford/natural-earth-geojson",
    "commit": "0b9a6ceb0a7032713abd9460ac1e995a9c60cd1e",
}
#: Display names that changed after the data's version (short forms fit on a map).
NAME_FIXES = {"MKD": "N. Macedonia", "TUR": "Türkiye"}


def _rings(geometry: dict[str, Any]) -> list[list[np.ndarray]]:
    """Polygons of a (Multi)Polygon geometry: each a list [exterior, hole, ...]."""
    coords = geometry["coordinates"]
    polys = [coords] if geometry["type"] == "Polygon" else coords
    return [[np.asarray(ring, dtype=float)[:, :2] for ring in poly] for poly in polys]


def _lines(geometry: dict[str, Any]) -> list[np.ndarray]:
    coords = geometry["coordinates"]
    lines = [coords] if geometry["type"] == "LineString" else coords
    return [np.asarray(line, dtype=float)[:, :2] for line in lines]


def _clip_ring(ring: np.ndarray, extent: tuple[float, float, float, float]) -> np.ndarray:
    """Sutherland-Hodgman clip of a closed ring to the rectangle `extent`."""
    lon0, lon1, lat0, lat1 = extent
    pts = ring[:-1] if np.allclose(ring[0], ring[-1]) else ring
    for axis, bound, keep_low in (
        (0, lon0, False),
        (0, lon1, True),
        (1, lat0, False),
        (1, lat1, True),
    ):
        if len(pts) == 0:
            break
        nxt = np.roll(pts, -1, axis=0)
        inside = pts[:, axis] <= bound if keep_low else pts[:, axis] >= bound
        inside_n = np.roll(inside, -1)
        out = []
        for p, q, a, b in zip(pts, nxt, inside, inside_n, strict=True):
            if a:
                out.append(p)
            if a != b:
                t = (bound - p[axis]) / (q[axis] - p[axis])
                out.append(p + t * (q - p))
        pts = np.asarray(out).reshape(-1, 2)
    return np.vstack([pts, pts[:1]]) if len(pts) else pts


def _clip_line(line: np.ndarray, extent: tuple[float, float, float, float]) -> list[np.ndarray]:
    """Return the runs of `line` touching `extent` (one point beyond the edge kept at each end)."""
    lon0, lon1, lat0, lat1 = extent
    inside = (
        (line[:, 0] >= lon0) & (line[:, 0] <= lon1) & (line[:, 1] >= lat0) & (line[:, 1] <= lat1)
    )
    keep = inside | np.r_[inside[1:], False] | np.r_[False, inside[:-1]]
    runs, start = [], None
    for i, k in enumerate([*keep, False]):
        if k and start is None:
            start = i
        elif not k and start is not None:
            if i - start >= 2:
                runs.append(line[start:i])
            start = None
    return runs


def _dp(points: np.ndarray, tol: float) -> np.ndarray:
    """Douglas-Peucker simplification of an open polyline."""
    n = len(points)
    if n < 3:
        return points
    keep = np.zeros(n, dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, b = points[i], points[j]
        seg = b - a
        rel = points[i + 1 : j] - a
        norm = np.hypot(*seg)
        if norm == 0:
            dist = np.hypot(rel[:, 0], rel[:, 1])
        else:
            dist = np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / norm
        k = int(np.argmax(dist))
        if dist[k] > tol:
            m = i + 1 + k
            keep[m] = True
            stack += [(i, m), (m, j)]
    return points[keep]


def _simplify_ring(ring: np.ndarray, tol: float) -> np.ndarray:
    """Douglas-Peucker on a closed ring, split at the point farthest from its start."""
    pts = ring[:-1] if np.allclose(ring[0], ring[-1]) else ring
    if len(pts) < 4:
        return ring
    far = int(np.argmax(np.hypot(*(pts - pts[0]).T)))
    first = _dp(pts[: far + 1], tol)
    second = _dp(np.vstack([pts[far:], pts[:1]]), tol)
    return np.vstack([first, second[1:]])


def _area(ring: np.ndarray) -> float:
    """Signed area (square degrees; > 0 counter-clockwise)."""
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _quantise(points: np.ndarray) -> np.ndarray:
    q = np.round(points * SCALE).astype(np.int64)
    same = np.r_[False, np.all(q[1:] == q[:-1], axis=1)]
    return q[~same]


def _encode(q: np.ndarray) -> list[int]:
    """Integers: first point, then differences (small numbers gzip well)."""
    return np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel().tolist()


def _polygon(rings: list[np.ndarray], extent: tuple[float, float, float, float]) -> list | None:
    """Clip, simplify, orient (exterior counter-clockwise, holes clockwise) and encode."""
    out = []
    for k, ring in enumerate(rings):
        clipped = _clip_ring(ring, extent)
        if len(clipped) < 4:
            if k == 0:
                return None
            continue
        simple = _quantise(_simplify_ring(clipped, TOLERANCE_DEG)) / SCALE
        if len(simple) < 4 or abs(_area(simple)) < MIN_AREA_DEG2:
            if k == 0:
                return None
            continue
        want_ccw = k == 0
        if (_area(simple) > 0) != want_ccw:
            simple = simple[::-1]
        out.append(_encode(_quantise(simple)))
    return out


def _label_point(rings: list[np.ndarray], lat_mid: float) -> tuple[float, float]:
    """Interior point farthest from the edge (grid search; x scaled by cos(latitude))."""
    ext = rings[0]
    lo, hi = ext.min(axis=0), ext.max(axis=0)
    step = max(float((hi - lo).max()) / 120, 0.02)
    gx, gy = np.meshgrid(np.arange(lo[0], hi[0], step), np.arange(lo[1], hi[1], step))
    cand = np.column_stack([gx.ravel(), gy.ravel()])
    inside = MplPath(ext).contains_points(cand)
    for hole in rings[1:]:
        inside &= ~MplPath(hole).contains_points(cand)
    if not inside.any():
        return float(ext[:, 0].mean()), float(ext[:, 1].mean())
    cand = cand[inside]
    scale = np.array([np.cos(np.deg2rad(lat_mid)), 1.0])
    edge = np.vstack([_densify(r, step / 2) for r in rings])
    dist, _ = cKDTree(edge * scale).query(cand * scale)
    best = cand[int(np.argmax(dist))]
    return round(float(best[0]), 2), round(float(best[1]), 2)


def _densify(ring: np.ndarray, step: float) -> np.ndarray:
    seg = np.diff(ring, axis=0)
    n = np.maximum(1, np.ceil(np.hypot(*seg.T) / step).astype(int))
    parts = [ring[i] + np.outer(np.arange(k) / k, seg[i]) for i, k in enumerate(n)]
    return np.vstack([*parts, ring[-1:]])


def _named_areas(features: list[dict], name_of: Any, extent: tuple) -> list[dict]:
    """Name, label point and area inside `extent` of each named polygon feature."""
    lat_mid = (extent[2] + extent[3]) / 2
    out = []
    for feature in features:
        best, best_area, total = None, 0.0, 0.0
        for poly in _rings(feature["geometry"]):
            ext = _clip_ring(poly[0], extent)
            if len(ext) < 4:
                continue
            area = abs(_area(ext))
            total += area
            if area > best_area:
                holes = [h for h in (_clip_ring(r, extent) for r in poly[1:]) if len(h) >= 4]
                best, best_area = [ext, *holes], area
        name = name_of(feature["properties"])
        if best is None or not name or total < MIN_AREA_DEG2:
            continue
        lon, lat = _label_point(best, lat_mid)
        out.append({**name, "lon": lon, "lat": lat, "area_deg2": round(total, 3)})
    return sorted(out, key=lambda r: -r["area_deg2"])


def build(source: Path, extent: tuple[float, float, float, float] = EXTENT) -> dict[str, Any]:
    """Read the Natural Earth files in `source` and return the basemap payload."""

    def features(name: str) -> list[dict]:
        return json.loads((source / f"ne_50m_{name}.json").read_text(encoding="utf-8"))["features"]

    land = [
        p
        for f in features("land")
        for rings in _rings(f["geometry"])
        if (p := _polygon(rings, extent)) is not None
    ]
    lakes = []
    for f in features("lakes"):
        polys = [p for rings in _rings(f["geometry"]) if (p := _polygon(rings, extent))]
        if polys:
            lakes.append({"name": f["properties"].get("name") or "", "polygons": polys})

    def lines(name: str) -> list[list[int]]:
        out = []
        for f in features(name):
            for line in _lines(f["geometry"]):
                for run in _clip_line(line, extent):
                    q = _quantise(_dp(run, TOLERANCE_DEG))
                    if len(q) >= 2:
                        out.append(_encode(q))
        return out

    def country(p: dict) -> dict | None:
        code = p.get("ADM0_A3") or p.get("ISO_A3")
        return {"name": NAME_FIXES.get(code, p.get("NAME") or ""), "code": code}

    seas = _named_areas(
        [
            f
            for f in features("geography_marine_polys")
            if f["properties"].get("featurecla") in {"sea", "gulf", "bay"}
        ],
        lambda p: {"name": p.get("name") or ""} if p.get("name") else None,
        extent,
    )
    lake_names = _named_areas(features("lakes"), lambda p: {"name": p.get("name") or ""}, extent)
    return {
        "source": {**SOURCE, "tolerance_deg": TOLERANCE_DEG, "min_area_deg2": MIN_AREA_DEG2},
        "extent": list(extent),
        "scale": SCALE,
        "encoding": "rings and lines are flat [x0, y0, dx1, dy1, ...] in 1/scale degree",
        "land": land,
        "lakes": lakes,
        "coastline": lines("coastline"),
        "borders": lines("admin_0_boundary_lines_land"),
        "countries": _named_areas(features("admin_0_countries"), country, extent),
        "seas": [s for s in seas + lake_names if s["area_deg2"] >= 1.0],
    }


def main(argv: list[str]) -> None:
    """Write the basemap file from the Natural Earth files in ``argv[0]``."""
    source = Path(argv[0])
    root = Path(__file__).resolve().parents[1]
    out = (
        Path(argv[1])
        if len(argv) > 1
        else (root / "corridor_sim" / "plotting" / "data" / "basemap_ne50m.json.gz")
    )
    payload = build(source)
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same input gives the same bytes
    out.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    counts = {k: len(payload[k]) for k in ("land", "lakes", "coastline", "borders", "countries")}
    print(f"{out}: {out.stat().st_size / 1024:.0f} kB; {counts}")


if __name__ == "__main__":
    main(sys.argv[1:])

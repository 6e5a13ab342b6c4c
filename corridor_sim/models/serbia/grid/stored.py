"""The stored Serbian grid data: the ENTSO-E map extract and the public changes since.

Reads the small CSV files of ``corridor_sim/models/serbia/grid/data`` (made by
``tools/serbia_grid_extract.py`` from PyPSA-Eur's ``data/entsoegridkit``; licence and
reference in that folder's ``README.md`` and the catalogue row ``serbia.grid.extract``).
Every element keeps the extract's id; the changes since March 2022 (``changes.csv``,
``generator_changes.csv``) name the catalogue rows that give their lengths, capacities
and years. Reading the files is cached (they are package data, not catalogue rows); the
catalogue values are read where the grid is built, on every build.
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from corridor_sim.catalogue import value

__all__ = [
    "COUNTRIES",
    "DUPLICATES",
    "EXTERNAL",
    "NEIGHBOURS",
    "ExtractTables",
    "bus_key",
    "generator_kind",
    "load_shares",
    "polyline_km",
    "read_tables",
    "split_polyline",
    "tie_km_in_serbia",
]

#: Neighbours represented as equivalents (Kosovo, ``XK``, keeps its grid from the extract).
NEIGHBOURS: tuple[str, ...] = ("HU", "RO", "BG", "MK", "ME", "BA", "HR")
#: The rest of Europe: the slack of the grid (Albania, Greece, Austria, ... through it).
EXTERNAL = "EXT"
#: Country names for labels.
COUNTRIES: dict[str, str] = {
    "RS": "Serbia",
    "XK": "Kosovo",
    "HU": "Hungary",
    "RO": "Romania",
    "BG": "Bulgaria",
    "MK": "North Macedonia",
    "ME": "Montenegro",
    "BA": "Bosnia and Herzegovina",
    "HR": "Croatia",
    EXTERNAL: "rest of Europe",
}
#: The extract's technology classes -> the model's kinds of plant.
_KINDS = {
    "Brown coal/Lignite": "lignite",
    "Hydro run of river & pondage": "hydro_ror",
    "Hydro pure storage": "hydro_storage",
    "Hydro pure pump storage": "hydro_storage",
    "Wind farm": "wind",
    "Fossil gas": "chp",
}
#: Plants the extract lists twice: Bajina Bašta's station total (978 MW = HPP and
#: pumped-storage plant) appears as generator 907 and 908; 908 is kept, as storage hydro.
DUPLICATES = frozenset({"907"})
_STORAGE_OVERRIDE = {"908"}
_EARTH_KM_PER_DEG = 111.2


def _text(name: str) -> str:
    return (
        resources.files("corridor_sim.models.serbia.grid").joinpath("data", name).read_text("utf-8")
    )


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(_text(name)), dtype=str, keep_default_na=False)


@dataclass(frozen=True, slots=True, eq=False)
class ExtractTables:
    """The stored data files as string tables (see the data folder's ``README.md``)."""

    buses: pd.DataFrame
    lines: pd.DataFrame
    transformers: pd.DataFrame
    generators: pd.DataFrame
    coupling_lines: pd.DataFrame
    station_names: dict[str, str]
    load_key: pd.DataFrame
    changes: pd.DataFrame
    generator_changes: pd.DataFrame


@functools.cache
def read_tables() -> ExtractTables:
    """Read the stored files once (package data; callers must not modify the frames).

    Examples
    --------
    >>> t = read_tables()
    >>> t.station_names["2182"], len(t.lines) > 70
    ('Niš 2', True)
    """
    names = _csv("station_names.csv")
    return ExtractTables(
        buses=_csv("buses.csv"),
        lines=_csv("lines.csv"),
        transformers=_csv("transformers.csv"),
        generators=_csv("generators.csv"),
        coupling_lines=_csv("coupling_lines.csv"),
        station_names=dict(zip(names["bus_id"], names["name"], strict=True)),
        load_key=_csv("load_key.csv"),
        changes=_csv("changes.csv"),
        generator_changes=_csv("generator_changes.csv"),
    )


@functools.cache
def tie_km_in_serbia() -> dict[str, float]:
    """Length inside Serbia of each tie line, km (``tie_border.csv``, per circuit).

    Made by ``tools/serbia_tie_border.py``: each route cut at the Natural Earth 1:50m land
    borders. Keys are line ids (``line_14671``) or change ids.

    Examples
    --------
    >>> tie_km_in_serbia()["line_14671"]  # Pančevo 2 – Reșița, on the map's route
    56.3
    """
    t = _csv("tie_border.csv")
    return dict(zip(t["line_id"], t["km_in_serbia"].astype(float), strict=True))


def bus_key(bus_id: str) -> str:
    """Key of an extract bus in the model's tables: ``"2182"`` -> ``"b2182"``."""
    return f"b{bus_id}"


def generator_kind(technology: str, generator_id: str = "") -> str:
    """Model kind of an extract technology class (``lignite``, ``hydro_ror``, ...).

    Examples
    --------
    >>> generator_kind("Hydro run of river & pondage"), generator_kind("Wind farm")
    ('hydro_ror', 'wind')
    """
    if generator_id in _STORAGE_OVERRIDE:
        return "hydro_storage"
    return _KINDS[technology]


def polyline_km(points: list[tuple[float, float]]) -> np.ndarray:
    """Cumulative length (km) along lon/lat `points` (equirectangular, fine at this scale)."""
    pts = np.asarray(points, dtype=float)
    if len(pts) < 2:
        return np.zeros(len(pts))
    lat = np.deg2rad(pts[:, 1].mean())
    d = np.diff(pts, axis=0) * np.array([math.cos(lat), 1.0]) * _EARTH_KM_PER_DEG
    return np.concatenate([[0.0], np.cumsum(np.hypot(d[:, 0], d[:, 1]))])


def split_polyline(
    points: list[tuple[float, float]], fraction: float
) -> tuple[list[tuple[float, float]], list[tuple[float, float]], tuple[float, float]]:
    """Cut a route at `fraction` of its length: (first part, second part, cut point)."""
    cum = polyline_km(points)
    target = fraction * cum[-1]
    k = int(np.searchsorted(cum, target, side="right"))
    k = min(max(k, 1), len(points) - 1)
    seg = cum[k] - cum[k - 1]
    t = 0.0 if seg == 0 else (target - cum[k - 1]) / seg
    (x0, y0), (x1, y1) = points[k - 1], points[k]
    cut = (float(x0 + t * (x1 - x0)), float(y0 + t * (y1 - y0)))
    return [*points[:k], cut], [cut, *points[k:]], cut


def load_shares() -> dict[str, float]:
    """Share of the national load supplied from each substation (extract bus id -> share).

    The key: each census area's population over Serbia's (``serbia.load.population.*``),
    split equally between the substations ``load_key.csv`` assigns to it. Belgrade,
    Vojvodina and the nine districts of Southern and Eastern Serbia are 2022 figures; the
    eight districts of Šumadija and Western Serbia are 2011 figures scaled by their
    region's 2022/2011 ratio (the 2022 total is Serbia minus the other three regions).

    Examples
    --------
    >>> s = load_shares()
    >>> round(sum(s.values()), 9), round(s["2178"], 4)  # Kruševac 1 (Rasina)
    (1.0, 0.0325)
    """
    pop = "serbia.load.population."
    total = value(pop + "serbia", unit="persons")
    sw_2022 = total - sum(
        value(pop + k, unit="persons") for k in ("belgrade", "vojvodina", "south_east")
    )
    sw_scale = sw_2022 / value(pop + "south_west_2011", unit="persons")
    shares: dict[str, float] = {}
    for row in read_tables().load_key.itertuples(index=False):
        persons = value(row.population_fact, unit="persons")
        if row.census == "2011":
            persons *= sw_scale
        buses = row.bus_ids.split(";")
        for b in buses:
            shares[b] = shares.get(b, 0.0) + persons / total / len(buses)
    return shares

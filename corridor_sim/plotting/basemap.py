"""Land, seas, coastlines and borders under a map, drawn offline from Natural Earth data.

The package ships ``data/basemap_ne50m.json.gz`` (about 20 kB): Natural Earth 1:50m land,
lakes, coastlines and land borders clipped to 5–80°E, 28–58°N (Italy and the Balkans
to Central Asia), simplified to about 1 km and rounded to 0.01°, with the names and
label points of countries and seas. Natural Earth is in the public domain; how the file
was made is ``tools/make_basemap.py`` and ``data/README.md``. Nothing is downloaded.

Maps use an equirectangular projection (x = longitude, y = latitude, both in degrees)
with the aspect corrected at the middle latitude, ``1 / cos(lat_mid)``, so distances
east–west and north–south have the same scale there. :func:`draw_basemap` sets it up;
data drawn afterwards in longitude and latitude lands in the right place.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots()
>>> layers = draw_basemap(ax, (26.0, 72.0, 36.0, 48.0))
>>> sorted(layers.artists)
['borders', 'coastline', 'lakes', 'land', 'sea']
>>> plt.close(fig)
"""

from __future__ import annotations

import functools
import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from corridor_sim.errors import SpecError
from corridor_sim.plotting.labels import place_labels, register_background
from corridor_sim.plotting.style import FONT_PT, MAP_COLOURS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.text import Text

__all__ = [
    "DATA_FILE",
    "Basemap",
    "BasemapLayers",
    "aspect_ratio",
    "draw_basemap",
    "load_basemap",
    "map_extent",
    "place_labels",
]

#: The shipped Natural Earth extract.
DATA_FILE = Path(__file__).parent / "data" / "basemap_ne50m.json.gz"

#: Drawing order under the data (matplotlib's lines are at 2, patches at 1).
_Z = {"sea": -5.0, "land": -4.0, "lakes": -3.5, "coastline": -3.0, "borders": -2.5, "labels": -2}


@dataclass(frozen=True)
class Place:
    """A named point: a country's or a sea's label position and its area in the extract."""

    name: str
    lon: float
    lat: float
    area_deg2: float
    code: str = ""


@dataclass(frozen=True)
class Basemap:
    """The Natural Earth extract: polygons and lines in degrees (lon, lat).

    Read with :func:`load_basemap`; pass one to :func:`draw_basemap` to draw another
    extract than the shipped one.

    Attributes
    ----------
    extent : (float, float, float, float)
        Region covered, (lon0, lon1, lat0, lat1) in degrees east and north.
    land, lakes : tuple of polygons
        Each polygon a tuple of rings, each ring an (n, 2) array of lon, lat.
    coastline, borders : tuple of numpy.ndarray
        Lines as (n, 2) arrays of lon, lat.
    countries, seas : tuple of Place
        Names with their label point and area (deg²), for the place names of a map.
    source : dict
        Where the data come from (Natural Earth version, licence).

    Examples
    --------
    >>> base = load_basemap()
    >>> base.extent, base.contains((45.0, 55.0, 38.0, 47.0))
    ((5.0, 80.0, 28.0, 58.0), True)
    """

    extent: tuple[float, float, float, float]
    land: tuple[tuple[np.ndarray, ...], ...]
    lakes: tuple[tuple[np.ndarray, ...], ...]
    coastline: tuple[np.ndarray, ...]
    borders: tuple[np.ndarray, ...]
    countries: tuple[Place, ...]
    seas: tuple[Place, ...]
    source: dict[str, Any]

    def contains(self, extent: Sequence[float]) -> bool:
        """Whether `extent` (lon0, lon1, lat0, lat1) lies inside the extract."""
        lon0, lon1, lat0, lat1 = extent
        e0, e1, f0, f1 = self.extent
        return e0 <= lon0 and lon1 <= e1 and f0 <= lat0 and lat1 <= f1


@dataclass
class BasemapLayers:
    """What :func:`draw_basemap` drew: its artists by layer and the place-name texts.

    Attributes
    ----------
    extent : (float, float, float, float)
        The view, (lon0, lon1, lat0, lat1) in degrees.
    artists : dict of str to Artist
        ``"sea"``, ``"land"``, ``"lakes"``, ``"coastline"`` and, when drawn,
        ``"borders"``: restyle one with its ``set_*`` methods.
    labels : list of Text
        The country and sea names written (empty with ``labels=False``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> layers = draw_basemap(ax, (46.0, 54.0, 38.0, 46.0), borders=False)
    >>> "borders" in layers.artists, "Caspian Sea" in [t.get_text() for t in layers.labels]
    (False, True)
    >>> plt.close(fig)
    """

    extent: tuple[float, float, float, float]
    artists: dict[str, Artist] = field(default_factory=dict)
    labels: list[Text] = field(default_factory=list)


def _decode(flat: list[int], scale: float) -> np.ndarray:
    return np.cumsum(np.asarray(flat, dtype=float).reshape(-1, 2), axis=0) / scale


@functools.cache
def load_basemap(path: str | Path = DATA_FILE) -> Basemap:
    """Read the Natural Earth extract (cached; the default is the shipped file)."""
    payload = json.loads(gzip.decompress(Path(path).read_bytes()).decode("utf-8"))
    scale = float(payload["scale"])

    def polys(items: list[list[list[int]]]) -> tuple[tuple[np.ndarray, ...], ...]:
        return tuple(tuple(_decode(r, scale) for r in poly) for poly in items)

    def places(items: list[dict[str, Any]]) -> tuple[Place, ...]:
        return tuple(
            Place(p["name"], p["lon"], p["lat"], p["area_deg2"], p.get("code", "")) for p in items
        )

    lon0, lon1, lat0, lat1 = (float(v) for v in payload["extent"])
    return Basemap(
        extent=(lon0, lon1, lat0, lat1),
        land=polys(payload["land"]),
        lakes=polys([p for lake in payload["lakes"] for p in lake["polygons"]]),
        coastline=tuple(_decode(line, scale) for line in payload["coastline"]),
        borders=tuple(_decode(line, scale) for line in payload["borders"]),
        countries=places(payload["countries"]),
        seas=places(payload["seas"]),
        source=dict(payload["source"]),
    )


def aspect_ratio(lat_mid_deg: float) -> float:
    """Axes aspect (y units per x unit) of the equirectangular map at `lat_mid_deg`.

    Parameters
    ----------
    lat_mid_deg : float
        Middle latitude of the map, in degrees north.

    Returns
    -------
    float
        ``1 / cos(lat_mid_deg)``: a degree of latitude is drawn this many times as long
        as a degree of longitude, so distances agree at the middle latitude.

    Examples
    --------
    >>> round(aspect_ratio(60.0), 6), aspect_ratio(0.0)
    (2.0, 1.0)
    """
    return float(1.0 / np.cos(np.deg2rad(lat_mid_deg)))


def map_extent(
    lon: Sequence[float],
    lat: Sequence[float],
    *,
    pad: float = 0.15,
    min_pad_deg: float = 0.8,
    min_span_deg: float = 3.0,
    shape: tuple[float, float] = (0.5, 1.0),
) -> tuple[float, float, float, float]:
    """Extent (lon0, lon1, lat0, lat1) around points, padded by `pad` of the span.

    Each side gets at least `min_pad_deg` degrees of margin, and the extent at least
    `min_span_deg` degrees each way (a single point gets a small map around it). The
    extent then grows, about its centre, until its height over its width on the map
    (east–west degrees shrunk by the cosine of the middle latitude) lies within `shape`
    (default 0.5 to 1.0), so a long west–east corridor is not drawn as a thin strip.

    Parameters
    ----------
    lon, lat : sequence of float
        The points, in degrees east and north; non-finite ones are left out.
    pad : float, default 0.15
        Margin on each side as a share of the points' span.
    min_pad_deg : float, default 0.8
        Smallest margin, in degrees.
    min_span_deg : float, default 3.0
        Smallest width and height, in degrees.
    shape : (float, float), default (0.5, 1.0)
        Lowest and highest height / width of the drawn map.

    Returns
    -------
    (float, float, float, float)
        (lon0, lon1, lat0, lat1) in degrees, rounded to 0.01°, for :func:`draw_basemap`.

    Examples
    --------
    >>> map_extent([28.6, 69.6], [40.4, 44.2])
    (22.45, 75.75, 32.44, 52.16)

    Raises
    ------
    SpecError
        When there is no finite point.
    """
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        msg = f"map_extent: no finite (lon, lat) among {len(x)} points; expected at least one"
        raise SpecError(msg)
    bounds = []
    for values in (x[ok], y[ok]):
        lo, hi = float(values.min()), float(values.max())
        margin = max(pad * (hi - lo), min_pad_deg)
        lo, hi = lo - margin, hi + margin
        if hi - lo < min_span_deg:
            mid = (lo + hi) / 2
            lo, hi = mid - min_span_deg / 2, mid + min_span_deg / 2
        bounds += [lo, hi]
    lon0, lon1, lat0, lat1 = bounds
    shrink = float(np.cos(np.deg2rad((lat0 + lat1) / 2)))
    width, height = (lon1 - lon0) * shrink, lat1 - lat0
    low, high = shape
    if height < low * width:
        grow = (low * width - height) / 2
        lat0, lat1 = lat0 - grow, lat1 + grow
    elif height > high * width:
        grow = (height / high - width) / shrink / 2
        lon0, lon1 = lon0 - grow, lon1 + grow
    return round(lon0, 2), round(lon1, 2), round(lat0, 2), round(lat1, 2)


def _compound(polygons: Sequence[Sequence[np.ndarray]]) -> MplPath:
    """One path of many polygons; holes run clockwise, so the non-zero rule leaves them open."""
    verts, codes = [], []
    for poly in polygons:
        for ring in poly:
            verts.append(ring)
            code = np.full(len(ring), MplPath.LINETO, dtype=MplPath.code_type)
            code[0] = MplPath.MOVETO
            code[-1] = MplPath.CLOSEPOLY
            codes.append(code)
    if not verts:
        return MplPath(np.empty((0, 2)))
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _check_extent(extent: Sequence[float]) -> tuple[float, float, float, float]:
    try:
        lon0, lon1, lat0, lat1 = (float(v) for v in extent)
    except (TypeError, ValueError):
        msg = f"extent = {extent!r}: expected four numbers (lon0, lon1, lat0, lat1)"
        raise SpecError(msg) from None
    ok = all(np.isfinite([lon0, lon1, lat0, lat1]))
    if not (ok and lon0 < lon1 and lat0 < lat1 and lat0 > -90 and lat1 < 90):
        msg = (
            f"extent = {tuple(extent)!r}: expected lon0 < lon1 and -90 < lat0 < lat1 < 90 "
            "(degrees east and north)"
        )
        raise SpecError(msg)
    return lon0, lon1, lat0, lat1


def draw_basemap(
    ax: Axes,
    extent: Sequence[float],
    *,
    borders: bool = True,
    labels: bool = True,
    data: Basemap | None = None,
) -> BasemapLayers:
    """Draw land, seas and lakes, coastlines and borders on `ax`, under anything else.

    Sets the view to `extent`, the equirectangular aspect at its middle latitude
    (the axes box takes the map's shape; :func:`map_extent` chooses extents of a
    reasonable shape) and the axis labels in degrees.

    Parameters
    ----------
    ax : Axes
        Where to draw (usually empty).
    extent : (lon0, lon1, lat0, lat1)
        The region to show, in degrees east and north.
    borders : bool, default True
        Draw land borders between countries.
    labels : bool, default True
        Write the names of the larger countries and seas in view (grey, behind the
        data; :func:`~corridor_sim.plotting.labels.place_labels` hides those its
        labels would cover).
    data : Basemap, optional
        Another extract (default: the shipped one, :func:`load_basemap`).

    Returns
    -------
    BasemapLayers
        The artists drawn, by layer, and the place-name texts.

    Raises
    ------
    SpecError
        If `extent` is not four finite numbers in increasing order.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> layers = draw_basemap(ax, map_extent([49.9, 51.3], [40.4, 43.6]))
    >>> _ = ax.plot([49.9, 51.3], [40.4, 43.6], "o-")  # Baku to Aktau, drawn on top
    >>> ax.get_xlabel(), [float(x) for x in ax.get_xlim()]
    ('longitude (°E)', [47.37, 53.83])
    >>> plt.close(fig)
    """
    lon0, lon1, lat0, lat1 = _check_extent(extent)
    base = data or load_basemap()
    layers = BasemapLayers(extent=(lon0, lon1, lat0, lat1))
    ax.set_facecolor(MAP_COLOURS["outside"])
    e0, e1, f0, f1 = base.extent
    sea = Rectangle((e0, f0), e1 - e0, f1 - f0, facecolor=MAP_COLOURS["sea"], lw=0)
    land = PathPatch(_compound(base.land), facecolor=MAP_COLOURS["land"], lw=0)
    lakes = PathPatch(
        _compound(base.lakes),
        facecolor=MAP_COLOURS["lake"],
        edgecolor=MAP_COLOURS["coast"],
        lw=0.4,
    )
    coast = LineCollection(list(base.coastline), colors=MAP_COLOURS["coast"], linewidths=0.6)
    layers.artists = {"sea": sea, "land": land, "lakes": lakes, "coastline": coast}
    if borders:
        layers.artists["borders"] = LineCollection(
            list(base.borders),
            colors=MAP_COLOURS["border"],
            linewidths=0.7,
            linestyles=(0, (4, 1.5)),
        )
    for name, artist in layers.artists.items():
        artist.set_zorder(_Z[name])
        artist.set_label(f"_basemap_{name}")  # leading "_": never in a legend
        ax.add_artist(artist)  # not add_patch: the basemap does not widen the data limits
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(aspect_ratio((lat0 + lat1) / 2), adjustable="box")
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.tick_params(labelsize=FONT_PT["tick"])
    if labels:
        layers.labels = _place_names(ax, base, (lon0, lon1, lat0, lat1))
        register_background(ax, layers.labels)
    return layers


def _place_names(ax: Axes, base: Basemap, extent: tuple[float, float, float, float]) -> list[Text]:
    """Names of countries and seas whose label point is in view, largest first."""
    lon0, lon1, lat0, lat1 = extent
    dx, dy = 0.04 * (lon1 - lon0), 0.04 * (lat1 - lat0)
    view = (lon1 - lon0) * (lat1 - lat0)
    out: list[Text] = []
    kinds = (("country", base.countries), ("sea", base.seas))
    seen: set[str] = set()
    for kind, places in kinds:
        for place in places:
            inside = lon0 + dx < place.lon < lon1 - dx and lat0 + dy < place.lat < lat1 - dy
            if not inside or place.name in seen or place.area_deg2 < 0.01 * view:
                continue
            seen.add(place.name)
            out.append(
                ax.text(
                    place.lon,
                    place.lat,
                    place.name.upper() if kind == "country" else place.name,
                    fontsize=FONT_PT["place"],
                    color=MAP_COLOURS[f"{kind}_label"],
                    style="italic" if kind == "sea" else "normal",
                    ha="center",
                    va="center",
                    zorder=_Z["labels"],
                    clip_on=True,
                    label=f"_basemap_{kind}",
                )
            )
    return out

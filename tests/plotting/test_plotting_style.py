"""Figures tell the truth and can be read: the house style, the basemap and label placement.

The reusable checks (``check_png``, ``check_figure``) live in :mod:`tests.helpers`.
"""

from __future__ import annotations

import gzip
import itertools
import json
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from matplotlib.text import Text

import corridor_sim as cs
from corridor_sim import Result, Scenario
from corridor_sim.errors import SpecError
from corridor_sim.plotting.basemap import DATA_FILE, draw_basemap, load_basemap, map_extent
from corridor_sim.plotting.labels import place_labels, placed_labels
from corridor_sim.plotting.maps import commodity_map
from corridor_sim.plotting.style import (
    FONT_MIN_PT,
    MAP_COLOURS,
    FigureStyleWarning,
    figure_title,
    save_figure,
)
from tests.helpers import ROOT, check_figure, check_png, example_result

#: Saved figures: at least this many pixels each way, at most this many.
MIN_PX, MAX_PX = (500, 300), (4000, 4000)
#: Physical size (inches) a saved figure may have, and the least resolution (dpi).
MIN_IN, MAX_IN, MIN_DPI = 3.0, 20.0, 100


def _text_box(text, renderer=None):
    """Window extent of a label's text alone (an Annotation's includes its leader line)."""
    return Text.get_window_extent(text, renderer)


def _label_boxes(ax: plt.Axes) -> list:
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    return [_text_box(t, renderer) for t in placed_labels(ax) if t.get_visible()]


def _pixel(fig: plt.Figure, ax: plt.Axes, lon: float, lat: float) -> tuple[float, ...]:
    """RGB of the drawn figure at a point (lon, lat)."""
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    x, y = ax.transData.transform((lon, lat))
    row = rgba.shape[0] - int(round(y))
    return tuple(rgba[row, int(round(x)), :3] / 255.0)


# -- fixtures ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def oil_result() -> Result:
    return example_result("oil_baseline_2025")


#: Positions for the nodes of examples/commodity_custom.toml (Mangyshlak fields to Baku).
_COORDS = {
    "field_north": (53.4, 46.2),
    "field_south": (54.0, 43.3),
    "port": (51.2, 43.6),
    "market": (49.9, 40.4),
}


@pytest.fixture(scope="module")
def commodity_result() -> Result:
    scenario = Scenario.from_toml(ROOT / "examples" / "commodity_custom.toml")
    network = dict(scenario.network)
    network["nodes"] = [
        {**n, "lon": _COORDS[n["id"]][0], "lat": _COORDS[n["id"]][1]} for n in network["nodes"]
    ]
    return cs.run(scenario.replace(network=network))


# -- the generic map ---------------------------------------------------------------
@pytest.mark.parametrize("which", ["oil_result", "commodity_result"])
def test_generic_map_is_readable(which: str, request: pytest.FixtureRequest, tmp_path) -> None:
    result = request.getfixturevalue(which)
    ax = commodity_map(result)
    check_figure(ax.figure, result)
    measured = check_png(save_figure(ax.figure, tmp_path / "map.png"))
    assert measured["dpi"] >= 150


@pytest.mark.parametrize("which", ["oil_result", "commodity_result"])
def test_map_labels_do_not_overlap_and_stay_inside(which, request) -> None:
    # the oil route's tanks are hidden, as its own route map does: the greedy placement
    # cannot part the labels of two opposite tank arcs along the Tengiz–Aktau stretch
    hide = ("aktau_tanks", "baku_tanks") if which == "oil_result" else ()
    ax = commodity_map(request.getfixturevalue(which), hide=hide)
    boxes = _label_boxes(ax)
    assert len(boxes) >= 6
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    frame = ax.get_window_extent()
    for box in boxes:
        assert frame.x0 - 1 <= box.x0
        assert box.x1 <= frame.x1 + 1
        assert frame.y0 - 1 <= box.y0
        assert box.y1 <= frame.y1 + 1


def test_map_names_nodes_by_their_labels(commodity_result) -> None:
    ax = commodity_map(commodity_result)
    texts = {t.get_text() for t in placed_labels(ax)}
    assert {"North field", "South field", "Port tank farm", "Export market"} <= texts
    assert "field_north" not in texts


def test_legend_lists_only_what_the_map_shows(oil_result, commodity_result) -> None:
    def legend_texts(result: Result) -> list[str]:
        ax = commodity_map(result)
        return [t.get_text() for t in ax.get_legend().get_texts()]

    oil = legend_texts(oil_result)
    assert "no capacity limit" in oil  # the Sangachal tank arcs are unlimited
    assert "storage" in oil
    assert "supply" in oil
    custom = legend_texts(commodity_result)
    assert "no capacity limit" not in custom  # every arc has a capacity
    assert "waypoint" not in custom


def test_map_with_no_flow_says_so() -> None:
    nodes = pd.DataFrame(
        {
            "element": ["a", "b"],
            "kind": ["supply", "demand"],
            "lon": [40.0, 45.0],
            "lat": [41.0, 42.0],
            "label": ["A", "B"],
        }
    )
    flows = pd.DataFrame(
        {
            "element": ["a->b"],
            "source": ["a"],
            "target": ["b"],
            "period": [0],
            "flow_kt": [0.0],
            "capacity_kt": [10.0],
        }
    )
    result = Result({"nodes": nodes, "flows": flows}, meta={"model": "x", "scenario": "idle"})
    ax = commodity_map(result)
    assert "nothing flows" in ax.get_title()
    assert "scenario idle" in ax.get_title()


def test_map_is_aspect_correct(oil_result) -> None:
    ax = commodity_map(oil_result)
    lat0, lat1 = ax.get_ylim()
    assert ax.get_aspect() == pytest.approx(1 / np.cos(np.deg2rad((lat0 + lat1) / 2)))
    ax.figure.canvas.draw()
    # one degree of latitude and cos(lat_mid) degrees of longitude: the same length
    (x0, y0), (x1, y1) = ax.transData.transform([(40, 40), (41, 41)])
    mid = np.deg2rad((lat0 + lat1) / 2)
    assert (x1 - x0) / np.cos(mid) == pytest.approx(y1 - y0, rel=1e-6)


# -- the basemap -------------------------------------------------------------------
def test_basemap_draws_the_caspian_and_black_sea_coasts() -> None:
    fig, ax = plt.subplots(figsize=(8, 5))
    layers = draw_basemap(ax, (26.0, 72.0, 34.0, 50.0))
    segments = np.concatenate(layers.artists["coastline"].get_segments())

    def points_in(lon0, lon1, lat0, lat1) -> int:
        lon, lat = segments[:, 0], segments[:, 1]
        return int(((lon > lon0) & (lon < lon1) & (lat > lat0) & (lat < lat1)).sum())

    assert points_in(46.5, 54.5, 36.5, 47.2) > 100  # the Caspian shore
    assert points_in(27.3, 42.0, 40.8, 47.3) > 100  # the Black Sea shore
    sea, land = to_rgb(MAP_COLOURS["sea"]), to_rgb(MAP_COLOURS["land"])
    for lon, lat in ((51.0, 42.0), (34.0, 43.3), (50.5, 38.5)):  # Caspian, Black Sea, S Caspian
        assert _pixel(fig, ax, lon, lat) == pytest.approx(sea, abs=0.02), (lon, lat)
    for lon, lat in ((60.0, 47.0), (33.0, 39.0), (44.0, 41.0)):  # Kazakhstan, Türkiye, Caucasus
        assert _pixel(fig, ax, lon, lat) == pytest.approx(land, abs=0.02), (lon, lat)


def test_basemap_draws_borders_and_names() -> None:
    fig, ax = plt.subplots(figsize=(8, 5))
    layers = draw_basemap(ax, (18.0, 24.5, 41.0, 46.5))
    assert len(layers.artists["borders"].get_segments()) > 5
    names = {t.get_text() for t in layers.labels}
    assert "SERBIA" in names
    assert all(name.startswith("_") for name in (a.get_label() for a in layers.artists.values()))
    no_borders = draw_basemap(plt.subplots()[1], (18.0, 24.5, 41.0, 46.5), borders=False)
    assert "borders" not in no_borders.artists


def test_basemap_data_is_small_and_says_where_it_came_from() -> None:
    assert DATA_FILE.stat().st_size < 1_000_000
    payload = json.loads(gzip.decompress(DATA_FILE.read_bytes()))
    source = payload["source"]
    assert "public domain" in source["licence"]
    assert len(source["commit"]) == 40
    lon0, lon1, lat0, lat1 = payload["extent"]
    assert lon0 <= 10
    assert lon1 >= 75
    assert lat0 <= 33
    assert lat1 >= 55
    data = load_basemap()
    for line in (*data.coastline, *data.borders):
        assert np.all(np.abs(np.diff(line, axis=0)) < 15)  # decoded, not garbage
    readme = (DATA_FILE.parent / "README.md").read_text(encoding="utf-8")
    assert source["commit"] in readme
    assert "public domain" in readme


@pytest.mark.parametrize(
    "extent", [(10, 5, 40, 45), (10, 20, 45, 40), (1, 2, 3), ("a", 2, 3, 4), (0, 1, -95, 10)]
)
def test_basemap_rejects_bad_extents(extent) -> None:
    _, ax = plt.subplots()
    with pytest.raises(SpecError, match="extent"):
        draw_basemap(ax, extent)


def test_map_extent_keeps_a_readable_shape() -> None:
    for lon, lat in (([28.6, 69.6], [40.4, 44.2]), ([21.0, 21.5], [42.0, 45.0]), ([50], [40])):
        lon0, lon1, lat0, lat1 = map_extent(lon, lat)
        assert lon0 < min(lon)
        assert lon1 > max(lon)
        assert lat0 < min(lat)
        assert lat1 > max(lat)
        ratio = (lat1 - lat0) / ((lon1 - lon0) * np.cos(np.deg2rad((lat0 + lat1) / 2)))
        assert 0.5 - 1e-3 <= ratio <= 1.0 + 1e-3
    with pytest.raises(SpecError, match="no finite"):
        map_extent([np.nan], [np.nan])


# -- label placement ---------------------------------------------------------------
def test_place_labels_separates_labels_at_one_point() -> None:
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.set(xlim=(0, 10), ylim=(0, 10))
    texts = place_labels(ax, [(5.0, 5.0)] * 6, [f"label number {i}" for i in range(6)])
    fig.canvas.draw()
    boxes = [_text_box(t) for t in texts]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    assert all(t.get_fontsize() >= FONT_MIN_PT for t in texts)
    with pytest.raises(ValueError, match="one text each"):
        place_labels(ax, [(1, 1)], ["a", "b"])


def test_place_labels_hides_background_names_it_would_cover() -> None:
    fig, ax = plt.subplots(figsize=(8, 5))
    layers = draw_basemap(ax, (18.0, 24.5, 41.0, 46.5))
    serbia = next(t for t in layers.labels if t.get_text() == "SERBIA")
    x, y = serbia.get_position()
    place_labels(ax, [(x, y)], ["A long label right on Serbia's name"], centred=True)
    assert not serbia.get_visible()


# -- style -------------------------------------------------------------------------
def test_figure_title_names_the_scenario() -> None:
    r = Result(meta={"model": "oil", "year": 2025, "scenario": "btc-outage"})
    assert figure_title(r, "Flows") == "Flows — scenario btc-outage (oil, 2025)"
    long = figure_title(r, "A very long description of what this figure shows, on a map")
    assert long.endswith("\nscenario btc-outage (oil, 2025)")
    assert figure_title(Result(), "Flows") == "Flows"


def test_save_figure_warns_about_small_text(tmp_path) -> None:
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("x (m)", fontsize=6)
    with pytest.warns(FigureStyleWarning, match="6 pt"):
        save_figure(fig, tmp_path / "small.png")
    ax.set_xlabel("x (m)", fontsize=9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_png(save_figure(fig, tmp_path / "ok.png"))


def test_check_png_rejects_a_blank_figure(tmp_path) -> None:
    fig = plt.figure(figsize=(6, 4))
    path = tmp_path / "blank.png"
    fig.savefig(path, dpi=150)
    with pytest.raises(AssertionError, match="blank"):
        check_png(path)

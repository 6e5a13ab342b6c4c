"""Every figure of every example, as ``corridor-sim run X --out DIR`` writes it, tells the truth.

Each example in examples/*.toml runs once per pytest run through the CLI
(:func:`tests.helpers.example_output`). Its figures are drawn again from the saved result
(plotting reads a Result only, so a saved result redraws) and each Figure object is checked
(:func:`check_figure_rules`): a title naming the scenario and the year, every numeric axis
labelled with a unit in () or [], every date axis labelled, no text under 8 pt, no legend
entry for something that is not drawn, no legend over the data, no two texts overlapping
(:mod:`corridor_sim.plotting.layout`), and every number written on it (titles, labels,
legends, annotations; not tick labels) is a value of a table, the summary or the meta of
the same result, as written (a label never computes a figure of its own). Every PNG the
run wrote is opened (:func:`check_written_png`): size in bounds, not blank, not nearly one colour.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest
from matplotlib.collections import Collection
from matplotlib.container import Container
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

import corridor_sim as cs
from corridor_sim.cli import _commands
from corridor_sim.plotting import figures, style
from corridor_sim.plotting.layout import legend_over_data, text_collisions
from tests.helpers import (
    EXAMPLE_FILES,
    check_figure,
    check_png,
    example_output,
    figure_numbers,
    result_numbers,
    written_as,
)

#: Saved figures: width (px) within these bounds, height at least MIN_HEIGHT_PX.
WIDTH_PX, MIN_HEIGHT_PX, MAX_HEIGHT_PX = (600, 2400), 300, 2400
#: A figure is blank below this grey-level spread, or above this share of one colour.
MIN_SPREAD, MAX_ONE_COLOUR = 0.05, 0.98


# -- checks on a Figure, before it is saved -------------------------------------------
def _has_data(artist) -> bool:
    """Whether an artist draws something (a line with points, a bar of some height...)."""
    if isinstance(artist, Container):
        return any(_has_data(a) for a in artist.get_children())
    if isinstance(artist, Line2D):
        x, y = (np.asarray(v, dtype=float) for v in artist.get_data(orig=False))
        ok = np.isfinite(x) & np.isfinite(y)
        return bool(ok.any())
    if isinstance(artist, Patch):
        bbox = artist.get_extents()
        return artist.get_visible() and (bbox.width > 0.5 and bbox.height > 0.5)
    if isinstance(artist, Collection):
        paths = artist.get_paths()
        if not paths:
            return bool(np.asarray(artist.get_offsets()).size)
        return any(len(p.vertices) and np.ptp(p.vertices, axis=0).min() > 0 for p in paths)
    return True


def _labelled_artists(fig, label: str) -> list:
    found = []
    for ax in fig.axes:
        for artist in (*ax.lines, *ax.patches, *ax.collections, *ax.containers):
            if artist.get_label() == label:
                found.append(artist)
    return found


def legend_entries_without_data(fig) -> list[str]:
    """Legend texts whose artists (the ones carrying that label) draw nothing.

    Call it on a drawn figure (``fig.canvas.draw()``): bar sizes are judged in pixels.

    A legend entry drawn from a proxy (an artist that is in no axes, such as a width
    key on a map) is not judged.
    """
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    legends += list(fig.legends)
    empty = []
    for legend in legends:
        for text in legend.get_texts():
            artists = _labelled_artists(fig, text.get_text())
            if artists and not any(_has_data(a) for a in artists):
                empty.append(text.get_text())
    return empty


def check_figure_rules(fig, result: cs.Result, name: str = "") -> None:
    """Assert the style rules of a Figure before it is saved (see the module docstring).

    :func:`tests.helpers.check_figure` (text size, the scenario in a title, units on
    numeric axes, labels on date axes), then: every data axes has a title or the figure a
    suptitle, no legend entry stands for something not drawn, the year is in a title, no
    legend covers data and no two texts overlap.
    """
    where = f"{name}: " if name else ""
    try:
        check_figure(fig, result)
    except AssertionError as err:
        msg = f"{where}{err}"
        raise AssertionError(msg) from None
    suptitle = fig.get_suptitle()
    for ax in fig.axes:
        if ax.get_visible() and ax.get_label() != "<colorbar>" and ax.axison:
            assert suptitle or ax.get_title(), f"{where}an axes without a title"
    empty = legend_entries_without_data(fig)
    assert not empty, f"{where}legend entries with nothing drawn: {empty}"
    year = str(result.meta.get("year") or "")
    titles = " ".join([suptitle, *(ax.get_title() for ax in fig.axes)])
    assert year in titles, f"{where}no year {year} in the titles {titles!r}"
    covered = {ax.get_title() or str(i): legend_over_data(ax) for i, ax in enumerate(fig.axes)}
    covered = {k: v for k, v in covered.items() if v}
    assert not covered, f"{where}a legend covers data: {covered}"
    collisions = text_collisions(fig)
    assert not collisions, f"{where}texts overlap: {collisions[:5]}"


# -- checks on a written PNG -------------------------------------------------------------
def check_written_png(path: Path) -> dict[str, float]:
    """Assert a written PNG is of a readable size and not blank; return what was measured."""
    measured = check_png(path)
    image = mpimg.imread(path)
    height, width = image.shape[:2]
    assert WIDTH_PX[0] <= width <= WIDTH_PX[1], f"{path.name}: {width} px wide"
    assert MIN_HEIGHT_PX <= height <= MAX_HEIGHT_PX, f"{path.name}: {height} px high"
    rgb = image[..., :3].reshape(-1, 3)
    spread = float(rgb.std())
    assert spread > MIN_SPREAD, f"{path.name}: blank (pixel spread {spread:.3f})"
    quantised = np.round(rgb * 255).astype(np.uint32)
    codes = (quantised[:, 0] << 16) | (quantised[:, 1] << 8) | quantised[:, 2]
    one_colour = float(np.bincount(np.unique(codes, return_inverse=True)[1]).max() / codes.size)
    assert one_colour <= MAX_ONE_COLOUR, f"{path.name}: {one_colour:.1%} one colour"
    return {**measured, "one_colour": one_colour}


# -- every example ---------------------------------------------------------------------
@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_every_figure_of_the_example(path: Path) -> None:
    out = example_output(path.stem)
    result = cs.Result.load(out)
    drawn = figures(result)
    pngs = sorted(out.glob("*.png"))
    assert [p.name for p in pngs] == sorted(f"{name}.png" for name in drawn)
    values = result_numbers(result)
    for name, fig in drawn.items():
        check_figure_rules(fig, result, name)
        for token, text in figure_numbers(fig):
            assert written_as(token, values), f"{name}: {token!r} in {text!r} is in no table"
    for png in pngs:
        check_written_png(png)


def test_cli_saves_through_the_house_style(tmp_path, monkeypatch) -> None:
    import matplotlib.pyplot as plt

    calls = []
    monkeypatch.setattr(style, "save_figure", lambda fig, out, **kw: calls.append(out))
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    assert _commands._save_figures({"one": fig}, tmp_path) == ["one.png"]
    assert calls == [tmp_path / "one.png"]


# -- the checks catch what they are for ---------------------------------------------------
def test_checks_catch_an_empty_legend_entry_and_a_missing_unit() -> None:
    import matplotlib.pyplot as plt

    result = cs.Result(meta={"model": "oil", "year": 2025, "scenario": "base"})
    fig, ax = plt.subplots()
    ax.bar([0, 1], [1.0, 2.0], label="shipped")
    ax.bar([0, 1], [0.0, 0.0], label="offered, not shipped")
    ax.legend()
    ax.set(title=style.figure_title(result, "x"), xlabel="month", ylabel="crude (kt)")
    fig.canvas.draw()
    assert legend_entries_without_data(fig) == ["offered, not shipped"]
    with pytest.raises(AssertionError, match="no unit"):
        check_figure_rules(fig, result)


def test_checks_catch_a_blank_png(tmp_path) -> None:
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(6, 4))
    fig.text(0.5, 0.5, ".")
    path = tmp_path / "blank.png"
    fig.savefig(path, dpi=150)
    with pytest.raises(AssertionError, match="blank|one colour"):
        check_written_png(path)


def test_checks_catch_a_legend_over_data_and_overlapping_labels() -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot([0, 1, 2], [1.0, 1.0, 1.0], label="flat at the top")
    ax.set_ylim(0.0, 1.05)
    ax.legend(loc="upper right")
    ax.text(1.0, 0.5, "a label")
    ax.text(1.02, 0.5, "a label over it")
    fig.canvas.draw()
    assert legend_over_data(ax) == ["flat at the top"]
    assert ("a label", "a label over it") in text_collisions(fig)

"""Matplotlib figures drawn from a :class:`~corridor_sim.Result` only.

Generic figures live here (:mod:`.maps`: a map of any commodity network with coordinates),
with the pieces every corridor's figures share: :mod:`.basemap` (land, seas, coastlines and
borders from Natural Earth data shipped with the package; the map projection),
:mod:`.labels` (labels placed so they do not collide) and :mod:`.style` (colour maps, font
sizes, titles naming the scenario, ``save_figure``; see docs/plotting.md);
a model's own figures live in its package (``corridor_sim.models.<name>.figures``) and are
listed by its ``MODEL.figures``. Every plot function takes a Result (and ``ax=None``), never
calls ``show()``, and returns the Axes or Figure. :func:`figures` gives all figures of a
Result, as ``corridor-sim run --out`` writes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from corridor_sim.results.result import Result

__all__ = ["figures"]


def figures(result: Result) -> dict[str, Figure]:
    """All standard figures for `result`, keyed by a file-name stem.

    The model named by ``result.meta["model"]`` draws its own (``MODEL.figures``); a
    commodity network with node coordinates and no figures of its own gets the generic
    map (``<model>_map``). Anything else gives an empty dict.

    Parameters
    ----------
    result : Result
        A result of :func:`corridor_sim.run` (or loaded with ``Result.load``).

    Returns
    -------
    dict of str to Figure
        File-name stem -> figure, not yet saved or closed (save each with
        :func:`~corridor_sim.plotting.style.save_figure`, close it with
        ``plt.close(fig)``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import corridor_sim as cs
    >>> from corridor_sim.scenarios import example_scenario
    >>> figs = figures(cs.run(example_scenario()))
    >>> list(figs)
    ['commodity_map']
    >>> plt.close("all")
    """
    from corridor_sim.errors import UnknownNameError
    from corridor_sim.models import get_model
    from corridor_sim.plotting.maps import commodity_map, has_map
    from corridor_sim.plotting.style import figure_of

    model = str(result.meta.get("model", ""))
    try:
        entry = get_model(model)
    except UnknownNameError:
        entry = None
    if entry is not None and entry.figures is not None:
        return entry.figures(result)
    if has_map(result):
        return {f"{model or 'network'}_map": figure_of(commodity_map(result))}
    return {}

"""Human names and units for figures, from the declarations, never raw identifiers.

- :func:`parameter_label` — a model parameter by its declaration (:class:`~corridor_sim.
  models.params.Param`: description and unit): ``black_sea_cable_mw`` ->
  ``"Black Sea subsea HVDC cable rating (GE–RO) (MW)"``;
- :func:`metric_label` — a summary metric by its name and the unit its summary row
  declares: ``export_via_black_sea_twh``, ``"TWh"`` -> ``"Export via black sea (TWh)"``.

Examples
--------
>>> metric_label("export_via_black_sea_twh", "TWh")
'Export via black sea (TWh)'
>>> parameter_label("caspian", "black_sea_cable_mw")
'Black Sea subsea HVDC cable rating (GE–RO) (MW)'
"""

from __future__ import annotations

import re

from corridor_sim.errors import CorridorSimError
from corridor_sim.results.schemas import unit_suffix

__all__ = ["metric_label", "metric_name", "parameter_label"]

#: Unit words of metric names that the unit in brackets already says.
_UNIT_WORDS = {"pct": "%", "share": "share", "count": "count"}


def metric_name(metric: str, unit: str = "") -> str:
    """Return `metric` as words, without the unit its name ends with.

    Parameters
    ----------
    metric : str
        A summary metric (``unmet_mt``, ``export_via_black_sea_twh``).
    unit : str, optional
        The unit of its summary row (``"Mt"``); its column form is stripped from the end.

    Returns
    -------
    str
        Capitalised words: ``"Unmet"``, ``"Export via black sea"``.

    Examples
    --------
    >>> metric_name("baku_tanker_calls_per_month", "calls/month")
    'Baku tanker calls per month'
    """
    words = str(metric)
    suffix = unit_suffix(unit) if unit else ""
    # a unit made of words ("arcs", "calls/month") is part of the name; "Mt", "kt" are not
    noun = any(len(w) > 3 and w.islower() for w in re.findall(r"[A-Za-z]+", unit))
    if suffix and not noun and words.endswith("_" + suffix) and words != suffix:
        words = words[: -len(suffix) - 1]
    elif words.endswith("_pct"):
        words = words[: -len("_pct")]
    text = words.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else str(metric)


def metric_label(metric: str, unit: str = "") -> str:
    """Return an axis label for `metric`: its name in words and its unit in brackets.

    Parameters
    ----------
    metric : str
        A summary metric.
    unit : str, optional
        The unit of its summary row; ``"-"`` when it has none.

    Returns
    -------
    str
        ``"Unmet (Mt)"``.

    Examples
    --------
    >>> metric_label("binding_arcs", "arcs")
    'Binding arcs (arcs)'
    """
    return f"{metric_name(metric, unit)} ({unit or '-'})"


def parameter_label(model: str, name: str, *, unit: bool = True) -> str:
    """Return the declared description of parameter `name` of `model`, with its unit.

    Parameters
    ----------
    model : str
        Model name (``"caspian"``, ``"oil"``).
    name : str
        Parameter name (an ``[overrides]`` key) or another swept input (``"year"``, a
        catalogue id); an undeclared one is written in words.
    unit : bool, default True
        Add `` (unit)``.

    Returns
    -------
    str
        ``"Kazakh crude offered to the route (Mt/yr)"``.

    Examples
    --------
    >>> parameter_label("oil", "year")
    'Year'
    """
    if name == "year":
        return "Year"
    try:
        from corridor_sim.models import get_model

        table = get_model(model).params
        param = table[name] if table is not None and name in table else None
    except (CorridorSimError, KeyError):
        param = None
    if param is None and name.count(".") == 1:  # an element's field: "port->market.capacity"
        element, what = name.split(".")
        return f"{metric_name(what)} of {element}"
    if param is None:
        return metric_name(name)
    text = param.description.rstrip(".")
    text = text[:1].upper() + text[1:]
    return f"{text} ({param.unit or '-'})" if unit else text

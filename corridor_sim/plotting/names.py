"""Human names and units for figures, from the declarations, never raw identifiers.

- :func:`parameter_label` — a model parameter by its declaration (:class:`~corridor_sim.
  models.params.Param`: description and unit): ``black_sea_cable_mw`` ->
  ``"Black Sea subsea HVDC cable rating (GE–RO) (MW)"``;
- :func:`metric_label` — a summary metric by its name and the unit its summary row
  declares: ``export_via_black_sea_twh``, ``"TWh"`` -> ``"Export via black sea (TWh)"``;
- :func:`element_label` — an element (arc, link, pipeline) by its declaration: a
  corridor's ``arcs.csv`` name (``btc`` -> ``"BTC pipeline"``), else the declared capacity
  parameter of the element (``caspian_cable`` -> ``"Caspian subsea HVDC cable (KZ–AZ)"``).

Examples
--------
>>> metric_label("export_via_black_sea_twh", "TWh")
'Export via black sea (TWh)'
>>> parameter_label("caspian", "black_sea_cable_mw")
'Black Sea subsea HVDC cable rating (GE–RO) (MW)'
>>> element_label("oil", "btc")
'BTC pipeline'
"""

from __future__ import annotations

import re
from typing import Any

from corridor_sim.errors import CorridorSimError
from corridor_sim.results.schemas import unit_suffix

__all__ = ["element_label", "metric_label", "metric_name", "parameter_label"]

#: What a study or a run writes when no element binds.
NO_BOTTLENECK = ("(none)", "none", "")
#: Words of a capacity parameter's description that name the quantity, not the element.
_CAPACITY_WORDS = re.compile(r"\s+(rating|capacity)\b", re.IGNORECASE)
#: A closing remark in brackets that starts in lower case ("(with neighbour_ties)").
_QUALIFIER = re.compile(r"\s*\([a-z][^()]*\)$")

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


def _entry(model: str) -> Any:  # a ModelEntry, or None for a model not registered
    try:
        from corridor_sim.models import get_model

        return get_model(model)
    except CorridorSimError:
        return None


def _capacity_name(entry: Any, element: str) -> str | None:
    """Return the element's name from its declared capacity parameter.

    The parameter that declares the element (``Param.element``), else one named
    ``<element>_<unit>`` whose description says "rating" or "capacity".
    """
    table = getattr(entry, "params", None)
    if table is None:
        return None
    for param in table.params:
        if param.element == element:  # declared: the parameter sets this element's capacity
            text = _QUALIFIER.sub("", _CAPACITY_WORDS.sub("", param.description, count=1)).strip()
            return text[:1].upper() + text[1:]
    for param in table.params:
        if param.name.startswith(element + "_") and _CAPACITY_WORDS.search(param.description):
            text = _CAPACITY_WORDS.sub("", param.description, count=1).strip()
            text = _QUALIFIER.sub("", text)  # "(existing, before ...)": not part of the name
            return text[:1].upper() + text[1:]
    return None


def element_label(model: str, element: str) -> str:
    """Return the human name of `element` of `model`, from the model's declarations.

    Looked up, in order: the name of the arc (or node) in a corridor's ``arcs.csv`` (or
    ``nodes.csv``); the description of the element's declared capacity parameter
    (declared by ``Param.element``, or named ``<element>_<unit>``; without the words
    "rating" or "capacity" and a closing remark
    in brackets such as "(existing, before the reinforcement)"); else the id
    in words (``"port->market"`` -> ``"port → market"``). Elements joined by ``+`` (ties)
    are named one by one.

    Parameters
    ----------
    model : str
        Model name (``"oil"``, ``"caspian"``); an unknown one gives the id in words.
    element : str
        An element id as a run's ``bottleneck`` or a table's ``element`` column has it;
        ``"(none)"``, ``"none"`` or ``""`` mean nothing binds.

    Returns
    -------
    str
        The name, e.g. ``"BTC pipeline"``; ``"nothing binds"`` for no element.

    Examples
    --------
    >>> element_label("oil", "tanker_lane")
    'tankers Aktau–Baku'
    >>> element_label("caspian", "caspian_cable")
    'Caspian subsea HVDC cable (KZ–AZ)'
    >>> element_label("serbia", "tap+igb")
    'Trans Adriatic Pipeline + Interconnector Greece–Bulgaria'
    >>> element_label("commodity", "s->d"), element_label("oil", "(none)")
    ('s → d', 'nothing binds')
    """
    element = str(element)
    if element in NO_BOTTLENECK:
        return "nothing binds"
    if "+" in element:
        return " + ".join(element_label(model, part) for part in element.split("+"))
    entry = _entry(model)
    corridor = getattr(getattr(entry, "build", None), "__self__", None)
    topology = getattr(corridor, "topology", None)
    if topology is not None:
        named = {**topology.labels, **topology.names}
        if named.get(element):
            return str(named[element])
    declared = _capacity_name(entry, element) if entry is not None else None
    if declared:
        return declared
    return element.replace("->", " → ").replace("_", " ")

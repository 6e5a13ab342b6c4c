"""Conversions of :class:`CommodityNetwork` to and from networkx graphs and TOML tables.

Import the public names from :mod:`corridor_sim.engines.commodity`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any, TypeVar

import networkx as nx

from corridor_sim.engines.commodity.network import CommodityNetwork
from corridor_sim.engines.commodity.spec import Arc, Node, NodeKind
from corridor_sim.errors import ScenarioError, SpecError, suggest

__all__ = ["from_networkx", "network_from_dict", "to_networkx", "value_at"]

_NETWORK_KEYS = ("unit", "periods", "nodes", "arcs", "name", "provenance")
_NODE_KEYS = tuple(f.name for f in dataclasses.fields(Node))
_ARC_KEYS = tuple(f.name for f in dataclasses.fields(Arc))
_Item = TypeVar("_Item", Node, Arc)


def from_networkx(graph: nx.DiGraph, *, unit: str = "unit", name: str = "") -> CommodityNetwork:
    """Build a single-period network from a networkx flow graph.

    Parameters
    ----------
    graph : networkx.DiGraph or MultiDiGraph
        networkx flow convention: edge attribute ``capacity`` (missing: infinite)
        and ``weight`` (cost per unit, missing: 0); node attribute ``demand``
        (< 0: supply of ``-demand``, > 0: demand). Edge attributes
        ``loss_fraction``, ``availability``, ``label`` and node attributes named
        like :class:`Node` fields (``unmet_penalty``, ``supply_cost``, ``label``,
        ``lon``, ``lat``, ...) are passed on. Node names become ``str(node)``.
    unit : str, default ``"unit"``
        Unit of flow.
    name : str, optional
        Network name (default: ``graph.name``).

    Returns
    -------
    CommodityNetwork
        One period; arc ids ``"u->v"`` (``"u->v#key"`` for a multigraph).

    Raises
    ------
    SpecError
        Two nodes with the same ``str()``, or a bad attribute value (e.g. a
        NaN or non-numeric ``demand``).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_node("s", demand=-4)
    >>> G.add_node("t", demand=4)
    >>> G.add_edge("s", "t", capacity=5, weight=2)
    >>> net = from_networkx(G)
    >>> net.node("s").supply, net.node("t").demand, net.arc("s->t").cost
    (4.0, 4.0, 2.0)
    """
    if not isinstance(graph, nx.DiGraph):
        msg = f"from_networkx(graph=...) got a {type(graph).__name__}; expected a networkx DiGraph"
        raise SpecError(msg)
    names = {n: str(n) for n in graph.nodes}
    if len(set(names.values())) != len(names):
        msg = "graph has two nodes with the same str() (e.g. 1 and '1'); expected distinct names"
        raise SpecError(msg)
    nodes = []
    for n, attrs in graph.nodes(data=True):
        fields = {k: v for k, v in attrs.items() if k in _NODE_KEYS and k not in {"id", "demand"}}
        raw = attrs.get("demand", 0.0)
        if isinstance(raw, bool) or not isinstance(raw, Real) or not math.isfinite(raw):
            msg = (
                f"node {names[n]!r}: demand = {raw!r}; expected a finite number "
                "(networkx convention: < 0 supply, > 0 demand)"
            )
            raise SpecError(msg)
        demand = float(raw)
        if demand < 0:
            fields.setdefault("kind", NodeKind.SUPPLY)
            fields["supply"] = -demand
        elif demand > 0:
            fields.setdefault("kind", NodeKind.DEMAND)
            fields["demand"] = demand
        nodes.append(Node(id=names[n], **fields))
    arcs = []
    multi = graph.is_multigraph()
    edges = graph.edges(keys=True, data=True) if multi else graph.edges(data=True)
    for edge in edges:
        u, v, attrs = edge[0], edge[1], edge[-1]
        arc_id = f"{names[u]}->{names[v]}" + (f"#{edge[2]}" if multi else "")
        arcs.append(
            Arc(
                source=names[u],
                target=names[v],
                capacity=attrs.get("capacity", math.inf),
                cost=attrs.get("weight", 0.0),
                availability=attrs.get("availability", 1.0),
                loss_fraction=attrs.get("loss_fraction", 0.0),
                id=arc_id,
                label=str(attrs.get("label", "")),
            )
        )
    return CommodityNetwork(
        nodes=tuple(nodes), arcs=tuple(arcs), unit=unit, name=name or str(graph.name or "")
    )


def value_at(value: float | Sequence[float], period: int) -> float:
    """Return a node or arc field's value in `period` (a scalar applies to every period).

    Parameters
    ----------
    value : float or sequence of float
        A field such as ``Arc.capacity``: one number, or one per period.
    period : int
        The 0-based period.

    Returns
    -------
    float
        The value in that period.

    Examples
    --------
    >>> value_at(5.0, 3), value_at((1.0, 2.0, 4.0), 2)
    (5.0, 4.0)
    """
    return float(value[period] if isinstance(value, Sequence) else value)


def to_networkx(network: CommodityNetwork, *, period: int = 0) -> nx.DiGraph:
    """One period of the network as a networkx flow graph.

    Parameters
    ----------
    network : CommodityNetwork
        The network.
    period : int, default 0
        Period index (0-based).

    Returns
    -------
    networkx.DiGraph
        A ``MultiDiGraph`` (keys = arc ids) when two arcs join the same pair.
        Edge attributes: ``capacity`` (capacity x availability; omitted when
        infinite, the networkx convention), ``weight`` (cost), ``loss_fraction``,
        ``id``, ``label``. Node attributes: ``demand`` = demand - supply (the
        networkx convention; exact for networkx only when supply is fully used),
        ``supply``, ``kind``, ``label``, ``lon``, ``lat``. Storage is ignored.

    Raises
    ------
    SpecError
        `period` out of range.

    Examples
    --------
    >>> net = CommodityNetwork(
    ...     nodes=(Node("s", supply=3.0), Node("t", demand=3.0)),
    ...     arcs=(Arc("s", "t", capacity=5.0, cost=1.0),),
    ... )
    >>> G = to_networkx(net)
    >>> G.nodes["t"]["demand"], G.edges["s", "t"]["capacity"]
    (3.0, 5.0)
    """
    check_period(network, period)
    pairs = [(a.source, a.target) for a in network.arcs]
    multi = len(set(pairs)) != len(pairs)
    graph: nx.DiGraph = (
        nx.MultiDiGraph(name=network.name) if multi else nx.DiGraph(name=network.name)
    )
    for n in network.nodes:
        supply, demand = value_at(n.supply, period), value_at(n.demand, period)
        graph.add_node(
            n.id,
            demand=demand - supply,
            supply=supply,
            kind=n.kind.value,
            label=n.label,
            lon=n.lon,
            lat=n.lat,
        )
    for a in network.arcs:
        attrs: dict[str, object] = {
            "weight": a.cost,
            "loss_fraction": a.loss_fraction,
            "id": a.id,
            "label": a.label,
        }
        cap = value_at(a.capacity, period) * value_at(a.availability, period)
        if math.isinf(cap):
            pass
        else:
            attrs["capacity"] = 0.0 if math.isnan(cap) else cap
        if multi:
            graph.add_edge(a.source, a.target, key=a.id, **attrs)
        else:
            graph.add_edge(a.source, a.target, **attrs)
    return graph


def check_period(network: CommodityNetwork, period: int) -> None:
    if (
        isinstance(period, bool)
        or not isinstance(period, int)
        or not (0 <= period < network.n_periods)
    ):
        msg = (
            f"period = {period!r}; expected an int index between 0 and "
            f"{network.n_periods - 1} (network {network.name!r} has {network.n_periods} periods)"
        )
        raise SpecError(msg)


def _check_keys(where: str, table: object, valid: Sequence[str]) -> Mapping[str, Any]:
    """`table` as a mapping with keys from `valid` (values unchecked: the caller's job)."""
    if not isinstance(table, Mapping):
        msg = f"{where} is a {type(table).__name__}; expected a table (mapping) of keys {valid}"
        raise ScenarioError(msg)
    for key in table:
        if key not in valid:
            msg = (
                f"{where}: unknown key {key!r}; {suggest(str(key), valid)} "
                f"(valid keys: {', '.join(valid)})"
            )
            raise ScenarioError(msg)
    return table


def network_from_dict(d: Mapping[str, object]) -> CommodityNetwork:
    """Build a network from the ``[network]`` table of a scenario TOML.

    Parameters
    ----------
    d : mapping
        Keys ``unit`` (str), ``periods`` (int or list of labels), ``nodes``
        (list of tables with :class:`Node` fields), ``arcs`` (list of tables with
        :class:`Arc` fields), optional ``name`` and ``provenance`` (list of
        ``[parameter, source_id]`` pairs).

    Returns
    -------
    CommodityNetwork
        The validated network.

    Raises
    ------
    ScenarioError
        An unknown key (the message names it and lists the valid ones) or a
        missing ``nodes``/``arcs``.
    SpecError, UnknownNameError
        A bad value, prefixed with where it is (``network.arcs[2]``).

    Examples
    --------
    >>> net = network_from_dict({
    ...     "unit": "kt", "periods": 2,
    ...     "nodes": [{"id": "a", "kind": "supply", "supply": 5},
    ...               {"id": "b", "kind": "demand", "demand": [3, 4]}],
    ...     "arcs": [{"source": "a", "target": "b", "capacity": 10, "cost": 1}],
    ... })
    >>> net.periods, net.node("b").demand
    (('0', '1'), (3.0, 4.0))
    """
    table = _check_keys("[network]", d, _NETWORK_KEYS)
    for key in ("nodes", "arcs"):
        if key not in table:
            msg = f"[network]: missing key {key!r}; expected a list of tables"
            raise ScenarioError(msg)
        if isinstance(table[key], (str, Mapping)) or not isinstance(table[key], Sequence):
            msg = f"[network].{key} = {table[key]!r}; expected a list of tables"
            raise ScenarioError(msg)
    nodes = _items(table["nodes"], "nodes", Node, _NODE_KEYS)
    arcs = _items(table["arcs"], "arcs", Arc, _ARC_KEYS)
    kwargs: dict[str, Any] = {k: table[k] for k in ("unit", "periods", "name") if k in table}
    if "provenance" in table:
        kwargs["provenance"] = table["provenance"]
    try:
        return CommodityNetwork(nodes=nodes, arcs=arcs, **kwargs)
    except SpecError as err:
        msg = f"[network]: {err}"
        raise SpecError(msg) from err


def _items(
    raws: Sequence[object], key: str, cls: type[_Item], valid: Sequence[str]
) -> tuple[_Item, ...]:
    """Return the `key` tables of ``[network]`` as `cls` objects (`raws`: a list, checked)."""
    out = []
    for i, raw in enumerate(raws):
        where = f"[network].{key}[{i}]"
        fields = _check_keys(where, raw, valid)
        required = ("id",) if cls is Node else ("source", "target", "capacity")
        missing = [k for k in required if k not in fields]
        if missing:
            msg = f"{where}: missing key {missing[0]!r}; expected keys {', '.join(required)}"
            raise ScenarioError(msg)
        try:
            out.append(cls(**fields))
        except TypeError as err:
            msg = f"{where}: {err}; expected keys {', '.join(valid)}"
            raise ScenarioError(msg) from err
        except SpecError as err:
            msg = f"{where}: {err}"
            raise SpecError(msg) from err
    return tuple(out)

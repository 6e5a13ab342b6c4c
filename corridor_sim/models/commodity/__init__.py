"""A commodity network described by the user in the scenario file itself.

``model = "commodity"`` runs the commodity engine on the ``[network]`` table of a
scenario, so the engine is useful without any corridor model::

    model = "commodity"
    year = 2025
    [network]
    unit = "kt"
    periods = 3
    [[network.nodes]]
    id = "field"
    kind = "supply"
    supply = 100
    [[network.nodes]]
    id = "port"
    kind = "demand"
    demand = 80
    [[network.arcs]]
    source = "field"
    target = "port"
    capacity = 60

Overrides address one field of one element: ``"<arc id>.capacity"``,
``"<arc id>.cost"``, ``"<arc id>.availability"``, ``"<arc id>.loss_fraction"``,
``"<node id>.supply"``, ``"<node id>.demand"``, ``"<node id>.storage_capacity"``
(arc ids default to ``"source->target"``). Period ``i`` of the network is period ``i``
of the scenario's ``resolution`` from 1 January of its year (month ``i`` for
``"month"``, the default; day ``i``; year ``year + i``; hour ``i``), which gives the
result tables their ``snapshot``. Events name an arc id; an event with ``days`` takes
the arc out for the first ``days`` days of each period it covers: the period is cut
there into two slices and the period's volumes (supply, demand, capacity) are shared
between them by days (not allowed hourly), as the oil model does. The model takes no
``[options]``. Nodes with ``lon`` and ``lat`` are drawn on a map by
``corridor-sim run --out``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from corridor_sim.engines import commodity as eng
from corridor_sim.errors import ScenarioError, SpecError, UnknownNameError, suggest
from corridor_sim.models.base import ModelEntry, ScenarioLike
from corridor_sim.models.toolkit.calendar import make_slices
from corridor_sim.models.toolkit.commodity import (
    apply_availability,
    event_availability,
    event_cuts,
    nodes_table,
    split_network,
)
from corridor_sim.results.result import Result

if TYPE_CHECKING:
    from corridor_sim.engines.commodity import CommodityNetwork

__all__ = ["MODEL", "build", "simulate"]

#: Longest horizon: a year of hours (the LP grows with periods x arcs).
MAX_PERIODS = 8784

ARC_FIELDS = ("capacity", "cost", "availability", "loss_fraction")
NODE_FIELDS = (
    "supply",
    "demand",
    "storage_capacity",
    "supply_cost",
    "unmet_penalty",
    "initial_level",
)


def build(
    year: int, *, network: Mapping[str, Any] | None = None, **overrides: float
) -> CommodityNetwork:
    """Build the engine network from a ``[network]`` mapping, applying `overrides`.

    Parameters
    ----------
    year : int
        Kept for the model interface; a user network does not depend on it.
    network : mapping
        The ``[network]`` table: ``unit``, ``periods``, ``nodes``, ``arcs``.
    **overrides
        ``"<element id>.<field>" = value`` (see the module docstring).

    Returns
    -------
    CommodityNetwork
        The network the engine solves, in the network's unit per period.

    Raises
    ------
    ScenarioError
        If `network` is missing or has no nodes.
    UnknownNameError
        If an override names an unknown element or field.

    Examples
    --------
    >>> from corridor_sim.scenarios import example_network
    >>> net = build(2025, network=example_network(), **{"s->d.capacity": 3.0})
    >>> net.arc("s->d").capacity, net.unit
    (3.0, 't')
    """
    del year
    if network is None:
        msg = "model 'commodity' needs a [network] table with nodes and arcs"
        raise ScenarioError(msg)
    net = eng.network_from_dict(network)
    if not net.nodes:
        msg = (
            "[network].nodes is empty: expected at least a supply and a demand node, e.g. "
            "[[network.nodes]] id = 'port', kind = 'supply', supply = 10.0 (a network without "
            "nodes carries nothing, and every result would be 0)"
        )
        raise ScenarioError(msg)
    for key, value in overrides.items():
        net = _apply(net, key, value)
    return net


def _split(net: CommodityNetwork, key: str, table: str = "overrides") -> tuple[str, str, str]:
    element, dot, field = key.rpartition(".")
    arc_ids = [a.id for a in net.arcs]
    node_ids = [n.id for n in net.nodes]
    if element in arc_ids:
        if field not in ARC_FIELDS:
            msg = f"{table}.{key}: arc field {field!r} unknown, {suggest(field, ARC_FIELDS)}"
            raise UnknownNameError(msg)
        return "arc", element, field
    if element in node_ids:
        if field not in NODE_FIELDS:
            msg = f"{table}.{key}: node field {field!r} unknown, {suggest(field, NODE_FIELDS)}"
            raise UnknownNameError(msg)
        return "node", element, field
    names = [f"{a}.capacity" for a in arc_ids] + [f"{n}.demand" for n in node_ids]
    what = f"{element!r} is not an element of the network" if dot else "no '.<field>' in it"
    msg = f"{table}.{key}: expected '<arc or node id>.<field>'; {what}, {suggest(key, names)}"
    raise UnknownNameError(msg)


def _apply(net: CommodityNetwork, key: str, value: float) -> CommodityNetwork:
    kind, element, field = _split(net, key)
    if kind == "arc":
        return net.with_arc(element, **{field: value})
    return net.with_node(element, **{field: value})


def _resolution(scenario: ScenarioLike) -> str:
    return getattr(scenario, "resolution", None) or MODEL.resolutions[0]


def _over_time(net: CommodityNetwork, scenario: ScenarioLike) -> CommodityNetwork:
    """Return the network on the scenario's calendar, cut at event days, with event availability."""
    resolution = _resolution(scenario)
    year = int(scenario.year)
    cuts = event_cuts(
        scenario.events,
        net.n_periods,
        elements=net.arc_ids,
        year=year,
        resolution=resolution,
        model="commodity",
    )
    slices = make_slices(year, net.n_periods, cuts, resolution=resolution)
    timed = split_network(net, slices)
    return apply_availability(timed, event_availability(scenario.events, slices))


def check(scenario: ScenarioLike) -> None:
    """Check the scenario's network, overrides, sweep, options and events (raises ScenarioError)."""
    source = getattr(scenario, "source", None)
    where = f"{source.name}: " if source is not None else ""
    if scenario.network is None:
        msg = f"{where}model 'commodity' needs a [network] table with nodes and arcs"
        raise ScenarioError(msg)
    try:
        net = build(scenario.year, network=scenario.network)
    except (SpecError, UnknownNameError, ScenarioError) as err:
        text = str(err)
        msg = f"{where}{text}" if text.startswith("[network]") else f"{where}[network]: {text}"
        raise ScenarioError(msg) from err
    periods = getattr(scenario, "periods", None)
    if periods is not None and periods != net.n_periods:
        msg = (
            f"{where}periods = {periods!r}: the [network] has {net.n_periods} periods "
            f"{list(net.periods[:3])}{'...' if net.n_periods > 3 else ''}; expected "
            f"periods = {net.n_periods} or no periods key (the network's periods rule)"
        )
        raise ScenarioError(msg)
    options = list(getattr(scenario, "options", None) or {})
    if options:
        msg = f"{where}options.{options[0]}: model 'commodity' takes no options; remove [options]"
        raise ScenarioError(msg)
    numbers = [(f"overrides.{k}", k, v) for k, v in scenario.overrides.items()]
    numbers += [(f"sweep.{k}", k, v) for k, vs in scenario.sweep.items() if k != "year" for v in vs]
    for label, key, value_ in numbers:
        try:
            _split(net, key, label.partition(".")[0])
        except UnknownNameError as err:
            msg = f"{where}{err}"
            raise ScenarioError(msg) from err
        if not isinstance(value_, (int, float)) or isinstance(value_, bool):
            msg = f"{where}{label} = {value_!r}: expected a number"
            raise ScenarioError(msg)
        try:  # the engine's own range checks (capacity >= 0, availability <= 1, ...)
            _apply(net, key, value_)
        except SpecError as err:
            msg = f"{where}{label} = {value_!r}: {err}"
            raise ScenarioError(msg) from err
    try:
        _over_time(net, scenario)
    except (ScenarioError, SpecError) as err:
        msg = f"{where}{err}"
        raise ScenarioError(msg) from err


def simulate(scenario: ScenarioLike) -> Result:
    """Solve the scenario's network and return the engine's tables with a summary.

    Usually called through :func:`corridor_sim.run`, which adds the provenance table.

    Parameters
    ----------
    scenario : Scenario
        A ``model = "commodity"`` scenario: its ``network``, ``overrides``
        (``"<element id>.<field>"``), ``events`` on arc ids, ``periods`` and
        ``resolution`` (see the module docstring).

    Returns
    -------
    Result
        The engine's tables (``flows``, ``utilisation``, ``unmet``, ``storage``,
        ``supply``, ``prices``, ``bottlenecks``) and ``nodes`` (for maps); the summary of
        :class:`~corridor_sim.engines.commodity.CommoditySolution`; ``meta["bottleneck"]``
        is the top binding arc (``""`` when none binds).

    Raises
    ------
    ScenarioError
        A missing or empty network, a bad override or event.

    Examples
    --------
    >>> from corridor_sim.scenarios import example_scenario
    >>> r = simulate(example_scenario())
    >>> r.meta["bottleneck"], r.metric("unmet")
    ('s->d', 1.0)
    """
    net = build(scenario.year, network=scenario.network, **dict(scenario.overrides))
    net = _over_time(net, scenario)
    solution = eng.solve(net, name=scenario.name)
    bottleneck = "" if solution.bottlenecks.empty else str(solution.bottlenecks.iloc[0]["element"])
    tables = dict(solution.tables)
    tables["nodes"] = nodes_table(net)
    return Result(
        tables=tables,
        summary_table=solution.summary(),
        meta={**solution.meta, "model": "commodity", "bottleneck": bottleneck},
    )


def _elements(year: int) -> Sequence[str] | None:
    del year
    return None  # events name arcs of the scenario's own network: checked in `check`


MODEL = ModelEntry(
    name="commodity",
    description="A commodity network described in the scenario's [network] table",
    build=build,
    simulate=simulate,
    elements=_elements,
    options={},
    resolutions=("month", "day", "hour", "year"),
    check=check,
    max_periods=MAX_PERIODS,
)

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
(arc ids default to ``"source->target"``). Events name an arc id; an event's
``days`` counts against the period length of the scenario's ``resolution``
(month ``i`` of the scenario year for ``"month"``, the default; one day for
``"day"``; ``units.time.days_per_year`` for ``"year"``; not allowed hourly).
The model takes no ``[options]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor_sim.catalogue import value as fact_value
from corridor_sim.engines import commodity as eng
from corridor_sim.errors import ScenarioError, SpecError, UnknownNameError, suggest
from corridor_sim.models.base import ModelEntry, ScenarioLike
from corridor_sim.results.result import Result
from corridor_sim.units import days_in_month

if TYPE_CHECKING:
    from corridor_sim.engines.commodity import CommodityNetwork

__all__ = ["MODEL", "build", "simulate"]

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

    Raises
    ------
    ScenarioError
        If `network` is missing.
    UnknownNameError
        If an override names an unknown element or field.
    """
    del year
    if network is None:
        msg = "model 'commodity' needs a [network] table with nodes and arcs"
        raise ScenarioError(msg)
    net = eng.network_from_dict(network)
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


def _event_availability(event: Any, period: int, scenario: ScenarioLike) -> float:  # noqa: ANN401
    """Availability of the event's arc in `period`; ``days`` counts against the period length."""
    if event.days is None:
        return float(event.availability)
    resolution = getattr(scenario, "resolution", None) or MODEL.resolutions[0]
    if resolution == "hour":
        msg = (
            f"events: {event.element!r}: days = {event.days!r} does not fit hourly periods; "
            "expected availability (a fraction 0..1) instead"
        )
        raise ScenarioError(msg)
    if resolution == "month":  # period i is month i % 12 + 1 of the scenario year
        length = float(days_in_month(int(scenario.year), period % 12 + 1))
    elif resolution == "year":
        length = fact_value("units.time.days_per_year", unit="d")
    else:
        length = 1.0
    if event.days > length:
        msg = (
            f"events: {event.element!r}: days = {event.days!r} is longer than period {period} "
            f"({length:g} days at resolution {resolution!r}); expected 0..{length:g}"
        )
        raise ScenarioError(msg)
    return 1.0 - float(event.days) / length


def _availability(net: CommodityNetwork, scenario: ScenarioLike) -> CommodityNetwork:
    n = len(net.periods)
    for event in scenario.events:
        arc = net.arc(event.element)
        avail = np.broadcast_to(np.asarray(arc.availability, dtype=float), (n,)).copy()
        for period in event.periods:
            if period >= n:
                msg = (
                    f"events: {event.element!r} at period {period}: the network has "
                    f"{n} periods (0..{n - 1})"
                )
                raise ScenarioError(msg)
            avail[period] = min(avail[period], _event_availability(event, period, scenario))
        net = net.with_arc(event.element, availability=tuple(avail.tolist()))
    return net


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
    arcs = [a.id for a in net.arcs]
    for i, event in enumerate(scenario.events):
        if event.element not in arcs:
            msg = (
                f"{where}events[{i}].element = {event.element!r}: unknown arc, "
                f"{suggest(event.element, arcs)}"
            )
            raise ScenarioError(msg)
    try:
        _availability(net, scenario)
    except ScenarioError as err:
        msg = f"{where}{err}"
        raise ScenarioError(msg) from err


def simulate(scenario: ScenarioLike) -> Result:
    """Solve the scenario's network and return the engine's tables with a summary."""
    net = build(scenario.year, network=scenario.network, **dict(scenario.overrides))
    net = _availability(net, scenario)
    solution = eng.solve(net, name=scenario.name)
    bottleneck = "" if solution.bottlenecks.empty else str(solution.bottlenecks.iloc[0]["arc"])
    return Result(
        tables=dict(solution.tables),
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
    parameters=lambda year: None,
    elements=_elements,
    options={},
    resolutions=("month", "day", "hour", "year"),
    check=check,
)

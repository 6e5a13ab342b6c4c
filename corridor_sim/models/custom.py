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
(arc ids default to ``"source->target"``). Events name an arc id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor_sim.engines import commodity as eng
from corridor_sim.errors import ScenarioError, SpecError, UnknownNameError, suggest
from corridor_sim.models.base import ModelEntry, ScenarioLike
from corridor_sim.results.result import Result

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


def _split(net: CommodityNetwork, key: str) -> tuple[str, str, str]:
    element, _, field = key.rpartition(".")
    arc_ids = [a.id for a in net.arcs]
    node_ids = [n.id for n in net.nodes]
    if element in arc_ids:
        if field not in ARC_FIELDS:
            msg = f"overrides.{key}: arc field {field!r} unknown, {suggest(field, ARC_FIELDS)}"
            raise UnknownNameError(msg)
        return "arc", element, field
    if element in node_ids:
        if field not in NODE_FIELDS:
            msg = f"overrides.{key}: node field {field!r} unknown, {suggest(field, NODE_FIELDS)}"
            raise UnknownNameError(msg)
        return "node", element, field
    names = [f"{a}.capacity" for a in arc_ids] + [f"{n}.demand" for n in node_ids]
    msg = (
        f"overrides.{key}: expected '<arc or node id>.<field>'; "
        f"{element!r} is not an element of the network, {suggest(key, names)}"
    )
    raise UnknownNameError(msg)


def _apply(net: CommodityNetwork, key: str, value: float) -> CommodityNetwork:
    kind, element, field = _split(net, key)
    if kind == "arc":
        return net.with_arc(element, **{field: value})
    return net.with_node(element, **{field: value})


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
            avail[period] = min(avail[period], event.availability)
        net = net.with_arc(event.element, availability=tuple(avail.tolist()))
    return net


def check(scenario: ScenarioLike) -> None:
    """Check the scenario's network, overrides, sweep and events (raises ScenarioError)."""
    source = getattr(scenario, "source", None)
    where = f"{source.name}: " if source is not None else ""
    if scenario.network is None:
        msg = f"{where}model 'commodity' needs a [network] table with nodes and arcs"
        raise ScenarioError(msg)
    try:
        net = build(scenario.year, network=scenario.network)
    except (SpecError, UnknownNameError) as err:
        msg = f"{where}[network]: {err}"
        raise ScenarioError(msg) from err
    numbers = [(f"overrides.{k}", k, v) for k, v in scenario.overrides.items()]
    numbers += [(f"sweep.{k}", k, v) for k, vs in scenario.sweep.items() if k != "year" for v in vs]
    for label, key, value in numbers:
        try:
            _split(net, key)
        except UnknownNameError as err:
            msg = f"{where}{err}"
            raise ScenarioError(msg) from err
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            msg = f"{where}{label} = {value!r}: expected a number >= 0"
            raise ScenarioError(msg)
    arcs = [a.id for a in net.arcs]
    for i, event in enumerate(scenario.events):
        if event.element not in arcs:
            msg = (
                f"{where}events[{i}].element = {event.element!r}: unknown arc, "
                f"{suggest(event.element, arcs)}"
            )
            raise ScenarioError(msg)


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

"""The network of the commodity engine: :class:`CommodityNetwork` (nodes, arcs, periods)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import pandas as pd

from corridor_sim.engines.commodity.spec import Arc, Node, check_unique, replace_fields, set_frozen
from corridor_sim.errors import SpecError, UnknownNameError, suggest
from corridor_sim.results.display import html_card, one_line
from corridor_sim.results.schemas import unit_suffix

__all__ = ["CommodityNetwork"]


#: Most periods a network holds (ten years of hours); longer horizons go in several runs.
MAX_PERIODS = 87_840
#: Rough peak memory of the block LP per arc and period (docs/benchmarks.md, commodity).
KIB_PER_ARC_PERIOD = 0.2  # 1.42 GiB for 800 arcs x 8,760 periods


_Item = TypeVar("_Item", Node, Arc)


def _find(items: tuple[_Item, ...], kind: str, id: str, network: str) -> _Item:
    """Return the node or arc called `id` (UnknownNameError with suggestions if absent)."""
    for item in items:
        if item.id == id:
            return item
    msg = f"{kind} {id!r} is not in network {network!r}: {suggest(id, [i.id for i in items])}"
    raise UnknownNameError(msg)


def _replaced(
    items: tuple[_Item, ...],
    kind: str,
    id: str,
    network: str,
    changes: dict[str, object],
) -> tuple[_Item, ...]:
    """Return `items` with the one called `id` changed by `changes` (checked field names)."""
    new = replace_fields(_find(items, kind, id, network), f"{kind} {id!r}", changes)
    return tuple(new if item.id == id else item for item in items)


@dataclass(frozen=True)
class CommodityNetwork:
    """Nodes and arcs over a sequence of periods, in one unit of flow per period.

    Parameters
    ----------
    nodes : sequence of Node
        Unique ids.
    arcs : sequence of Arc
        Unique ids; both ends must be nodes of the network.
    periods : sequence of str or int, default ``("0",)``
        Period labels, e.g. ``("2025-01", "2025-02")``; an int ``n`` gives
        ``("0", ..., str(n - 1))``. Per-period sequences on nodes and arcs must
        have this length.
    unit : str, default ``"t"``
        Unit of flow per period (``"kt"`` per month, ``"mcm"`` per day, ...).
    name : str
        Network name.
    provenance : sequence of (parameter, source_id) pairs
        Which catalogue fact or assumption each parameter came from.
    cost_unit : str, optional
        Unit of arc costs, supply costs and node values per unit of flow (``"USD/t"``);
        shadow prices and node prices are in it. Empty: ``"cu/<unit>"`` (cost units).
    snapshots : sequence of datetime-like, optional
        Start time of each period (as PyPSA's snapshots); result tables then carry a
        ``snapshot`` column.

    Raises
    ------
    SpecError
        Duplicate ids, per-period sequences of the wrong length, no periods.
    UnknownNameError
        An arc names a node that is not in `nodes`.

    Examples
    --------
    Kazakh crude to Baku by tanker over three months, the lane derated in the stormy
    first month:

    >>> from corridor_sim.engines.commodity import Arc, Node, solve
    >>> net = CommodityNetwork(
    ...     nodes=(Node("aktau", kind="supply", supply=150.0),
    ...            Node("baku", kind="demand", demand=140.0)),
    ...     arcs=(Arc("aktau", "baku", capacity=145.0, availability=(0.8, 1.0, 1.0)),),
    ...     periods=("2025-01", "2025-02", "2025-03"), unit="kt",
    ... )
    >>> solve(net).unmet["unmet_kt"].tolist()
    [24.0, 0.0, 0.0]
    """

    nodes: tuple[Node, ...]
    arcs: tuple[Arc, ...]
    periods: tuple[str, ...] = ("0",)
    unit: str = "t"
    name: str = ""
    provenance: tuple[tuple[str, str], ...] = field(default=())
    cost_unit: str = ""
    snapshots: tuple[pd.Timestamp, ...] | None = None

    def __post_init__(self) -> None:
        set_frozen(self, "nodes", tuple(self.nodes))
        for key in ("unit", "cost_unit"):
            if not isinstance(getattr(self, key), str):
                msg = f"network {self.name!r}: {key} = {getattr(self, key)!r}; expected a string"
                raise SpecError(msg)
            text = getattr(self, key)
            if (text or key == "unit") and not any(ch.isalnum() for ch in text):
                msg = (
                    f"network {self.name!r}: {key} = {text!r}; expected a unit name with "
                    "letters, e.g. 'kt', 'mcm' or 'MWh' (cost: 'USD/t')"
                )
                raise SpecError(msg)
        set_frozen(self, "arcs", tuple(self.arcs))
        periods = self.periods
        if isinstance(periods, int) and not isinstance(periods, bool):
            if not 1 <= periods <= MAX_PERIODS:
                msg = (
                    f"network {self.name!r}: periods = {periods!r:.30}; expected an int in "
                    f"1..{MAX_PERIODS} (ten years of hours; the LP needs about "
                    f"{KIB_PER_ARC_PERIOD:.1f} KiB per arc and period)"
                )
                raise SpecError(msg)
            periods = tuple(str(i) for i in range(periods))
        elif isinstance(periods, str) or not isinstance(periods, Sequence) or not periods:
            msg = (
                f"network {self.name!r}: periods = {periods!r}; "
                "expected an int >= 1 or a non-empty list of period labels"
            )
            raise SpecError(msg)
        periods = tuple(str(p) for p in periods)
        check_unique(f"network {self.name!r}: period label", periods)
        set_frozen(self, "periods", periods)
        pairs = self.provenance
        ok = isinstance(pairs, Sequence) and not isinstance(pairs, str)
        ok = ok and all(
            isinstance(x, Sequence) and not isinstance(x, str) and len(x) == 2 for x in pairs
        )
        if not ok:
            msg = (
                f"network {self.name!r}: provenance = {pairs!r}; expected a list of "
                "(parameter, source_id) pairs, e.g. [('btc.capacity', 'oil.btc.capacity_design')]"
            )
            raise SpecError(msg)
        set_frozen(self, "provenance", tuple((str(p), str(s)) for p, s in pairs))
        for kind, items in (("nodes", self.nodes), ("arcs", self.arcs)):
            cls = Node if kind == "nodes" else Arc
            for i, item in enumerate(items):
                if not isinstance(item, cls):
                    msg = (
                        f"network {self.name!r}: {kind}[{i}] is a {type(item).__name__}; "
                        f"expected a {cls.__name__}"
                    )
                    raise SpecError(msg)
        check_unique("node id", [n.id for n in self.nodes])
        check_unique("arc id", [a.id for a in self.arcs])
        known = {n.id for n in self.nodes}
        for arc in self.arcs:
            for end in ("source", "target"):
                name = getattr(arc, end)
                if name not in known:
                    msg = (
                        f"arc {arc.id!r}: {end} = {name!r} is not a node of the network; "
                        f"{suggest(name, known)}"
                    )
                    raise UnknownNameError(msg)
        n = len(periods)
        if self.snapshots is not None:
            try:
                stamps = pd.DatetimeIndex(list(self.snapshots))
            except (TypeError, ValueError) as err:
                msg = f"network {self.name!r}: snapshots are not dates ({err})"
                raise SpecError(msg) from err
            if len(stamps) != n or stamps.hasnans or not stamps.is_monotonic_increasing:
                msg = (
                    f"network {self.name!r}: {len(stamps)} snapshots for {n} periods; expected "
                    "one start time per period, increasing"
                )
                raise SpecError(msg)
            set_frozen(self, "snapshots", tuple(stamps))
        checks: list[tuple[str, Node | Arc, tuple[str, str]]]
        checks = [(f"node {x.id!r}", x, ("supply", "demand")) for x in self.nodes]
        checks += [(f"arc {x.id!r}", x, ("capacity", "availability")) for x in self.arcs]
        for where, item, names in checks:
            for name in names:
                value = getattr(item, name)
                if isinstance(value, tuple) and len(value) != n:
                    msg = (
                        f"{where}: {name} has {len(value)} values; expected one number "
                        f"or {n} values, one per period {periods[:3]}{'...' if n > 3 else ''}"
                    )
                    raise SpecError(msg)

    # -- display ---------------------------------------------------------------
    def _display_fields(self) -> list[tuple[str, object]]:
        first, last = self.periods[0], self.periods[-1]
        span = first if len(self.periods) == 1 else f"{first} … {last}"
        return [
            ("name", self.name),
            ("nodes", len(self.nodes)),
            ("arcs", len(self.arcs)),
            ("periods", f"{self.n_periods} ({span})"),
            ("unit", self.unit),
            ("cost_unit", self.cost_unit),
        ]

    def __repr__(self) -> str:
        """One line: name, node, arc and period counts, units."""
        return one_line(type(self).__name__, self._display_fields())

    def _repr_html_(self) -> str:
        """Return a card for notebooks: counts, units, then the nodes and arcs as tables."""
        nodes = _frame(self.nodes, ("id", "kind", "label", "supply", "demand", "storage_capacity"))
        arc_fields = ("id", "source", "target", "label", "capacity", "availability", "cost")
        arcs = _frame(self.arcs, (*arc_fields, "loss_fraction"))
        return html_card(
            type(self).__name__,
            self._display_fields(),
            sections={"nodes": nodes, "arcs": arcs},
            max_summary_rows=40,
        )

    # -- access ---------------------------------------------------------------
    @property
    def flow_suffix(self) -> str:
        """Column-name form of :attr:`unit` (``flow_<suffix>``)."""
        return unit_suffix(self.unit)

    @property
    def cost_suffix(self) -> str:
        """Column-name form of the cost unit (``shadow_price_<suffix>``)."""
        return unit_suffix(self.cost_unit) if self.cost_unit else f"cu_per_{self.flow_suffix}"

    @property
    def money_unit(self) -> str:
        """Unit of total costs in the summary: flow unit times cost unit (``"cu"`` if unset)."""
        return f"{self.unit}*{self.cost_unit}" if self.cost_unit else "cu"

    @property
    def n_periods(self) -> int:
        """Number of periods."""
        return len(self.periods)

    def node(self, id: str) -> Node:  # the contract's name
        """Return the node called `id` (UnknownNameError with suggestions if absent)."""
        return _find(self.nodes, "node", id, self.name)

    def arc(self, id: str) -> Arc:  # the contract's name
        """Return the arc called `id` (UnknownNameError with suggestions if absent)."""
        return _find(self.arcs, "arc", id, self.name)

    @property
    def node_ids(self) -> tuple[str, ...]:
        """Node ids in network order."""
        return tuple(n.id for n in self.nodes)

    @property
    def arc_ids(self) -> tuple[str, ...]:
        """Arc ids in network order."""
        return tuple(a.id for a in self.arcs)

    # -- copies ---------------------------------------------------------------
    def with_arc(self, arc_id: str, **changes: object) -> CommodityNetwork:
        """Copy with arc `arc_id` changed, e.g. ``net.with_arc("btc", capacity=2.0)``.

        Raises
        ------
        UnknownNameError
            Unknown arc id.
        SpecError
            Unknown field name or bad value.
        """
        arcs = _replaced(self.arcs, "arc", arc_id, self.name, changes)
        return dataclasses.replace(self, arcs=arcs)

    def with_node(self, node_id: str, **changes: object) -> CommodityNetwork:
        """Copy with node `node_id` changed, e.g. ``net.with_node("baku", supply=3.0)``.

        Raises
        ------
        UnknownNameError
            Unknown node id.
        SpecError
            Unknown field name or bad value.
        """
        nodes = _replaced(self.nodes, "node", node_id, self.name, changes)
        return dataclasses.replace(self, nodes=nodes)

    def provenance_table(self) -> pd.DataFrame:
        """Parameters and the catalogue ids they came from: columns ``parameter``, ``source_id``."""
        return pd.DataFrame(list(self.provenance), columns=["parameter", "source_id"])


def _frame(items: Sequence[Node | Arc], fields: Sequence[str]) -> pd.DataFrame:
    """Return nodes or arcs as a table for display.

    Per-period values show as ``min … max (n)``; columns left at their default for every
    row are dropped.
    """

    def show(value: object) -> object:
        if isinstance(value, tuple):
            lo, hi = min(value), max(value)
            return f"{lo:g}" if lo == hi else f"{lo:g} … {hi:g} ({len(value)})"
        return str(value) if hasattr(value, "value") else value  # enums as their text

    frame = pd.DataFrame([{f: show(getattr(x, f)) for f in fields} for x in items])
    defaults = {"label": "", "supply": 0.0, "demand": 0.0, "storage_capacity": 0.0}
    defaults |= {"availability": 1.0, "cost": 0.0, "loss_fraction": 0.0}
    keep = [c for c in frame.columns if c not in defaults or (frame[c] != defaults[c]).any()]
    return frame.loc[:, keep]

"""A corridor's topology as tables: ``nodes.csv`` and ``arcs.csv`` in the model's folder.

Each quantity cell is an *expression* read against the year's parameters:

- terms joined by ``+`` (volumes, costs) or ``*`` (availability);
- a term is a parameter name (its value; a catalogue row or a rule of the
  :class:`~corridor_sim.models.params.ParamTable`), ``rule:<name>`` (a function of the
  model's hook, called with the parameters), ``inf`` or ``0``; availability also takes
  ``sea`` (the Caspian weather of the slice's season).

``nodes.csv``: ``id, kind, label, supply, demand, value, storage_capacity, unmet_penalty,
when`` (kind ``supply``, ``demand``, ``storage``, ``transit`` or ``waypoint``, a point drawn on
the map only). ``arcs.csv``: ``id, source, target, label, name, capacity, cost, availability,
when, delivered, outside, days``. Volumes (supply, demand, capacity) are in Mt/yr, costs and
values in USD/t, storage in kt; ``when`` names a boolean parameter that adds the element;
``delivered`` marks the arcs whose flow the corridor delivers; ``outside`` the arcs that
are not the corridor (a competing route), closed in capacity studies; ``days`` is the
transit time on the arc (d).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corridor_sim.errors import SpecError

__all__ = ["ArcRow", "NodeRow", "Topology", "read_topology"]

_NODE_COLUMNS = (
    "id",
    "kind",
    "label",
    "supply",
    "demand",
    "value",
    "storage_capacity",
    "unmet_penalty",
    "when",
)
_ARC_COLUMNS = (
    "id",
    "source",
    "target",
    "label",
    "name",
    "capacity",
    "cost",
    "availability",
    "when",
    "delivered",
    "outside",
    "days",
)
_KINDS = ("supply", "demand", "storage", "transit", "waypoint")
_TRUE = ("true", "yes", "1")


@dataclass(frozen=True, slots=True)
class NodeRow:
    """One row of ``nodes.csv`` (expressions as written)."""

    id: str
    kind: str
    label: str
    supply: str = ""
    demand: str = ""
    value: str = ""
    storage_capacity: str = ""
    unmet_penalty: str = ""
    when: str = ""


@dataclass(frozen=True, slots=True)
class ArcRow:
    """One row of ``arcs.csv`` (expressions as written)."""

    id: str
    source: str
    target: str
    label: str
    name: str
    capacity: str
    cost: str = ""
    availability: str = ""
    when: str = ""
    delivered: bool = False
    outside: bool = False
    days: str = ""


@dataclass(frozen=True, slots=True)
class Topology:
    """Nodes and arcs of a corridor, in the order of their tables."""

    nodes: tuple[NodeRow, ...]
    arcs: tuple[ArcRow, ...]

    @property
    def arc_ids(self) -> list[str]:
        """Arc ids in table order."""
        return [a.id for a in self.arcs]

    def arc(self, aid: str) -> ArcRow:
        """Return the arc row `aid`."""
        return next(a for a in self.arcs if a.id == aid)

    def node(self, nid: str) -> NodeRow:
        """Return the node row `nid`."""
        return next(n for n in self.nodes if n.id == nid)

    @property
    def names(self) -> dict[str, str]:
        """Short display name of every arc (figures, knees of the capacity study)."""
        return {a.id: a.name or a.label for a in self.arcs}

    def paths(self, source: str, sink: str) -> list[tuple[str, ...]]:
        """Every route from `source` to `sink` as arc ids (routes outside the corridor first)."""
        out: list[tuple[str, ...]] = []

        def walk(node: str, path: tuple[str, ...], seen: frozenset[str]) -> None:
            if node == sink:
                out.append(path)
                return
            for a in self.arcs:
                if a.source == node and a.target not in seen:
                    walk(a.target, (*path, a.id), seen | {a.target})

        walk(source, (), frozenset({source}))
        outside = {a.id for a in self.arcs if a.outside}
        return sorted(out, key=lambda path: not set(path) & outside)

    @property
    def labels(self) -> dict[str, str]:
        """Label of every node."""
        return {n.id: n.label for n in self.nodes}


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.is_file():
        msg = f"{path}: no such table; a corridor folder holds nodes.csv and arcs.csv"
        raise SpecError(msg)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = tuple(reader.fieldnames or ())
        missing = [c for c in columns[:4] if c not in header]
        unknown = [c for c in header if c not in columns]
        if missing or unknown:
            msg = (
                f"{path.name}: columns {list(header)}; expected {list(columns)} "
                f"(missing {missing}, unknown {unknown})"
            )
            raise SpecError(msg)
        return [{k: (v or "").strip() for k, v in row.items()} for row in reader]


def read_topology(folder: Path) -> Topology:
    """Read ``nodes.csv`` and ``arcs.csv`` from `folder` and check ids, kinds and ends.

    Raises
    ------
    SpecError
        A missing table or column, a duplicate id, an unknown kind, or an arc whose end is
        not a node, naming the table, row and value.
    """
    nodes = [NodeRow(**row) for row in _rows(folder / "nodes.csv", _NODE_COLUMNS)]
    arcs = []
    for row in _rows(folder / "arcs.csv", _ARC_COLUMNS):
        delivered = row.pop("delivered", "").lower() in _TRUE
        outside = row.pop("outside", "").lower() in _TRUE
        fields: dict[str, Any] = dict(row)
        arcs.append(ArcRow(delivered=delivered, outside=outside, **fields))
    ids = [n.id for n in nodes]
    for table, items in (("nodes.csv", ids), ("arcs.csv", [a.id for a in arcs])):
        dup = sorted({i for i in items if items.count(i) > 1})
        if dup:
            msg = f"{folder.name}/{table}: ids {dup} appear more than once; expected unique ids"
            raise SpecError(msg)
    for n in nodes:
        if n.kind not in _KINDS:
            msg = f"{folder.name}/nodes.csv: node {n.id!r} kind = {n.kind!r}; expected {_KINDS}"
            raise SpecError(msg)
    for a in arcs:
        for end in (a.source, a.target):
            if end not in ids:
                msg = (
                    f"{folder.name}/arcs.csv: arc {a.id!r} names node {end!r}; expected one "
                    f"of the nodes in nodes.csv"
                )
                raise SpecError(msg)
    return Topology(tuple(nodes), tuple(arcs))

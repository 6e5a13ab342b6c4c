"""A monthly commodity corridor as data: tables, parameters and a small hook.

:class:`Corridor` turns a model folder's ``nodes.csv`` and ``arcs.csv``
(:mod:`~corridor_sim.models.toolkit.tables`) and its :class:`~corridor_sim.models.params.
ParamTable` into an engine network over monthly slices, runs a scenario (events, the
engine, tables by month, a summary), and offers one capacity study for every corridor
(:mod:`~corridor_sim.models.toolkit.study`). What is particular to a corridor lives in its
*hook*, a module or object with any of these names:

- rules named ``rule:<name>`` in the tables: ``name(p) -> float`` (volumes Mt/yr, costs
  USD/t, storage kt), or for availability ``name(p, slices) -> tuple`` per slice;
- ``check(p)``: raise :class:`~corridor_sim.errors.SpecError` on inconsistent parameters;
- ``idle(p, relieved) -> dict``: arcs left out (id -> what would add them);
- ``arcs(p, slices, arcs) -> list``: rewrite the engine arcs (e.g. storage release arcs);
- ``tidy(frame) -> frame``: fold rewritten arcs back in result tables;
- ``tables(corridor, p, tables, slices, net) -> dict``: extra result tables;
- ``summary(p, tables) -> rows``: summary rows ``(metric, value, unit[, element])``;
- ``meta(p, scenario) -> dict``: extra ``meta`` entries;
- ``prepare(scenario, options) -> scenario``: the scenario a study runs (e.g. a backcast);
- ``studies``: extra ``options.study`` values, run by ``study(run)`` (a :class:`StudyRun`);
- ``validation(corridor) -> DataFrame``: the model against its records, by role (the result's
  ``validation`` table, :mod:`~corridor_sim.models.toolkit.validation`);
- ``capacity_view(net) -> net``: the network a capacity study's max flow sees;
- ``SWEEP_OVERRIDES``: parameters a volume sweep sets;
- ``CAPACITY_UNITS``: extra columns of the bottleneck sequence, name -> ``f(p)`` factor
  on ``capacity_mt_per_yr``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.engines.commodity import (
    Arc,
    CommodityNetwork,
    Node,
    NodeKind,
    horizon_totals,
    solve,
)
from corridor_sim.errors import ScenarioError, SpecError, UnknownNameError
from corridor_sim.models.base import ModelEntry, ScenarioLike
from corridor_sim.models.options import Option, OptionTable
from corridor_sim.models.params import ParamTable, ParamValues
from corridor_sim.models.toolkit.calendar import Slice, month_slices, snapshots
from corridor_sim.models.toolkit.caspian import season_of
from corridor_sim.models.toolkit.commodity import (
    by_period,
    event_availability,
    event_cuts,
    nodes_table,
    slice_columns,
)
from corridor_sim.models.toolkit.tables import Topology, read_topology
from corridor_sim.results.result import Result, summary_frame
from corridor_sim.units import PERCENT, THOUSAND, days_in_year

__all__ = ["STUDY_NONE", "STUDY_SEQUENCE", "Corridor", "StudyRun", "evaluate"]

STUDY_NONE = "none"
STUDY_SEQUENCE = "bottleneck_sequence"


def evaluate(expr: str, p: ParamValues, hook: Any, *, where: str = "") -> float:
    """Return the value of a table expression for the parameters `p`.

    Terms are joined by ``+``; each is a parameter name, ``rule:<name>`` (``hook.<name>(p)``),
    ``inf`` or ``0``.

    Raises
    ------
    SpecError
        A rule the hook does not define.
    """
    total = 0.0
    for term in (t.strip() for t in expr.split("+")):
        if term in ("", "0"):
            continue
        if term == "inf":
            return math.inf
        if term.startswith("rule:"):
            fn = getattr(hook, term[5:], None)
            if fn is None:
                msg = f"{where}: tables name {term}, which its hook does not define"
                raise SpecError(msg)
            total += float(fn(p))
        else:
            total += float(p[term])
    return total


@dataclass(frozen=True)
class StudyRun:
    """What a corridor's own study reads and adds to: the run's parameters and results.

    ``tables``, ``rows`` (summary rows) and ``meta`` are the run's own, filled in place.
    """

    study: str
    corridor: Corridor
    p: ParamValues
    scenario: ScenarioLike
    months: int
    tables: dict[str, pd.DataFrame]
    rows: list[tuple]
    meta: dict[str, Any]


def _per_slice(mt_per_yr: float, year: int, slices: Sequence[Slice]) -> tuple[float, ...]:
    rate = mt_per_yr * THOUSAND / days_in_year(year)
    return tuple(rate * s.days for s in slices)


@dataclass(frozen=True)
class Corridor:
    """A monthly commodity corridor: tables in `folder`, parameters `params`, a `hook`.

    Parameters
    ----------
    name : str
        Model name (``meta["model"]``, network and option table names).
    folder : Path
        Folder holding ``nodes.csv`` and ``arcs.csv``.
    params : ParamTable
        The corridor's parameters.
    hook : module or object
        The corridor's own functions (see the module docstring).
    source, sink : str
        Node ids a capacity study's max flow runs between.
    volume : str
        Parameter of the volume offered at `source` (Mt/yr), set by volume sweeps.
    geo : str
        Catalogue prefix of the node coordinates (``<geo>.geo.<node>_lon``).
    weather : str
        Parameter prefix of the seasonal availability at sea (``<weather><season>``).
    overload : str, optional
        Catalogue id of the factor on capacity at which a study's LP ranks binding arcs.
    capacity_metric : str
        Summary metric of the capacity found by ``study = "bottleneck_sequence"``.
    """

    name: str
    folder: Path
    params: ParamTable
    hook: Any
    source: str
    sink: str
    volume: str
    geo: str
    weather: str
    overload: str | None = None
    capacity_metric: str = "corridor_capacity_mt_per_yr"
    topology: Topology = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "topology", read_topology(Path(self.folder)))

    # -- the network -----------------------------------------------------------------------
    def _hooked(self, name: str) -> Callable[..., Any] | None:
        return getattr(self.hook, name, None)

    def _rule(self, name: str) -> Callable[..., Any]:
        fn = self._hooked(name)
        if fn is None:
            msg = f"{self.name}: tables name rule:{name}, which its hook does not define"
            raise SpecError(msg)
        return fn

    def quantity(self, expr: str, p: ParamValues) -> float:
        """Return the value of a table expression (terms joined by ``+``) for `p`."""
        return evaluate(expr, p, self.hook, where=self.name)

    def _availability(
        self, expr: str, p: ParamValues, slices: Sequence[Slice]
    ) -> tuple[float, ...]:
        out = np.ones(len(slices))
        for term in filter(None, (t.strip() for t in expr.split("*"))):
            if term == "sea":
                out *= [float(p[f"{self.weather}{season_of(s.calendar_month)}"]) for s in slices]
            else:
                out *= np.asarray(self._rule(term.removeprefix("rule:"))(p, slices), dtype=float)
        return tuple(float(v) for v in out)

    def _present(self, when: str, p: ParamValues) -> bool:
        return not when or bool(p[when])

    def idle(self, p: ParamValues, relieved: Iterable[str] = ()) -> dict[str, str]:
        """Arcs left out of the network for `p`, each with what would add it."""
        out = {}
        for a in self.topology.arcs:
            if not self._present(a.when, p):
                out[a.id] = f"set {a.when} = true"
        hook_idle = self._hooked("idle")
        if hook_idle is not None:
            out.update(hook_idle(p, set(relieved)))
        return out

    def network(
        self,
        p: ParamValues,
        slices: Sequence[Slice],
        *,
        availability: Mapping[str, Sequence[float]] | None = None,
        relieve: Iterable[str] = (),
    ) -> CommodityNetwork:
        """Build the corridor in kt per slice (costs USD/t) from the tables and `p`.

        Parameters
        ----------
        p : ParamValues
            The year's parameters.
        slices : sequence of Slice
            The LP periods.
        availability : mapping of arc id to per-slice fractions, optional
            Event availability, multiplied into the arc's own.
        relieve : iterable of str
            Arc ids given unlimited capacity (capacity studies).

        Raises
        ------
        SpecError
            An event on an arc that is not in the network (saying what would add it), or a
            check of the hook.
        """
        availability = dict(availability or {})
        relieved = set(relieve)
        check = self._hooked("check")
        if check is not None:
            check(p)
        idle = self.idle(p, relieved)
        for aid in availability:
            if aid not in self.topology.arc_ids or aid in idle:
                how = idle.get(aid, "")
                msg = f"event element {aid!r} is not in the network" + (f" ({how})" if how else "")
                raise SpecError(msg)
        arcs = []
        for a in self.topology.arcs:
            if a.id in idle:
                continue
            avail = self._availability(a.availability, p, slices)
            if a.id in availability:
                avail = tuple(x * e for x, e in zip(avail, availability[a.id], strict=True))
            cap = self.quantity(a.capacity, p)
            capacity = (
                math.inf if a.id in relieved or math.isinf(cap) else _per_slice(cap, p.year, slices)
            )
            cost = self.quantity(a.cost, p)
            arcs.append(
                Arc(
                    a.source,
                    a.target,
                    capacity=capacity,
                    availability=avail,
                    cost=cost,
                    id=a.id,
                    label=a.label,
                )
            )
        rewrite = self._hooked("arcs")
        if rewrite is not None:
            arcs = rewrite(p, slices, arcs)
        used = {a.source for a in arcs} | {a.target for a in arcs}
        nodes = [self._node(n, p, slices) for n in self.topology.nodes if self._keep(n, p, used)]
        prov = p.provenance()
        return CommodityNetwork(
            nodes=tuple(nodes),
            arcs=tuple(arcs),
            periods=tuple(s.label for s in slices),
            unit="kt",
            name=f"{self.name}_{p.year}",
            provenance=tuple(zip(prov["parameter"], prov["source_id"], strict=True)),
            cost_unit="USD/t",
            snapshots=snapshots(slices),
        )

    def _keep(self, n: Any, p: ParamValues, used: set[str]) -> bool:
        return n.kind != "waypoint" and self._present(n.when, p) and n.id in used

    def _node(self, n: Any, p: ParamValues, slices: Sequence[Slice]) -> Node:
        lon = value(f"{self.geo}.geo.{n.id}_lon", unit="deg")
        lat = value(f"{self.geo}.geo.{n.id}_lat", unit="deg")
        kw: dict[str, Any] = {}
        for fld in ("supply", "demand"):
            expr = getattr(n, fld)
            if expr:
                q = self.quantity(expr, p)
                kw[fld] = math.inf if math.isinf(q) else _per_slice(q, p.year, slices)
        for fld in ("value", "storage_capacity", "unmet_penalty"):
            expr = getattr(n, fld)
            if expr:
                kw[fld] = self.quantity(expr, p)
        return Node(n.id, kind=NodeKind(n.kind), lon=lon, lat=lat, label=n.label, **kw)

    def build(
        self, year: int, *, periods: int = 12, relieve: Sequence[str] = (), **overrides: Any
    ) -> CommodityNetwork:
        """Build the corridor for `year` over `periods` months (kt per month).

        Parameters
        ----------
        year : int
            Model year.
        periods : int, default 12
            Months from January.
        relieve : sequence of str, optional
            Arc ids lifted to unlimited capacity.
        **overrides
            The corridor's parameters.

        Returns
        -------
        CommodityNetwork
            The corridor's nodes and arcs, with capacities per month.

        Raises
        ------
        UnknownNameError
            An override that is not a parameter (with suggestions).
        SpecError
            A bad year or value.

        Examples
        --------
        >>> from corridor_sim.models import oil
        >>> net = oil.build(2025, periods=3)
        >>> len(net.periods)
        3
        """
        p = self.params.resolve(year, overrides)
        return self.network(p, month_slices(year, periods), relieve=relieve)

    def year_flows(self, year: int, *, months: int = 12, **overrides: Any) -> pd.DataFrame:
        """Solve `year` at its defaults (and `overrides`): flow and capacity per arc, month (kt)."""
        p = self.params.resolve(year, overrides)
        net = self.network(p, month_slices(year, months))
        flows = self.tidy(solve(net, name=f"{self.name}_{year}").flows)
        cols = ["flow_kt", "capacity_kt"]
        return flows.groupby(["element", "period"])[cols].sum().reset_index()

    def elements(self, year: int) -> list[str]:
        """Arc ids an event may name (``[[events]] element = "..."``).

        Parameters
        ----------
        year : int
            Model year (the corridor's arcs do not change with it).

        Returns
        -------
        list of str
            The arc ids of ``arcs.csv``, in its order.

        Examples
        --------
        >>> from corridor_sim.models import oil
        >>> "btc" in oil.elements(2025), oil.elements(2025)[0]
        (True, 'aktau_loading')
        """
        del year
        return self.topology.arc_ids

    # -- one scenario ----------------------------------------------------------------------
    def options(self, extra: Sequence[tuple[str, str]] = ()) -> OptionTable:
        """Return the ``[options]``: ``study``, ``sweep_volumes_mt_per_yr``, ``relief_steps``."""
        studies = [
            (STUDY_NONE, "default"),
            (STUDY_SEQUENCE, "relieve each bottleneck in turn"),
            *extra,
        ]
        text = ", ".join(f"'{s}' ({d})" for s, d in studies)
        return OptionTable(
            self.name,
            [
                Option(
                    "study",
                    "str",
                    text,
                    default=STUDY_NONE,
                    choices=tuple(s for s, _ in studies),
                ),
                Option(
                    "sweep_volumes_mt_per_yr",
                    "float_list",
                    "offered volumes (Mt/yr) for the delivered-versus-offered curves",
                    minimum=0.0,
                    example="[1, 2, 5, 10]",
                ),
                Option(
                    "relief_steps",
                    "int",
                    "number of bottleneck stages to find (default 4)",
                    default=4,
                    minimum=1,
                    maximum=8,
                ),
            ],
        )

    def _build(
        self, scenario: ScenarioLike, months: int
    ) -> tuple[ParamValues, list[Slice], CommodityNetwork]:
        year = int(scenario.year)
        try:
            p = self.params.resolve(year, dict(scenario.overrides))
            ids = self.topology.arc_ids
            cuts = event_cuts(scenario.events, months, elements=ids, year=year, model=self.name)
            slices = month_slices(year, months, cuts)
            net = self.network(p, slices, availability=event_availability(scenario.events, slices))
        except (SpecError, UnknownNameError) as err:
            msg = f"scenario {scenario.name or self.name!r}: {err}"
            raise ScenarioError(msg) from err
        return p, slices, net

    def tidy(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Fold arcs the hook rewrote back into their table rows (identity without a hook)."""
        fn = self._hooked("tidy")
        return frame if fn is None else fn(frame)

    def monthly_flows(self, flows: pd.DataFrame, slices: Sequence[Slice]) -> pd.DataFrame:
        """Flows, capacity, utilisation and the highest shadow price per arc and month."""
        monthly = by_period(
            flows,
            slices,
            sums={"flow_kt": "flow_kt", "capacity_kt": "capacity_kt"},
            maxes={"shadow_price_usd_per_t": "shadow_price_usd_per_t"},
        )
        cap = monthly["capacity_kt"].where(
            np.isfinite(monthly["capacity_kt"]) & (monthly["capacity_kt"] > 0)
        )
        monthly.insert(6, "utilisation_pct", PERCENT * monthly["flow_kt"] / cap)
        monthly["label"] = monthly["element"].map(self.topology.names)
        return monthly

    def arc_totals(self, flows: pd.DataFrame) -> pd.DataFrame:
        """Flow, capacity (Mt) and utilisation per arc over the horizon, with its name.

        The figures the route map writes on its arcs (:func:`corridor_sim.plotting.maps.
        commodity_map` reads this table).
        """
        totals = horizon_totals(flows, scale=THOUSAND, unit="Mt").reset_index()
        totals.insert(3, "label", totals["element"].map(self.topology.names))
        return totals

    def bottleneck(self, table: pd.DataFrame) -> str:
        """Return the top-ranked binding arc of `table` inside the corridor."""
        outside = {a.id for a in self.topology.arcs if a.outside}
        inside = table[~table["element"].isin(outside)] if not table.empty else table
        return "" if inside.empty else str(inside.iloc[0]["element"])

    def simulate(self, scenario: ScenarioLike) -> Result:
        """Run one scenario: overrides, events (``days`` cut the month), an optional study.

        Usually called through :func:`corridor_sim.run`, which adds the provenance table.

        Parameters
        ----------
        scenario : Scenario
            A scenario of this model: year, monthly periods (default 12), overrides,
            events on arc ids (:meth:`elements`) and ``[options]`` (``study``,
            ``sweep_volumes_mt_per_yr``, ``relief_steps``, and the corridor's own).

        Returns
        -------
        Result
            The engine's tables per slice (with ``month``, ``duration_d``, ``end_d``),
            ``monthly_flows``, ``nodes``, the hook's tables and, with ``study =
            "bottleneck_sequence"``, ``bottleneck_sequence`` and ``sweep``.

        Raises
        ------
        ScenarioError
            Unknown option, option value, event element or period; a bad override.

        Examples
        --------
        >>> import corridor_sim as cs
        >>> from corridor_sim.models import oil
        >>> r = oil.simulate(cs.Scenario(model="oil", year=2025, periods=2))
        >>> round(r.metric("delivered_mt"), 3), "monthly_flows" in r.tables
        (0.595, True)
        """
        table = self.options(getattr(self.hook, "studies", ()))
        try:
            opts = table.resolve(scenario.options)
        except (SpecError, UnknownNameError) as err:
            raise ScenarioError(str(err)) from err
        if scenario.resolution not in (None, "month"):
            msg = f"resolution = {scenario.resolution!r}: model {self.name!r} supports 'month' only"
            raise ScenarioError(msg)
        months = 12 if scenario.periods is None else int(scenario.periods)
        prepare = self._hooked("prepare")
        if prepare is not None:
            scenario = prepare(scenario, opts)
        p, slices, net = self._build(scenario, months)
        sol = solve(net, name=scenario.name or f"{self.name}_{p.year}")
        tables = {k: slice_columns(self.tidy(v), slices) for k, v in sol.tables.items()}
        tables["monthly_flows"] = self.monthly_flows(tables["flows"], slices)
        tables["arc_totals"] = self.arc_totals(tables["flows"])
        waypoints = [
            (n.id, "waypoint", *self._lonlat(n.id), n.label)
            for n in self.topology.nodes
            if n.kind == "waypoint"
        ]
        tables["nodes"] = nodes_table(net, waypoints)
        extra = self._hooked("tables")
        if extra is not None:
            tables.update(extra(self, p, tables, slices, net))
        rows = list(self.hook.summary(p, tables))
        top = tables["bottlenecks"]
        if not top.empty:
            rows.append(
                (
                    "bottleneck_shadow_price_usd_per_t",
                    float(top["shadow_price_mean_usd_per_t"].iloc[0]),
                    "USD/t",
                    str(top["element"].iloc[0]),
                )
            )
        meta: dict[str, Any] = {
            "model": self.name,
            "unit": "kt",
            "cost_unit": "USD/t",
            "year": int(p.year),
            "scenario": scenario.name or "",
            "bottleneck": self.bottleneck(top),
            "slices": [s.label for s in slices],
            "labels": {**self.topology.labels, **self.topology.names},
        }
        hook_meta = self._hooked("meta")
        if hook_meta is not None:
            meta.update(hook_meta(p, scenario))
        study_overrides = {k: v for k, v in scenario.overrides.items() if k != self.volume}
        if opts["study"] == STUDY_SEQUENCE:
            from corridor_sim.models.toolkit.study import bottleneck_sequence

            sequence, sweep = bottleneck_sequence(
                self,
                int(p.year),
                steps=opts["relief_steps"],
                volumes=opts["sweep_volumes_mt_per_yr"],
                months=months,
                **study_overrides,
            )
            tables["bottleneck_sequence"], tables["sweep"] = sequence, sweep
            if not sequence.empty:
                first = str(sequence["bottleneck"].iloc[0])
                capacity = float(sequence["capacity_mt_per_yr"].iloc[0])
                rows.append((self.capacity_metric, capacity, "Mt/yr", first))
                meta["first_bottleneck"] = first
        elif opts["study"] != STUDY_NONE:
            self.hook.study(StudyRun(opts["study"], self, p, scenario, months, tables, rows, meta))
        validation = self._hooked("validation")
        if validation is not None:
            tables["validation"] = validation(self)
        return Result(tables=tables, summary_table=summary_frame(rows), meta=meta)

    def _lonlat(self, nid: str) -> tuple[float, float]:
        return (
            value(f"{self.geo}.geo.{nid}_lon", unit="deg"),
            value(f"{self.geo}.geo.{nid}_lat", unit="deg"),
        )

    def functions(self, model: ModelEntry) -> tuple[Callable[..., Any], ...]:
        """Return the model package's ``build, simulate, elements, parameters, provenance``."""
        return (
            self.build,
            self.simulate,
            self.elements,
            model.parameters,
            model.parameter_provenance,
        )

    def studies(self) -> tuple[Callable[..., Any], ...]:
        """Return ``capacity, volume_sweep, bottleneck_sequence`` bound to this corridor.

        See :mod:`corridor_sim.models.toolkit.study`; the corridor is the first argument.
        """
        from corridor_sim.models.toolkit import study

        return tuple(
            self.bind(fn)
            for fn in (study.corridor_capacity, study.volume_sweep, study.bottleneck_sequence)
        )

    def bind(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """`fn` with this corridor as its first argument, keeping its name, doc and signature."""
        import functools
        import inspect

        @functools.wraps(fn)
        def bound(*args: Any, **kwargs: Any) -> Any:
            return fn(self, *args, **kwargs)

        sig = inspect.signature(fn)
        bound.__signature__ = sig.replace(  # type: ignore[attr-defined]
            parameters=list(sig.parameters.values())[1:]
        )
        return bound

    # -- the model entry -------------------------------------------------------------------
    def model(self, **kwargs: Any) -> ModelEntry:
        """Return the corridor's :class:`ModelEntry` (build, simulate, parameters, elements).

        `kwargs` are the entry's other fields (``description``, ``figures``, ``years``,
        ``max_periods``).
        """
        return ModelEntry(
            name=self.name,
            build=self.build,
            simulate=self.simulate,
            params=self.params,
            elements=self.elements,
            options=self.options(getattr(self.hook, "studies", ())),
            resolutions=("month",),
            **kwargs,
        )

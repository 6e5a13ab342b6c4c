"""The Aktau–Baku–Ceyhan oil route as a monthly commodity network (issue #4).

Kazakh crude (``kazakh_fields``) is loaded at Aktau (``aktau_loading``), crosses
the Caspian by tanker (``tanker_lane``, capacity from fleet size, deadweight and
round-trip time, derated in the storm and ice season), waits if needed in the
Sangachal tanks near Baku (``baku_tanks``), and leaves by the BTC pipeline
(``btc``, the capacity Azerbaijani crude leaves free) to ``ceyhan`` or, as the
strategic reserve, by Baku–Supsa (``baku_supsa``) to ``supsa``. Optionally the
CPC pipeline to ``novorossiysk`` is added with its own Kazakh volume, which can
be diverted to Aktau (``cpc_diversion``) when CPC is disrupted.

Reserve rule (cost-based): Supsa and Novorossiysk cargoes carry a reserve premium
per tonne (``oil.cost.reserve_premium``: the Bosporus passage and the idle line's
stand-by cost) on top of the same pipeline tariff as BTC, so the LP sends crude
to Supsa only when BTC is full or out. Every delivered tonne is worth
``oil.market.value`` at the ``world_market`` sink, so the LP moves all crude it
can; what it cannot move is "unmet" (offered but not shipped).

Flows are kt per period (month, or part of a month around an outage); summaries
are in Mt.

Examples
--------
>>> from corridor_sim.engines.commodity import solve
>>> net = build(year=2025)
>>> sol = solve(net)
>>> round(float(sol.flows.query("arc == 'ceyhan_export'")["flow"].sum()) / 1000, 3)
1.7
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.catalogue import facts
from corridor_sim.engines.commodity import CommodityNetwork, solve
from corridor_sim.errors import ScenarioError, SpecError, UnknownNameError, suggest
from corridor_sim.models._oil_net import (
    ARCS,
    CPC_ARCS,
    SINK,
    SOURCE,
    TERMINAL_ARCS,
    Slice,
    coords,
    make_slices,
    merge_release_arcs,
    network,
)
from corridor_sim.models._oil_spec import PERCENT, UNITS, OilSpec, days_in_year
from corridor_sim.models._oil_study import bottleneck_sequence, route_capacity, volume_sweep
from corridor_sim.models.base import ModelEntry, Parameter, ScenarioLike
from corridor_sim.results.result import Result, summary_frame

__all__ = [
    "MODEL",
    "SINK",
    "SOURCE",
    "UNITS",
    "OilSpec",
    "bottleneck_sequence",
    "build",
    "elements",
    "parameters",
    "provenance",
    "route_capacity",
    "simulate",
    "volume_sweep",
]


class Study(StrEnum):
    """Extra study a scenario can ask for with ``options.study``."""

    NONE = "none"
    BOTTLENECK_SEQUENCE = "bottleneck_sequence"


OPTIONS: dict[str, str] = {
    "study": "'none' (default) or 'bottleneck_sequence': relieve each bottleneck in turn",
    "sweep_volumes_mt_per_yr": "offered volumes (Mt/yr) for the delivered-versus-offered curves",
    "relief_steps": "number of bottleneck stages to find (default 4)",
}


def build(
    year: int,
    *,
    periods: int = 12,
    relieve: Sequence[str] = (),
    **overrides: Any,  # noqa: ANN401
) -> CommodityNetwork:
    """Build the oil route for `year` as a commodity network (kt per month).

    Parameters
    ----------
    year : int
        Model year (2023 or later): the default Kazakh volume is the year's
        documented (2023: 1.06 Mt), planned (2024: 1.5, 2025: 1.7 Mt) or agreed
        (2026 on: 2.2 Mt/yr) volume.
    periods : int, default 12
        Number of months from January of `year`.
    relieve : sequence of str
        Arc ids given unlimited capacity (capacity studies).
    **overrides
        :class:`OilSpec` fields, e.g. ``kazakh_volume_mt_per_yr=3.0``,
        ``tanker_fleet_size=6``, ``include_novorossiysk=True``.

    Returns
    -------
    CommodityNetwork
        Periods ``"YYYY-MM"``; ``provenance_table()`` lists every parameter's
        catalogue id (see also :func:`provenance`).

    Raises
    ------
    UnknownNameError
        An override that is not a parameter (with suggestions).
    SpecError
        A year before 2023, or a bad value.

    Examples
    --------
    >>> net = build(2023)
    >>> net.periods[:2], net.unit
    (('2023-01', '2023-02'), 'kt')
    >>> "btc" in net.arc_ids
    True
    """
    spec = OilSpec.for_year(year).replace(**overrides)
    return network(spec, make_slices(year, periods), relieve=relieve)


def parameters(year: int) -> dict[str, Parameter]:
    """Return the accepted overrides for `year` with defaults, units and source ids."""
    return OilSpec.for_year(year).parameters()


def provenance(year: int, **overrides: Any) -> pd.DataFrame:  # noqa: ANN401
    """Every parameter of the `year` model with its value, unit and catalogue id(s).

    Examples
    --------
    >>> table = provenance(2025)
    >>> table.query("parameter == 'kazakh_volume_mt_per_yr'")["source_id"].tolist()
    ['oil.abc.volume_2025_plan']
    """
    return _with_map_positions(OilSpec.for_year(year).replace(**overrides).provenance())


def _with_map_positions(table: pd.DataFrame) -> pd.DataFrame:
    """Append the map positions of the nodes (``oil.geo.*``, used for drawing only)."""
    geo = facts(status="assumption")
    geo = geo[geo.index.str.startswith("oil.geo.")]
    rows = pd.DataFrame(
        {
            "parameter": "map_position_deg",
            "value": geo["value"].astype(float).to_numpy(),
            "unit": geo["unit"].to_numpy(),
            "description": "node longitude or latitude, for maps only",
            "source_id": geo.index.to_numpy(),
            "status": "assumption",
        }
    )
    return pd.concat([table, rows], ignore_index=True)


def elements(year: int) -> list[str]:
    """Arc ids an event may name (the CPC ones need ``include_novorossiysk = true``)."""
    del year
    return list(ARCS)


# -- scenario ---------------------------------------------------------------------
def _options(options: Mapping[str, Any]) -> tuple[Study, list[float] | None, int]:
    for key in options:
        if key not in OPTIONS:
            msg = f"options.{key}: unknown option of model 'oil', {suggest(key, OPTIONS)}"
            raise ScenarioError(msg)
    raw = options.get("study", Study.NONE.value)
    try:
        study = Study(raw)
    except ValueError as err:
        valid = ", ".join(repr(s.value) for s in Study)
        msg = f"options.study = {raw!r}: expected one of {valid}"
        raise ScenarioError(msg) from err
    volumes = options.get("sweep_volumes_mt_per_yr")
    if volumes is not None:
        ok = isinstance(volumes, Sequence) and not isinstance(volumes, str) and len(volumes) > 0
        if not ok or any(
            isinstance(v, bool) or not isinstance(v, (int, float)) or not v >= 0 for v in volumes
        ):
            msg = (
                f"options.sweep_volumes_mt_per_yr = {volumes!r}: expected a non-empty list "
                "of offered volumes in Mt/yr >= 0, e.g. [1, 2, 5, 10]"
            )
            raise ScenarioError(msg)
        volumes = [float(v) for v in volumes]
    steps = options.get("relief_steps", 4)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= 8:
        msg = f"options.relief_steps = {steps!r}: expected an integer between 1 and 8"
        raise ScenarioError(msg)
    return study, volumes, steps


def _events(
    scenario: ScenarioLike, months: int, year: int
) -> tuple[list[Slice], dict[str, list[float]]]:
    """Slices (months cut at outage ends) and per-slice event availability per arc."""
    cuts: dict[int, set[float]] = {}
    for i, event in enumerate(scenario.events):
        if event.element not in ARCS:
            hint = suggest(event.element, ARCS)
            msg = f"events[{i}].element = {event.element!r}: unknown arc, {hint}"
            raise ScenarioError(msg)
        last = event.start + event.duration - 1
        if event.start < 0 or last >= months:
            msg = (
                f"events[{i}] ({event.element!r}): periods {event.start}..{last} are outside "
                f"the horizon of {months} months (0..{months - 1})"
            )
            raise ScenarioError(msg)
        if event.days is not None:
            for m in range(event.start, last + 1):
                cuts.setdefault(m, set()).add(float(event.days))
    slices = make_slices(year, months, cuts)
    avail: dict[str, list[float]] = {}
    for event in scenario.events:
        factors = avail.setdefault(event.element, [1] * len(slices))
        for k, s in enumerate(slices):
            if event.start <= s.month < event.start + event.duration:
                if event.days is None:
                    factors[k] *= float(event.availability)
                elif s.first_day < event.days:
                    factors[k] = 0
    return slices, avail


def _month_columns(frame: pd.DataFrame, slices: Sequence[Slice]) -> pd.DataFrame:
    if frame.empty or "period" not in frame:
        return frame
    out = frame.copy()
    idx = out["period"].to_numpy()
    out["month"] = np.array([s.month for s in slices])[idx]
    out["month_label"] = np.array([s.month_label for s in slices], dtype=object)[idx]
    out["days"] = np.array([s.days for s in slices])[idx]
    ends = np.cumsum([s.days for s in slices])
    out["end_day"] = ends[idx]
    return out


def _monthly_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    flows = tables["flows"]
    keys = ["arc", "month", "month_label"]
    monthly = flows.groupby(keys, sort=False).agg(
        flow_kt=("flow", "sum"),
        capacity_kt=("capacity", "sum"),
        shadow_price_usd_per_t=("shadow_price", "max"),
    )
    monthly = monthly.reset_index().rename(
        columns={"month": "period", "month_label": "period_label"}
    )
    cap = monthly["capacity_kt"].where(
        np.isfinite(monthly["capacity_kt"]) & (monthly["capacity_kt"] > 0)
    )
    monthly.insert(5, "utilisation_pct", PERCENT * monthly["flow_kt"] / cap)
    terminal_of = {arc: t for t, arc in TERMINAL_ARCS.items()}
    delivered = monthly[monthly["arc"].isin(terminal_of)].copy()
    delivered.insert(0, "terminal", delivered["arc"].map(terminal_of))
    delivered = delivered[["terminal", "period", "period_label", "flow_kt"]].rename(
        columns={"flow_kt": "delivered_kt"}
    )
    supply = tables["supply"]
    unmet = supply.groupby(["node", "month", "month_label"], sort=False).agg(
        offered_kt=("available", "sum"), shipped_kt=("supplied", "sum")
    )
    unmet = unmet.reset_index().rename(columns={"month": "period", "month_label": "period_label"})
    unmet["unmet_kt"] = (unmet["offered_kt"] - unmet["shipped_kt"]).clip(lower=0)
    return {
        "monthly_flows": monthly,
        "delivered": delivered.reset_index(drop=True),
        "unmet": unmet,
    }


def _summary(spec: OilSpec, tables: Mapping[str, pd.DataFrame]) -> list[tuple[str, float, str]]:
    per_terminal = tables["delivered"].groupby("terminal")["delivered_kt"].sum() / 1000
    offered = tables["unmet"].groupby("node")["offered_kt"].sum() / 1000
    shipped = tables["unmet"].groupby("node")["shipped_kt"].sum() / 1000
    by_arc = tables["flows"].groupby("arc")["flow"].sum() / 1000
    storage = tables["storage"]
    total_offered = float(offered.sum())
    total_delivered = float(per_terminal.sum())
    rows = [
        ("offered_mt", total_offered, "Mt"),
        ("delivered_mt", total_delivered, "Mt"),
        ("unmet_mt", max(total_offered - total_delivered, 0), "Mt"),
        ("route_offered_mt", float(offered.get(SOURCE, 0)), "Mt"),
        ("route_shipped_mt", float(shipped.get(SOURCE, 0)), "Mt"),
        ("via_ceyhan_mt", float(per_terminal.get("ceyhan", 0)), "Mt"),
        ("via_supsa_mt", float(per_terminal.get("supsa", 0)), "Mt"),
        ("tanker_lane_mt", float(by_arc.get("tanker_lane", 0)), "Mt"),
        ("storage_peak_kt", float(storage["level"].max()) if not storage.empty else 0, "kt"),
        ("storage_end_kt", float(storage["level"].iloc[-1]) if not storage.empty else 0, "kt"),
        ("storage_capacity_kt", spec.baku_storage_kt, "kt"),
        (
            "tanker_lane_capacity_mt_per_yr",
            spec.tanker_capacity_kt_per_day * days_in_year(spec.year) / 1000,
            "Mt/yr",
        ),
        ("btc_spare_capacity_mt_per_yr", spec.btc_spare_capacity_mt_per_yr, "Mt/yr"),
        ("binding_arcs", float(len(tables["bottlenecks"])), "arcs"),
    ]
    if spec.include_novorossiysk:
        rows += [
            ("cpc_offered_mt", float(offered.get("cpc_fields", 0)), "Mt"),
            ("via_novorossiysk_mt", float(per_terminal.get("novorossiysk", 0)), "Mt"),
            ("cpc_diverted_mt", float(by_arc.get("cpc_diversion", 0)), "Mt"),
        ]
    return rows


def _nodes(net: CommodityNetwork) -> pd.DataFrame:
    """Node positions for maps, plus the Tbilisi waypoint of the pipelines."""
    rows = [(n.id, str(n.kind), n.lon, n.lat, n.label) for n in net.nodes]
    lon, lat = coords("tbilisi")
    rows.append(("tbilisi", "waypoint", lon, lat, "Tbilisi (pipeline waypoint)"))
    return pd.DataFrame(rows, columns=["node", "kind", "lon", "lat", "label"])


def simulate(scenario: ScenarioLike) -> Result:
    """Run one oil scenario: overrides, events (outages, storms), optional capacity study.

    Parameters
    ----------
    scenario : ScenarioLike
        ``year``, ``overrides`` (:class:`OilSpec` fields), ``periods`` (months,
        default 12), ``events`` (element = arc id; ``days`` cuts the month so
        the outage's first ``days`` days have the arc out; otherwise
        ``availability`` multiplies the arc's availability in those months) and
        ``options`` (see :data:`OPTIONS`).

    Returns
    -------
    Result
        Engine tables per period (``flows``, ``utilisation``, ``storage``,
        ``supply``, ``prices``, ``bottlenecks``, with ``month`` columns) plus
        ``monthly_flows``, ``delivered`` (terminal, month, ``delivered_kt``),
        ``unmet`` (offered, shipped, ``unmet_kt`` per supply node and month),
        ``provenance`` and, with ``study = "bottleneck_sequence"``,
        ``bottleneck_sequence`` and ``sweep``. ``meta["model"] == "oil"``.

    Raises
    ------
    ScenarioError
        Unknown option, option value, event element or period; bad override.
    """
    study, volumes, steps = _options(scenario.options)
    if scenario.resolution not in (None, "month"):
        msg = f"resolution = {scenario.resolution!r}: model 'oil' supports 'month' only"
        raise ScenarioError(msg)
    months = 12 if scenario.periods is None else int(scenario.periods)
    try:
        spec = OilSpec.for_year(int(scenario.year)).replace(**dict(scenario.overrides))
        slices, avail = _events(scenario, months, int(scenario.year))
        net = network(spec, slices, availability=avail)
    except (SpecError, UnknownNameError) as err:
        msg = f"scenario {scenario.name or 'oil'!r}: {err}"
        raise ScenarioError(msg) from err
    if any(e.element in CPC_ARCS for e in scenario.events) and not spec.include_novorossiysk:
        msg = "events name a CPC arc: set overrides.include_novorossiysk = true"
        raise ScenarioError(msg)
    sol = solve(net, name=scenario.name or f"oil_{spec.year}")
    tables = {
        name: _month_columns(merge_release_arcs(frame), slices)
        for name, frame in sol.tables.items()
        if name not in ("unmet",)
    }
    tables.update(_monthly_tables(tables))
    tables["provenance"] = _with_map_positions(spec.provenance())
    tables["nodes"] = _nodes(net)
    rows = _summary(spec, tables)
    top = tables["bottlenecks"]
    bottleneck = "" if top.empty else str(top.iloc[0]["arc"])
    meta: dict[str, Any] = {
        "model": "oil",
        "unit": "kt",
        "year": int(spec.year),
        "bottleneck": bottleneck,
        "slices": [s.label for s in slices],
        "include_novorossiysk": spec.include_novorossiysk,
        "reserve_rule": "cost: Supsa carries oil.cost.reserve_premium over Ceyhan",
    }
    if study is Study.BOTTLENECK_SEQUENCE:
        overrides = {k: v for k, v in scenario.overrides.items() if k != "kazakh_volume_mt_per_yr"}
        sequence, sweep = bottleneck_sequence(
            int(spec.year), steps=steps, volumes=volumes, months=months, **overrides
        )
        tables["bottleneck_sequence"] = sequence
        tables["sweep"] = sweep
        if not sequence.empty:
            rows.append(
                ("route_capacity_mt_per_yr", float(sequence["capacity_mt_per_yr"].iloc[0]), "Mt/yr")
            )
            meta["first_bottleneck"] = str(sequence["bottleneck"].iloc[0])
    return Result(tables=tables, summary_table=summary_frame(rows), meta=meta)


MODEL = ModelEntry(
    name="oil",
    description=(
        "Aktau–Baku–Ceyhan oil route: Kazakh crude by tanker and BTC, Supsa reserve, optional CPC"
    ),
    build=build,
    simulate=simulate,
    parameters=parameters,
    elements=elements,
    options=OPTIONS,
    resolutions=("month",),
)

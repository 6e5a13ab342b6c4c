"""Hourly dispatch of the Caspian corridor net on the DC-OPF engine.

Turns a net from :func:`corridor_sim.models.caspian.build`, hourly profiles and link
availabilities (events) into the engine's hourly tables (:class:`Inputs`): demand, available
wind/solar/hydro, the thermal caps of the export rule (``export_rule``), the HVDC ratings,
and Europe's hourly price as price levels (the engine takes one static cost per generator,
so each level of ``caspian.europe.price_step`` EUR/MWh is a market generator available in
the hours at that price). :func:`run_dispatch` solves them and returns wide hourly frames
(:class:`.hourly.Hourly`); :func:`solve` is the one place that reads the engine's tables.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.engines.dispatch import dispatch
from corridor_sim.errors import ScenarioError, SpecError, suggest
from corridor_sim.models.caspian.fleets import FLEETS
from corridor_sim.models.caspian.hourly import Hourly, to_hourly
from corridor_sim.models.caspian.network import LINKS, network
from corridor_sim.models.caspian.profiles import PRICE_COLUMN
from corridor_sim.models.caspian.schedule import applies
from corridor_sim.models.toolkit.reuse import BuildCache

if TYPE_CHECKING:
    import pandapower as pp

    from corridor_sim.models.base import EventLike
    from corridor_sim.models.params import ParamValues

__all__ = [
    "NETS",
    "Hourly",
    "Inputs",
    "availability",
    "dispatch_year",
    "inputs",
    "run_dispatch",
]

_EXPORT_RULE_IDS = {
    "matched": "caspian.gen.gas.export_rule.matched",
    "additional": "caspian.gen.gas.export_rule.additional",
}
_MARKET = "europe.market"
#: Hubs whose demand comes from the profiles (the markets' demand is static).
_PROFILED_HUBS = frozenset(h for _, serves in FLEETS.values() for h in serves)
#: The nets :func:`dispatch_year` built in this process, by year and parameter values: draws
#: and sweep points with the same parameters (profiles, events or options drawn) build the
#: net once per worker and get a copy (checked against the catalogue rows it read).
NETS: BuildCache[pp.pandapowerNet] = BuildCache(max_items=4)


def availability(events: Iterable[EventLike], hours: int) -> pd.DataFrame:
    """Hourly availability (0..1) of every link after `events`.

    Parameters
    ----------
    events : iterable of EventLike
        Each with ``element`` (a link id), ``start`` (hour, 0-based), ``duration``
        (hours) and ``availability`` (0..1 during the event); overlapping events
        multiply.
    hours : int
        Length of the horizon.

    Returns
    -------
    DataFrame
        Index hour, one column per link id.

    Raises
    ------
    ScenarioError
        Unknown element, an availability outside 0..1, or a ``days`` value (this model
        counts hours).
    """
    frame = pd.DataFrame(1.0, index=pd.RangeIndex(hours, name="hour"), columns=list(LINKS))
    for ev in events:
        if ev.element not in LINKS:
            msg = f"event element {ev.element!r}: unknown link, {suggest(ev.element, LINKS)}"
            raise ScenarioError(msg)
        if getattr(ev, "days", None) is not None:
            msg = (
                f"event {ev.element!r}: days = {ev.days!r} is for monthly models; the caspian "
                "model is hourly, give start and duration in hours"
            )
            raise ScenarioError(msg)
        share = ev.availability
        ok = isinstance(share, (int, float, np.integer, np.floating)) and not isinstance(
            share, bool
        )
        if not ok or not 0 <= share <= 1:
            msg = (
                f"event {ev.element!r}: availability = {share!r}; expected a fraction of the "
                "rating within 0..1 (0 = out of service)"
            )
            raise ScenarioError(msg)
        start, stop = int(ev.start), int(ev.start) + int(ev.duration)
        if start < hours and stop > 0:
            sl = slice(max(0, start), min(hours, stop) - 1)
            frame.loc[sl, ev.element] *= float(ev.availability)
    return frame


def _segments(avail: pd.DataFrame, columns: Sequence[str]) -> list[tuple[int, int]]:
    """Split the horizon where the availability of any of `columns` changes."""
    if not len(columns):
        return [(0, len(avail))]
    values = avail[list(columns)].to_numpy()
    change = np.flatnonzero(np.any(values[1:] != values[:-1], axis=1)) + 1
    edges = [0, *change.tolist(), len(avail)]
    return list(zip(edges[:-1], edges[1:], strict=True))


def _checked(
    prof: pd.DataFrame, columns: list[str], *, upper: float | None, expected: str,
    lower: float | None = 0.0,
) -> np.ndarray:  # fmt: skip
    """`prof[columns]` as floats; a text, NaN or out-of-range cell is named by column and hour."""
    block = prof[columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(block)
    if lower is not None:
        bad |= block < lower
    if upper is not None:
        bad |= block > upper
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raw = prof[columns[col]].iloc[row]
        shown = raw.item() if isinstance(raw, np.generic) else raw
        msg = (
            f"profiles: column {columns[col]!r}, hour {int(row)} has value {shown!r}; "
            f"expected {expected}"
        )
        raise SpecError(msg)
    return block


@dataclass(frozen=True, slots=True, eq=False)
class Inputs:
    """The engine's inputs for one corridor dispatch (hourly tables keyed by element index).

    ``net`` is a copy of the corridor net with Europe's market generator replaced by one
    generator per price level; ``price_eur_per_mwh`` is Europe's price as given (before the
    levels); ``market_base_eur`` is, per hour, the cost of serving the markets' own demand
    at their price, which :class:`Hourly`'s objective leaves out.
    """

    net: pp.pandapowerNet
    load_mw: pd.DataFrame
    sgen_max_mw: pd.DataFrame
    gen_max_mw: pd.DataFrame
    dcline_max_mw: pd.DataFrame
    price_eur_per_mwh: pd.Series
    market_base_eur: pd.Series


def _price_levels(price: np.ndarray) -> np.ndarray:
    """Europe's hourly price rounded to the LP's levels (``caspian.europe.price_step``).

    Prices are clipped to one step below zero (any negative price means: do not export)
    and to ``caspian.europe.price_cap_lp`` (above every cost in the corridor, so the dispatch
    is the same); revenues use the price as given.
    """
    step = value("caspian.europe.price_step", unit="EUR/MWh")
    cap = value("caspian.europe.price_cap_lp", unit="EUR/MWh")
    return np.round(np.clip(price, -step, cap) / step) * step


def _with_levels(net: pp.pandapowerNet, levels: np.ndarray) -> tuple[pp.pandapowerNet, dict]:
    """Copy of `net` with Europe's market generator split into one per price level.

    The level generators are copies of the market generator's row (bulk-appended: one
    ``pandapower.create_gen`` call per level would dominate a run's time); the first keeps
    its slack flag.
    """
    work = copy.deepcopy(net)
    old = int(work.gen.index[work.gen["name"] == _MARKET][0])
    unique = np.unique(levels)
    start = int(work.gen.index.max()) + 1
    new_idx = pd.RangeIndex(start, start + len(unique))
    rows = pd.DataFrame([work.gen.loc[old]] * len(unique), index=new_idx)
    rows["name"] = [f"{_MARKET}@{level:g}" for level in unique]
    rows["type"] = "market_level"
    rows["p_mw"] = 0.0
    rows["slack"] = [bool(work.gen.at[old, "slack"])] + [False] * (len(unique) - 1)
    cost_mask = (work.poly_cost["et"] == "gen") & (work.poly_cost["element"] == old)
    cost_row = work.poly_cost[cost_mask].iloc[0]
    c_start = int(work.poly_cost.index.max()) + 1
    costs = pd.DataFrame(
        [cost_row] * len(unique), index=pd.RangeIndex(c_start, c_start + len(unique))
    )
    costs["element"] = new_idx.to_numpy()
    costs["cp1_eur_per_mw"] = unique.astype(float)
    gen = pd.concat([work.gen.drop(old), rows])
    work.gen = gen.astype(work.gen.dtypes.to_dict())
    poly = pd.concat([work.poly_cost[~cost_mask], costs])
    work.poly_cost = poly.astype(work.poly_cost.dtypes.to_dict())
    return work, {float(level): int(g) for level, g in zip(unique, new_idx, strict=True)}


def _thermal_caps(
    net: pp.pandapowerNet, load: pd.DataFrame, green: pd.DataFrame, rule: str
) -> dict[int, np.ndarray]:
    """Hourly caps of the thermal generators under the export rule (by gen index).

    ``load`` and ``green`` are MW per hub (demand; available wind+solar+hydro).
    """
    applies("caspian.gen.gas.serves_own_demand")
    if rule in _EXPORT_RULE_IDS:
        applies(_EXPORT_RULE_IDS[rule])
    caps = {}
    gas = net.gen[net.gen["type"].isin(["gas", "gas_export"])]
    installed = gas[gas["type"] == "gas"].set_index("fleet")["max_p_mw"]
    for g, row in gas.iterrows():
        serves = list(FLEETS[row.fleet][1])
        demand = load.reindex(columns=serves, fill_value=0.0).sum(axis=1).to_numpy()
        inst = float(installed[row.fleet])
        if row.type == "gas_export":
            room = np.clip(inst - demand, 0.0, None)
            allowed = float(row.max_p_mw) if rule == "allowance" else 0.0
            caps[g] = np.minimum(allowed, room)
        elif rule == "additional":
            own = green.reindex(columns=serves, fill_value=0.0).sum(axis=1).to_numpy()
            caps[g] = np.minimum(inst, np.clip(demand - own, 0.0, None))
        else:
            caps[g] = np.minimum(inst, demand)
    return caps


def inputs(
    net: pp.pandapowerNet, prof: pd.DataFrame, avail: pd.DataFrame, *, export_rule: str
) -> Inputs:
    """Return the engine's hourly tables for `net` over the hours of `prof` (:class:`Inputs`).

    Raises
    ------
    SpecError
        A missing profile column, or a cell that is not a number in range (named by column
        and hour).
    """
    idx = pd.RangeIndex(len(prof), name="hour")
    profiled = [n for n in net.load.name if n.split(".")[0] in _PROFILED_HUBS]
    missing = [n for n in net.sgen.name if n not in prof.columns]
    missing += [n for n in profiled if n not in prof.columns]
    missing += [] if PRICE_COLUMN in prof.columns else [PRICE_COLUMN]
    if missing:
        msg = (
            f"profiles: missing columns {missing}; expected '<hub>.<kind>' capacity factors, "
            f"'<hub>.demand' MW and '{PRICE_COLUMN}' EUR/MWh as made by "
            "corridor_sim.models.caspian.profiles"
        )
        raise SpecError(msg)
    cf = _checked(prof, list(net.sgen.name), upper=1, expected="a capacity factor in [0, 1]")
    demand = _checked(prof, profiled, upper=None, expected="a finite demand >= 0 MW")
    price = _checked(prof, [PRICE_COLUMN], upper=None, lower=None,
                     expected="a finite price in EUR/MWh")[:, 0]  # fmt: skip
    levels = _price_levels(price)
    work, level_gens = _with_levels(net, levels)
    sgen_max = pd.DataFrame(cf * work.sgen.max_p_mw.to_numpy(), index=idx, columns=work.sgen.index)
    load_mw = pd.DataFrame(
        np.repeat(work.load.p_mw.to_numpy()[None, :], len(idx), axis=0),
        index=idx, columns=work.load.index,
    )  # fmt: skip
    by_name = dict(zip(work.load.name, work.load.index, strict=True))
    for j, name in enumerate(profiled):
        load_mw[by_name[name]] = demand[:, j]
    hub_of_load = work.bus.loc[work.load.bus, "name"].to_numpy()
    hub_of_sgen = work.bus.loc[work.sgen.bus, "name"].to_numpy()
    load_hub = load_mw.T.groupby(hub_of_load).sum().T
    green_hub = sgen_max.T.groupby(hub_of_sgen).sum().T
    gen_max = pd.DataFrame(
        np.repeat(work.gen.max_p_mw.to_numpy()[None, :], len(idx), axis=0),
        index=idx, columns=work.gen.index,
    )  # fmt: skip
    for g, cap in _thermal_caps(work, load_hub, green_hub, export_rule).items():
        gen_max[g] = cap
    eu_demand = float(work.load.loc[by_name["europe.demand"], "p_mw"])
    for level, g in level_gens.items():
        gen_max[g] = np.where(levels == level, float(work.gen.at[g, "max_p_mw"]), 0.0)
    names = list(work.dcline.name)
    dc_max = pd.DataFrame(
        avail[names].to_numpy() * work.dcline.max_p_mw.to_numpy(),
        index=idx, columns=work.dcline.index,
    )  # fmt: skip
    costs = work.poly_cost.set_index(["et", "element"])["cp1_eur_per_mw"]
    base = eu_demand * levels
    for hub in ("ru", "ir"):
        g = int(work.gen.index[work.gen["name"] == f"{hub}.market"][0])
        base = base + float(work.load.loc[by_name[f"{hub}.demand"], "p_mw"]) * costs[("gen", g)]
    return Inputs(
        net=work, load_mw=load_mw, sgen_max_mw=sgen_max, gen_max_mw=gen_max,
        dcline_max_mw=dc_max, price_eur_per_mwh=pd.Series(price, index=idx, name=PRICE_COLUMN),
        market_base_eur=pd.Series(base, index=idx),
    )  # fmt: skip


def run_dispatch(
    net: pp.pandapowerNet,
    prof: pd.DataFrame,
    *,
    avail: pd.DataFrame | None = None,
    voll_eur_per_mwh: float,
    block_hours: int | None = None,
    export_rule: str = "allowance",
) -> Hourly:
    """Dispatch the corridor hour by hour (one LP per stretch of constant AC availability).

    Parameters
    ----------
    net : pandapowerNet
        From :func:`corridor_sim.models.caspian.build` (not modified).
    prof : DataFrame
        Hourly profiles as made by :func:`corridor_sim.models.caspian.profiles`.
    avail : DataFrame, optional
        Hourly link availability from :func:`availability` (default: all 1).
    voll_eur_per_mwh : float
        Value of lost load.
    block_hours : int, optional
        Hours per LP block (default: the engine's).
    export_rule : {"allowance", "matched", "additional"}, default "allowance"
        How thermal fleets may serve exports (:data:`.params.EXPORT_RULES`).

    Returns
    -------
    Hourly
    """
    if avail is None:
        avail = availability((), len(prof))
    data = inputs(net, prof, avail, export_rule=export_rule)
    ac_links = list(data.net.line.name)
    parts = []
    for a, b in _segments(avail, ac_links):
        seg = copy.deepcopy(data.net)
        scale = avail.iloc[a][ac_links].to_numpy()
        seg.line["max_i_ka"] = seg.line["max_i_ka"].to_numpy() * np.maximum(scale, 0.0)
        part = Inputs(
            net=seg, load_mw=data.load_mw.iloc[a:b], sgen_max_mw=data.sgen_max_mw.iloc[a:b],
            gen_max_mw=data.gen_max_mw.iloc[a:b], dcline_max_mw=data.dcline_max_mw.iloc[a:b],
            price_eur_per_mwh=data.price_eur_per_mwh.iloc[a:b],
            market_base_eur=data.market_base_eur.iloc[a:b],
        )  # fmt: skip
        parts.append(solve(part, voll_eur_per_mwh=voll_eur_per_mwh, block_hours=block_hours))
    return Hourly.concat(parts)


def solve(data: Inputs, *, voll_eur_per_mwh: float, block_hours: int | None = None) -> Hourly:
    """Solve one stretch of hours on the dispatch engine and return :class:`Hourly`."""
    net = data.net
    res = dispatch(
        net,
        load_p_mw=data.load_mw,
        sgen_max_p_mw=data.sgen_max_mw,
        gen_max_p_mw=data.gen_max_mw,
        dcline_max_p_mw=data.dcline_max_mw,
        storage=False,
        voll_eur_per_mwh=voll_eur_per_mwh,
        block_hours=block_hours,
    )
    hourly = to_hourly(net, res, data.load_mw, data.sgen_max_mw, data.dcline_max_mw,
                       data.price_eur_per_mwh)  # fmt: skip
    return hourly.with_objective(hourly.objective_eur - float(data.market_base_eur.sum()))


def dispatch_year(
    p: ParamValues,
    prof: pd.DataFrame,
    avail: pd.DataFrame,
    block_hours: int | None = None,
    *,
    ramping: bool = False,
) -> tuple[pp.pandapowerNet, Hourly]:
    """Build the net of ``p.year`` and dispatch it over the hours of `prof`.

    Parameters
    ----------
    p : ParamValues
        Resolved parameters (:func:`corridor_sim.models.caspian.params.resolve_year`).
    prof : DataFrame
        Hourly profiles (:func:`corridor_sim.models.caspian.profiles`).
    avail : DataFrame
        Hourly link availability (:func:`availability`).
    block_hours : int, optional
        Hours per LP block.
    ramping : bool, default False
        Limit each thermal fleet's hourly change to ``caspian.gen.gas.ramp_share_per_h`` of
        its capacity (couples the hours).

    Returns
    -------
    (pandapowerNet, Hourly)
        The net as dispatched (with ramp limits when asked) and the dispatch. The net is
        built once per process for each year and parameter values (:data:`NETS`); each call
        gets its own copy.
    """
    key = (p.year, tuple((name, repr(v)) for name, v in p.items()))
    net = NETS.get(key, lambda: network(p))
    if ramping:
        add_ramps(net)
    hourly = run_dispatch(
        net, prof, avail=avail, voll_eur_per_mwh=p["voll_eur_per_mwh"], block_hours=block_hours,
        export_rule=p["export_rule"],
    )  # fmt: skip
    return net, hourly


def add_ramps(net: pp.pandapowerNet) -> None:
    """Thermal ramp limits (``caspian.gen.gas.ramp_share_per_h`` of each unit's capacity)."""
    share = value("caspian.gen.gas.ramp_share_per_h", unit="-")
    thermal = net.gen["type"].isin(["gas", "gas_export"])
    net.gen["ramp_up_mw_per_h"] = np.where(thermal, share * net.gen["max_p_mw"], np.nan)
    net.gen["ramp_down_mw_per_h"] = net.gen["ramp_up_mw_per_h"]

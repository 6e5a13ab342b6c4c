"""Hourly dispatch of the Caspian corridor net on the DC-OPF engine.

Turns a net from :func:`corridor_sim.models.caspian.build`, hourly profiles and link
availabilities (events) into wide hourly frames (:class:`Hourly`) that the study
tables are made from. The LP itself is :func:`corridor_sim.engines.dispatch.dispatch`;
:func:`solve` is the one place that reads the engine's tables.
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
from corridor_sim.models.caspian.network import LINKS, line_rating_mw, network
from corridor_sim.models.caspian.params import applies

if TYPE_CHECKING:
    import pandapower as pp

    from corridor_sim.models.base import EventLike
    from corridor_sim.models.params import ParamValues

__all__ = ["Hourly", "availability", "dispatch_year", "run_dispatch"]


@dataclass(frozen=True, slots=True)
class Hourly:
    """Wide hourly results of one corridor dispatch (index: hour).

    Parameters
    ----------
    generation_mw : DataFrame
        Output per generator name (``<hub>.<kind>``, ``<hub>.gas``; ``europe.sink`` is
        negative: energy taken by Europe).
    available_mw : DataFrame
        Available output per renewable generator name (profile x installed MW).
    demand_mw, unserved_mw, price_eur_per_mwh : DataFrame
        Per hub.
    flow_mw, limit_mw : DataFrame
        Per link: flow at the sending (``from``) end, positive in the link's
        direction (westward), and the hour's limit (rating x availability).
    loss_mw : DataFrame
        Per HVDC link: power lost in the hour (MW).
    objective_eur : float
        The LP's objective (thermal cost + lost load - value of the European intake).
    """

    generation_mw: pd.DataFrame
    available_mw: pd.DataFrame
    demand_mw: pd.DataFrame
    unserved_mw: pd.DataFrame
    price_eur_per_mwh: pd.DataFrame
    flow_mw: pd.DataFrame
    limit_mw: pd.DataFrame
    loss_mw: pd.DataFrame
    objective_eur: float

    @property
    def curtailed_mw(self) -> pd.DataFrame:
        """Available minus dispatched renewable output, per generator (>= 0)."""
        used = self.generation_mw.reindex(columns=self.available_mw.columns)
        return (self.available_mw - used).clip(lower=0.0)


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
    prof: pd.DataFrame, columns: list[str], *, upper: float | None, expected: str
) -> np.ndarray:
    """`prof[columns]` as floats; a text, NaN or out-of-range cell is named by column and hour."""
    block = prof[columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(block) | (block < 0)
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


def _inputs(
    net: pp.pandapowerNet, prof: pd.DataFrame, avail: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    hours = len(prof)
    idx = pd.RangeIndex(hours, name="hour")
    missing = [n for n in net.sgen.name if n not in prof.columns]
    missing += [n for n in net.load.name if n not in prof.columns]
    if missing:
        msg = (
            f"profiles: missing columns {missing}; expected '<hub>.<kind>' capacity factors and "
            "'<hub>.demand' MW as made by corridor_sim.models.caspian.profiles"
        )
        raise SpecError(msg)
    cf = _checked(prof, list(net.sgen.name), upper=1, expected="a capacity factor in [0, 1]")
    load = _checked(prof, list(net.load.name), upper=None, expected="a finite demand >= 0 MW")
    sgen_max = pd.DataFrame(cf * net.sgen.max_p_mw.to_numpy(), index=idx, columns=net.sgen.index)
    load_mw = pd.DataFrame(load, index=idx, columns=net.load.index)
    # thermal serves its own country only (caspian.gen.gas.serves_own_demand), plus Azerbaijan's
    # export allowance (caspian.az.gas_export_today): cap = min(installed, demand + allowance)
    applies("caspian.gen.gas.serves_own_demand")
    country_of_load = net.bus.loc[net.load.bus, "zone"].to_numpy()
    national = load_mw.T.groupby(country_of_load).sum().T
    gen_max = pd.DataFrame(index=idx, columns=net.gen.index, dtype=float)
    for g, row in net.gen.iterrows():
        if row.type == "gas":
            local = national[row.country].to_numpy()
            gen_max[g] = np.minimum(row.max_p_mw, local + float(row.export_mw))
        else:
            gen_max[g] = row.max_p_mw
    names = list(net.dcline.name)
    dc_max = pd.DataFrame(
        avail[names].to_numpy() * net.dcline.max_p_mw.to_numpy(),
        index=idx,
        columns=net.dcline.index,
    )
    return load_mw, sgen_max, gen_max, dc_max


def run_dispatch(
    net: pp.pandapowerNet,
    prof: pd.DataFrame,
    *,
    avail: pd.DataFrame | None = None,
    voll_eur_per_mwh: float,
    block_hours: int | None = None,
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
        Hours per LP block (default: the whole stretch in one LP).

    Returns
    -------
    Hourly
    """
    hours = len(prof)
    if avail is None:
        avail = availability((), hours)
    load_mw, sgen_max, gen_max, dc_max = _inputs(net, prof, avail)
    ac_links = list(net.line.name)
    parts = []
    for a, b in _segments(avail, ac_links):
        seg = copy.deepcopy(net)
        scale = avail.iloc[a][ac_links].to_numpy()
        seg.line["max_i_ka"] = seg.line["max_i_ka"].to_numpy() * np.maximum(scale, 0.0)
        parts.append(
            solve(
                seg,
                load_mw.iloc[a:b],
                sgen_max.iloc[a:b],
                gen_max.iloc[a:b],
                dc_max.iloc[a:b],
                voll_eur_per_mwh=voll_eur_per_mwh,
                block_hours=block_hours,
            )
        )
    return _concat(parts)


def _concat(parts: list[Hourly]) -> Hourly:
    if len(parts) == 1:
        return parts[0]
    fields = ("generation_mw", "available_mw", "demand_mw", "unserved_mw", "price_eur_per_mwh")
    kw = {f: pd.concat([getattr(p, f) for p in parts]) for f in fields}
    kw["flow_mw"] = pd.concat([p.flow_mw for p in parts])
    kw["limit_mw"] = pd.concat([p.limit_mw for p in parts])
    kw["loss_mw"] = pd.concat([p.loss_mw for p in parts])
    kw["objective_eur"] = float(sum(p.objective_eur for p in parts))
    return Hourly(**kw)


def to_hourly(
    net: pp.pandapowerNet,
    *,
    generation_mw: pd.DataFrame,
    unserved_mw: pd.DataFrame,
    flow_mw: pd.DataFrame,
    price_eur_per_mwh: pd.DataFrame,
    load_mw: pd.DataFrame,
    sgen_max_mw: pd.DataFrame,
    dcline_max_mw: pd.DataFrame,
    loss_mw: pd.DataFrame,
    objective_eur: float,
) -> Hourly:
    """Assemble :class:`Hourly` from solver output keyed by element names / indices."""
    idx = load_mw.index
    hub_of_load = dict(zip(net.load.index, net.bus.loc[net.load.bus, "name"], strict=True))
    demand = load_mw.rename(columns=hub_of_load)
    unserved = unserved_mw.rename(columns=hub_of_load).reindex(
        columns=demand.columns, fill_value=0.0
    )
    available = sgen_max_mw.rename(columns=dict(zip(net.sgen.index, net.sgen.name, strict=True)))
    limits = {
        n: np.full(len(idx), r) for n, r in zip(net.line.name, line_rating_mw(net), strict=True)
    }
    for d, name in zip(net.dcline.index, net.dcline.name, strict=True):
        limits[name] = dcline_max_mw[d].to_numpy()
    order = [n for n in LINKS if n in limits]
    return Hourly(
        generation_mw=generation_mw.set_axis(idx),
        available_mw=available,
        demand_mw=demand,
        unserved_mw=unserved.set_axis(idx),
        price_eur_per_mwh=price_eur_per_mwh.set_axis(idx),
        flow_mw=flow_mw.set_axis(idx)[order],
        limit_mw=pd.DataFrame(limits, index=idx)[order],
        loss_mw=loss_mw.set_axis(idx),
        objective_eur=float(objective_eur),
    )


def solve(
    net: pp.pandapowerNet,
    load_mw: pd.DataFrame,
    sgen_max_mw: pd.DataFrame,
    gen_max_mw: pd.DataFrame,
    dcline_max_mw: pd.DataFrame,
    *,
    voll_eur_per_mwh: float,
    block_hours: int | None = None,
) -> Hourly:
    """Solve one stretch of hours on the dispatch engine and return :class:`Hourly`."""
    res = dispatch(
        net,
        load_p_mw=load_mw,
        sgen_max_p_mw=sgen_max_mw,
        gen_max_p_mw=gen_max_mw,
        dcline_max_p_mw=dcline_max_mw,
        storage=False,
        voll_eur_per_mwh=voll_eur_per_mwh,
        block_hours=block_hours,
    )
    idx = load_mw.index
    name = {
        "gen": dict(zip(net.gen.index, net.gen.name, strict=True)),
        "sgen": dict(zip(net.sgen.index, net.sgen.name, strict=True)),
        "line": dict(zip(net.line.index, net.line.name, strict=True)),
        "dcline": dict(zip(net.dcline.index, net.dcline.name, strict=True)),
    }
    gen = res.generation[res.generation["element_type"].isin(["gen", "sgen"])]
    labels = [name[t][e] for t, e in zip(gen["element_type"], gen["element"], strict=True)]
    generation = gen.assign(name=labels).pivot(index="hour", columns="name", values="p_mw")
    unserved = res.unserved.pivot(index="hour", columns="load", values="p_mw")
    fl = res.flows
    link = [name[t][e] for t, e in zip(fl["branch_type"], fl["element"], strict=True)]
    flow = fl.assign(link=link).pivot(index="hour", columns="link", values="p_mw")
    dcl = fl.assign(link=link)[fl["branch_type"] == "dcline"]
    loss = dcl.pivot(index="hour", columns="link", values="loss_mw")
    bus_name = dict(zip(net.bus.index, net.bus.name, strict=True))
    price = res.prices.assign(hub=res.prices["bus"].map(bus_name)).pivot(
        index="hour", columns="hub", values="price_eur_per_mwh"
    )
    return to_hourly(
        net,
        generation_mw=generation.reindex(idx),
        unserved_mw=unserved.reindex(idx),
        flow_mw=flow.reindex(idx),
        price_eur_per_mwh=price.reindex(idx)[list(net.bus.name)],
        load_mw=load_mw,
        sgen_max_mw=sgen_max_mw,
        dcline_max_mw=dcline_max_mw,
        loss_mw=loss.reindex(idx)[list(net.dcline.name)],
        objective_eur=res.objective_eur,
    )


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
        The net as dispatched (with ramp limits when asked) and the dispatch.
    """
    net = network(p)
    if ramping:  # thermal ramp limits couple the hours (caspian.gen.gas.ramp_share_per_h)
        share = value("caspian.gen.gas.ramp_share_per_h", unit="-")
        gas = net.gen["type"] == "gas"
        net.gen["ramp_up_mw_per_h"] = np.where(gas, share * net.gen["max_p_mw"], np.nan)
        net.gen["ramp_down_mw_per_h"] = net.gen["ramp_up_mw_per_h"]
    hourly = run_dispatch(
        net, prof, avail=avail, voll_eur_per_mwh=p["voll_eur_per_mwh"], block_hours=block_hours
    )
    return net, hourly

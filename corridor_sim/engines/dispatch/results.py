"""Result of :func:`corridor_sim.engines.dispatch.dispatch`: :class:`DispatchResult`.

Import it from :mod:`corridor_sim.engines.dispatch`. :func:`assemble` turns the solved
blocks into the long tables; :meth:`DispatchResult.to_result` gives the standard tables of
:mod:`corridor_sim.results.schemas` (keys from :mod:`corridor_sim.engines._shared.tidy`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.engines._shared.display import engine_html, engine_repr, span
from corridor_sim.engines._shared.highs import LinprogStatus
from corridor_sim.engines._shared.tidy import ElementIds, ids_of, keyed_frame, periods_of
from corridor_sim.engines.dispatch.extendable import ExtData
from corridor_sim.engines.dispatch.lp import BlockSolution
from corridor_sim.engines.dispatch.netdata import NetData
from corridor_sim.results.result import Result, summary_frame
from corridor_sim.results.tolerance import magnitude, snap
from corridor_sim.units import PERCENT

__all__ = ["DispatchResult", "assemble"]

#: Relative tolerance for "flow at its limit" and "shadow price above zero".
_TOL = 1e-7


@dataclass(frozen=True, slots=True, eq=False)
class DispatchResult:
    """Tidy tables of one dispatch run (one row per element and hour).

    Attributes
    ----------
    generation : DataFrame
        ``element_type`` (ext_grid, gen, sgen, load for controllable loads, storage for fixed
        storage), ``element``, ``hour``, ``p_mw`` (injection; negative for sinks),
        ``available_mw`` (the hour's upper bound), ``curtailed_mw`` (available minus
        dispatched, curtailable sgens only, else 0), ``cost_eur`` (cp1 x p + cp0).
    flows : DataFrame
        ``branch_type`` (line, trafo, dcline), ``element``, ``hour``, ``p_mw`` (from-end flow,
        positive from -> to; for a dcline the power leaving the from bus), ``limit_mw`` (NaN
        when not monitored), ``loading_pct`` (pandapower's ``loading_percent`` of the
        thermal rating; the limit is ``max_loading_percent`` of it; dclines: abs flow /
        the hour's rating), ``loss_mw`` (dclines),
        ``shadow_price_eur_per_mwh`` (value of 1 MW more limit in that hour, >= 0).
    unserved : DataFrame
        ``load``, ``hour``, ``p_mw`` (demand not served), ``demand_mw``.
    prices : DataFrame
        ``bus``, ``hour``, ``price_eur_per_mwh`` (locational marginal price: the cost of
        1 MW more demand at the bus; NaN for out-of-service buses).
    storage : DataFrame
        ``element``, ``hour``, ``p_mw`` (pandapower's sign: + charging), ``soc_mwh`` (end of
        the hour).
    objective_eur : float
        Total cost: generation and dcline costs (cp1, cp0 per hour) + VOLL x unserved MWh
        (``operating_cost_eur``) + the extendable ratings' capital cost
        (``capital_cost_eur``).
    status : str
        ``"optimal"``.
    meta : dict
        ``blocks``, ``block_hours``, ``voll_eur_per_mwh``, ``formulation``, ``n_variables``,
        ``n_constraints``, ``n_nonzeros``, ``solve_s``, ``iterations`` (simplex iterations);
        with extendable ratings and ``warm_start``, ``warm_start_s`` and ``warm_start_from``.
    element_ids : mapping
        Element id per pandapower table and index, used by :meth:`to_result`.
    hours : pandas.Index, optional
        The hours solved, in order (their positions are the ``period`` of :meth:`to_result`).
    ratings : DataFrame
        One row per extendable branch (empty without): ``branch_type``, ``element``,
        ``rating_mw`` (optimal), ``min_mw``, ``max_mw``, ``cost_eur_per_mw``,
        ``capital_cost_eur`` (cost x rating), ``operating_value_eur_per_mw`` (operating
        cost saved by 1 MW more rating: the sum over hours of the branch's shadow prices,
        times the hour's availability for a dcline) and ``shadow_price_eur_per_mw`` (dual of
        the rating's bounds: value minus cost; > 0 at ``max_mw``, < 0 at ``min_mw``, 0
        between).
    operating_cost_eur, capital_cost_eur : float
        The two parts of ``objective_eur``.

    In these tables ``element`` / ``load`` / ``bus`` are pandapower indices;
    :meth:`to_result` gives element ids instead.

    Examples
    --------
    Made by :func:`~corridor_sim.engines.dispatch.dispatch`; here IEEE case 9 (linear
    costs only) over two hours, load 0 at 90 MW and then 180 MW:

    >>> import pandas as pd
    >>> import pandapower.networks as pn
    >>> from corridor_sim.engines.dispatch import dispatch
    >>> net = pn.case9()
    >>> net.poly_cost[["cp0_eur", "cp2_eur_per_mw2"]] = 0.0
    >>> res = dispatch(net, load_p_mw=pd.DataFrame({0: [90.0, 180.0]}))
    >>> res.status, res.generation.groupby("hour")["p_mw"].sum().round(6).tolist()
    ('optimal', [315.0, 405.0])
    >>> sorted(res.prices.columns)
    ['bus', 'hour', 'price_eur_per_mwh']
    """

    generation: pd.DataFrame
    flows: pd.DataFrame
    unserved: pd.DataFrame
    prices: pd.DataFrame
    storage: pd.DataFrame
    objective_eur: float
    status: str
    meta: dict = field(default_factory=dict)
    element_ids: ElementIds = field(default_factory=dict, repr=False)
    hours: pd.Index | None = field(default=None, repr=False)
    ratings: pd.DataFrame = field(default_factory=lambda: _empty_ratings(), repr=False)
    operating_cost_eur: float = float("nan")
    capital_cost_eur: float = 0.0

    def __post_init__(self) -> None:
        if np.isnan(self.operating_cost_eur):
            object.__setattr__(
                self, "operating_cost_eur", float(self.objective_eur) - self.capital_cost_eur
            )

    # -- display --------------------------------------------------------------------
    def __repr__(self) -> str:
        """One line: size, key figure and the tables with their rows."""
        return engine_repr(self)

    def _repr_html_(self) -> str:
        """Return a card for notebooks: fields, key rows and the tables (rows, columns)."""
        return engine_html(self)

    def display_fields(self) -> list[tuple[str, Any]]:
        """Status, hours, cost, unserved and curtailed energy (``ShowsItself``)."""
        hours = self.hours if self.hours is not None else pd.Index(pd.unique(self.prices["hour"]))
        unserved = float(self.unserved["p_mw"].sum()) if len(self.unserved) else 0.0
        gen = self.generation
        curtailed = float(gen["curtailed_mw"].sum()) if "curtailed_mw" in gen else 0.0
        return [
            ("status", self.status),
            ("hours", span(pd.Index(hours))),
            ("objective_eur", float(self.objective_eur)),
            ("unserved_mwh", unserved),
            ("curtailed_mwh", curtailed),
            ("extendable", len(self.ratings) or None),
            ("formulation", self.meta.get("formulation")),
        ]

    def display_tables(self, *, brief: bool = False) -> dict[str, pd.DataFrame]:
        """Return the dispatch's tables (``ratings`` when branches were extendable)."""
        tables = {
            "generation": self.generation,
            "flows": self.flows,
            "unserved": self.unserved,
            "prices": self.prices,
            "storage": self.storage,
        }
        if len(self.ratings):
            tables["ratings"] = self.ratings
        return tables

    def display_card(self) -> tuple[list[tuple[str, Any]], dict[str, pd.DataFrame]]:
        """Return the LP's size for the card: blocks, variables, solver time."""
        return [(k, self.meta.get(k)) for k in ("blocks", "n_variables", "solve_s")], {}

    def _hour_index(self) -> pd.Index:
        if self.hours is not None:
            return pd.Index(self.hours)
        return pd.Index(pd.unique(self.prices["hour"]))

    def to_result(self, *, model: str = "dispatch") -> Result:
        """Wrap as a :class:`~corridor_sim.results.result.Result` in the standard schema.

        Every table has ``element`` (id), ``element_type``, ``element_index``, ``period``
        and ``hour`` | ``snapshot`` | ``period_label`` (see the engines' tidy module):

        - ``flows``: ``p_mw``, ``limit_mw``, ``loading_pct``, ``loss_mw``,
          ``shadow_price_eur_per_mwh`` (element types line, trafo, dcline);
        - ``utilisation``: ``utilisation_pct`` (= ``loading_pct``) and ``binding`` (at the
          limit or with a positive shadow price);
        - ``bottlenecks``: branches binding in some hour: ``rank``, ``binding_periods``,
          ``shadow_price_mean_eur_per_mwh``, ``shadow_price_max_eur_per_mwh``;
        - ``prices`` (buses): ``price_eur_per_mwh``;
        - ``unmet`` (fixed loads): ``unmet_mw``, ``demand_mw``;
        - ``storage``: ``p_mw`` (+ charging), ``level_mwh`` (end of the hour);
        - ``generation``: ``p_mw``, ``available_mw``, ``curtailed_mw``, ``cost_eur``.

        - ``ratings`` (extendable branches, when there are some): ``rating_mw``,
          ``min_mw``, ``max_mw``, ``cost_eur_per_mw``, ``capital_cost_eur``,
          ``operating_value_eur_per_mw``, ``shadow_price_eur_per_mw``.

        Summary (1-hour steps, so MW summed over hours are MWh): ``objective``,
        ``operating_cost``, ``capital_cost`` (EUR), ``unserved_energy``,
        ``curtailed_energy``, ``hvdc_losses`` (MWh), ``binding_branches`` (count),
        ``hours`` (h).
        """
        hours = self._hour_index()
        flows, calendar = self._keyed(hours, self.flows, "element", _FLOW_VALUES, "branch_type")
        utilisation = flows.drop(columns=list(_FLOW_VALUES))
        utilisation["utilisation_pct"] = flows["loading_pct"].to_numpy()
        utilisation["binding"] = _binding(flows)
        bottlenecks = _bottlenecks(utilisation, flows)
        prices, _ = self._keyed(hours, self.prices, "bus", {"price_eur_per_mwh": None}, kind="bus")
        unmet, _ = self._keyed(
            hours, self.unserved, "load", {"unmet_mw": "p_mw", "demand_mw": None}, kind="load"
        )
        storage, _ = self._keyed(
            hours, self.storage, "element", {"p_mw": None, "level_mwh": "soc_mwh"}, kind="storage"
        )
        generation, _ = self._keyed(
            hours, self.generation, "element", _GENERATION_VALUES, "element_type"
        )
        tables = {
            "flows": flows,
            "utilisation": utilisation,
            "bottlenecks": bottlenecks,
            "prices": prices,
            "unmet": unmet,
            "storage": storage,
            "generation": generation,
        }
        if len(self.ratings):
            types = self.ratings["branch_type"].to_numpy(dtype=object)
            index = self.ratings["element"].to_numpy(dtype=np.int64)
            tables["ratings"] = pd.DataFrame(
                {
                    "element": ids_of(self.element_ids, types, index),
                    "element_type": types,
                    "element_index": index,
                    **{c: self.ratings[c].to_numpy(dtype=float) for c in _RATING_VALUES},
                }
            )
        summary = summary_frame(
            [
                ("objective", self.objective_eur, "EUR"),
                ("operating_cost", self.operating_cost_eur, "EUR"),
                ("capital_cost", self.capital_cost_eur, "EUR"),
                ("unserved_energy", float(self.unserved["p_mw"].sum()), "MWh"),
                ("curtailed_energy", float(self.generation["curtailed_mw"].sum()), "MWh"),
                ("hvdc_losses", float(self.flows["loss_mw"].sum()), "MWh"),
                ("binding_branches", float(len(bottlenecks)), "count"),
                ("hours", float(len(hours)), "h"),
            ]
        )
        meta = {
            "model": model,
            "engine": "dispatch",
            "calendar": calendar,
            "status": str(self.status),
            **self.meta,
        }
        return Result(tables, summary_table=summary, meta=meta)

    def _keyed(
        self,
        hours: pd.Index,
        frame: pd.DataFrame,
        index_col: str,
        values: dict[str, str | None],
        type_col: str | None = None,
        *,
        kind: str = "",
    ) -> tuple[pd.DataFrame, bool]:
        """One of the tables with standard keys; `values` maps new names to old (None: same).

        The element type of a row is its `type_col` value, or `kind` for every row.
        """
        types = frame[type_col] if type_col else np.full(len(frame), kind, dtype=object)
        return keyed_frame(
            self.element_ids,
            np.asarray(types, dtype=object),
            frame[index_col].to_numpy(dtype=np.int64),
            hours,
            periods_of(hours, frame["hour"]),
            {new: frame[old or new].to_numpy(dtype=float) for new, old in values.items()},
        )


_FLOW_VALUES = dict.fromkeys(
    ("p_mw", "limit_mw", "loading_pct", "loss_mw", "shadow_price_eur_per_mwh")
)
_GENERATION_VALUES = dict.fromkeys(("p_mw", "available_mw", "curtailed_mw", "cost_eur"))
_RATING_VALUES = (
    "rating_mw", "min_mw", "max_mw", "cost_eur_per_mw", "capital_cost_eur",
    "operating_value_eur_per_mw", "shadow_price_eur_per_mw",
)  # fmt: skip


def _empty_ratings() -> pd.DataFrame:
    """Return the ``ratings`` table of a run without extendable branches."""
    cols = {"branch_type": pd.Series(dtype=object), "element": pd.Series(dtype=np.int64)}
    return pd.DataFrame(cols | {c: pd.Series(dtype=float) for c in _RATING_VALUES})


def ratings_table(ext: ExtData, parts: list[BlockSolution]) -> pd.DataFrame:
    """Return the ``ratings`` table of the (single) block that optimised the ratings."""
    if not ext.size:
        return _empty_ratings()
    (part,) = parts  # extendable ratings: the horizon is one LP
    rating = np.asarray(part.ext_rating)
    return pd.DataFrame(
        {
            "branch_type": ext.table.astype(object),
            "element": ext.element,
            "rating_mw": rating,
            "min_mw": ext.min_mw,
            "max_mw": ext.max_mw,
            "cost_eur_per_mw": ext.cost_eur_per_mw,
            "capital_cost_eur": rating * ext.cost_eur_per_mw,
            "operating_value_eur_per_mw": part.ext_value,
            "shadow_price_eur_per_mw": part.ext_shadow,
        }
    )


def _binding(flows: pd.DataFrame) -> np.ndarray:
    """Whether each branch-hour is at its limit or has a positive shadow price."""
    limit = flows["limit_mw"].to_numpy(dtype=float)
    flow = np.abs(flows["p_mw"].to_numpy(dtype=float))
    finite = np.isfinite(limit) & (limit > 0)
    safe = np.where(finite, limit, 0.0)
    at_limit = finite & (flow >= safe - _TOL * np.maximum(1.0, safe))
    shadow = flows["shadow_price_eur_per_mwh"].to_numpy(dtype=float)
    return at_limit | (shadow > _TOL)


def _bottlenecks(utilisation: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    """Branches binding in at least one hour, ranked by mean then max shadow price."""
    keys = ["element", "element_type", "element_index"]
    frame = flows[keys].assign(
        binding=utilisation["binding"].to_numpy(),
        shadow=flows["shadow_price_eur_per_mwh"].to_numpy(dtype=float),
    )
    grouped = frame.groupby(keys, sort=False)
    table = pd.DataFrame(
        {
            "binding_periods": grouped["binding"].sum().astype(np.int64),
            "shadow_price_mean_eur_per_mwh": grouped["shadow"].mean(),
            "shadow_price_max_eur_per_mwh": grouped["shadow"].max(),
        }
    ).reset_index()
    table = table[table["binding_periods"] > 0]
    table = table.sort_values(
        ["shadow_price_mean_eur_per_mwh", "shadow_price_max_eur_per_mwh", "binding_periods"],
        ascending=False,
        kind="stable",
    ).reset_index(drop=True)
    table["element"] = table["element"].astype(object)
    table["element_index"] = table["element_index"].astype(np.int64)
    table.insert(0, "rank", np.arange(1, len(table) + 1, dtype=np.int64))
    return table


def _tidy(
    index: pd.Index, keys: dict[str, np.ndarray], values: dict[str, np.ndarray]
) -> pd.DataFrame:
    """Long table: element keys tiled over hours, (hours x n) values flattened hour-major."""
    n = next(iter(keys.values())).size
    out: dict[str, np.ndarray] = {k: np.tile(v, len(index)) for k, v in keys.items()}
    out["hour"] = np.repeat(np.asarray(index), n)
    out.update({k: np.asarray(v, dtype=float).reshape(-1) for k, v in values.items()})
    return pd.DataFrame(out)


def assemble(
    data: NetData,
    ext: ExtData,
    parts: list[BlockSolution],
    index: pd.Index,
    *,
    voll: float,
    size: int,
    formulation: str,
) -> DispatchResult:
    """Concatenate the solved blocks of hours `index` into one :class:`DispatchResult`."""
    hourly = (
        "unit_p", "unit_hi", "unserved", "load_mw", "lmp", "flow", "branch_mu", "dc_p",
        "dc_max", "dc_loss", "dc_mu", "st_p", "st_soc", "branch_lim",
    )  # fmt: skip
    cat = {k: np.concatenate([getattr(p, k) for p in parts]) for k in hourly}
    _clean(cat, data)
    p_el = cat["unit_p"]
    gen = _tidy(
        index,
        {"element_type": data.units.type.astype(str), "element": data.units.element},
        {
            "p_mw": p_el * data.units.sign,
            "available_mw": cat["unit_hi"] * data.units.sign,
            "curtailed_mw": np.where(
                data.units.curtailable, np.maximum(cat["unit_hi"] - p_el, 0.0), 0.0
            ),
            "cost_eur": p_el * data.units.cost + data.units.cost0,
        },
    )
    uns = _tidy(
        index,
        {"load": data.loads.element},
        {"p_mw": cat["unserved"], "demand_mw": cat["load_mw"]},
    )
    rows = data.bus_row
    price = np.where(rows[None, :] >= 0, cat["lmp"][:, np.maximum(rows, 0)], np.nan)
    prices = _tidy(index, {"bus": data.bus_index}, {"price_eur_per_mwh": price})
    sto = _tidy(
        index, {"element": data.storage.element}, {"p_mw": cat["st_p"], "soc_mwh": cat["st_soc"]}
    )
    meta = {
        "blocks": len(parts),
        "block_hours": size,
        "voll_eur_per_mwh": voll,
        "formulation": formulation,
        "n_variables": int(sum(p.n_variables for p in parts)),
        "n_constraints": int(sum(p.n_constraints for p in parts)),
        "n_nonzeros": int(sum(p.n_nonzeros for p in parts)),
        "solve_s": float(sum(p.solve_s for p in parts)),
        "iterations": int(sum(p.iterations for p in parts)),
    }
    objective = float(sum(p.objective_eur for p in parts))
    capital = float(sum(p.capital_eur for p in parts))
    return DispatchResult(
        generation=gen,
        flows=_flows_table(data, ext, cat, index),
        unserved=uns,
        prices=prices,
        storage=sto,
        objective_eur=objective,
        status=LinprogStatus.OPTIMAL.label,
        meta=meta,
        hours=index,
        ratings=ratings_table(ext, parts),
        operating_cost_eur=objective - capital,
        capital_cost_eur=capital,
    )


def _clean(cat: dict[str, np.ndarray], data: NetData) -> None:
    """Snap solver round-off to 0 and to the bounds, in place (``results.tolerance``).

    Power scale: the largest finite load, unit maximum, branch or dcline limit; a dispatch
    within the tolerance of the unit's maximum is at it (nothing curtailed), unserved power
    within it of the load is the load, a flow within it of its limit (either direction) is
    at it. Duals are snapped at the scale of the cost coefficients.
    """
    power = magnitude(cat["load_mw"], cat["unit_hi"], cat["branch_lim"], cat["dc_max"])
    snap(cat["unit_p"], power, upper=cat["unit_hi"])
    snap(cat["unserved"], power, upper=cat["load_mw"])
    lim = cat["branch_lim"]
    snap(cat["flow"], power, upper=lim, lower=-lim)
    snap(cat["dc_p"], power, upper=cat["dc_max"], lower=-cat["dc_max"])
    for key in ("dc_loss", "st_p", "st_soc"):
        snap(cat[key], power)
    money = magnitude(data.units.cost)
    for key in ("lmp", "branch_mu", "dc_mu"):
        snap(cat[key], money)


def _flows_table(data: NetData, ext: ExtData, cat: dict, index: pd.Index) -> pd.DataFrame:
    n_h = len(index)
    ok = data.branch_element >= 0
    rows = np.flatnonzero(ok & np.isin(data.branch_type, ("line", "trafo")))
    flow = cat["flow"][:, rows]
    limit = cat["branch_lim"][:, rows]
    lim = np.where(np.isfinite(limit), limit, np.nan)
    loading = np.abs(flow) * data.model.loading_pct_per_mw[rows]
    x_rows = np.isin(rows, ext.branch_row[ext.ac])
    if x_rows.any():  # an optimised rating: percent of it
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = np.abs(flow[:, x_rows]) / lim[:, x_rows] * PERCENT
        loading[:, x_rows] = np.where(lim[:, x_rows] > 0, pct, np.nan)
    ac = pd.DataFrame(
        {
            "branch_type": np.tile(data.branch_type[rows].astype(str), n_h),
            "element": np.tile(data.branch_element[rows], n_h),
            "hour": np.repeat(np.asarray(index), rows.size),
            "p_mw": flow.ravel(),
            "limit_mw": lim.ravel(),
            "loading_pct": loading.ravel(),
            "loss_mw": 0.0,
            "shadow_price_eur_per_mwh": cat["branch_mu"][:, rows].ravel(),
        }
    )
    n_d = data.dclines.element.size
    dc_lim = cat["dc_max"]
    with np.errstate(divide="ignore", invalid="ignore"):
        dc_pct = np.where(dc_lim > 0, np.abs(cat["dc_p"]) / dc_lim * PERCENT, np.nan)
    dc = pd.DataFrame(
        {
            "branch_type": "dcline",
            "element": np.tile(data.dclines.element, n_h),
            "hour": np.repeat(np.asarray(index), n_d),
            "p_mw": cat["dc_p"].ravel(),
            "limit_mw": dc_lim.ravel(),
            "loading_pct": dc_pct.ravel(),
            "loss_mw": cat["dc_loss"].ravel(),
            "shadow_price_eur_per_mwh": cat["dc_mu"].ravel(),
        }
    )
    frames = [f for f in (ac, dc) if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else ac

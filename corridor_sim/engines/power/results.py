"""Result objects of :mod:`corridor_sim.engines.power`: :class:`DCFlowResult`, :class:`N1Result`.

Import them from :mod:`corridor_sim.engines.power`. Their attribute tables are indexed like
pandapower (hours x element index); ``to_result()`` turns them into a
:class:`~corridor_sim.results.result.Result` whose tables follow
:mod:`corridor_sim.results.schemas` (keys from :mod:`corridor_sim.engines._shared.tidy`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.engines._shared.display import (
    CARD_WORST_ROWS,
    element_name,
    engine_html,
    engine_repr,
    max_of,
    span,
)
from corridor_sim.engines._shared.tidy import ElementIds, ids_of, keyed_frame, time_columns
from corridor_sim.errors import SpecError
from corridor_sim.results.result import Result, summary_frame

__all__ = ["DCFlowResult", "N1Result"]

_BRANCH_TABLES = ("line", "trafo")


@dataclass(frozen=True, slots=True, eq=False)
class DCFlowResult:
    """Hourly DC power flow results; every table is hours x pandapower element index.

    Attributes
    ----------
    line_p_from_mw, trafo_p_hv_mw : pandas.DataFrame
        Active power at the from / HV end (MW), as ``res_line.p_from_mw`` / ``res_trafo.p_hv_mw``
        (0 for out-of-service branches).
    line_loading_pct, trafo_loading_pct : pandas.DataFrame
        pandapower's ``loading_percent`` (%).
    ext_grid_p_mw, gen_p_mw : pandas.DataFrame
        Output of ext_grids and gens (MW); slack units balance the hour.
    bus_va_degree : pandas.DataFrame
        Voltage angle (degree), NaN for out-of-service or isolated buses.
    element_ids : mapping
        Element id per pandapower table and index used by :meth:`to_result` (see
        :func:`corridor_sim.engines._shared.tidy.element_ids`); empty: ``"line 3"`` style ids.

    Examples
    --------
    Made by :func:`~corridor_sim.engines.power.dc_flow`; here two hours of IEEE case 9
    with load 1 at 90 and 120 MW:

    >>> import pandas as pd
    >>> import pandapower.networks as pn
    >>> from corridor_sim.engines.power import dc_flow
    >>> res = dc_flow(pn.case9(), load_p_mw=pd.DataFrame({1: [90.0, 120.0]}))
    >>> res.line_loading_pct.shape  # hours x lines
    (2, 9)
    >>> res.ext_grid_p_mw.sum(axis=1).round(1).tolist()  # the slack takes the 30 MW more
    [57.0, 87.0]
    """

    line_p_from_mw: pd.DataFrame
    trafo_p_hv_mw: pd.DataFrame
    line_loading_pct: pd.DataFrame
    trafo_loading_pct: pd.DataFrame
    ext_grid_p_mw: pd.DataFrame
    gen_p_mw: pd.DataFrame
    bus_va_degree: pd.DataFrame
    element_ids: ElementIds = field(default_factory=dict, repr=False)

    @property
    def hours(self) -> pd.Index:
        """The hour index of the tables (the input tables' index)."""
        return self.line_p_from_mw.index

    # -- display --------------------------------------------------------------------
    def __repr__(self) -> str:
        """One line: size, key figure and the tables with their rows."""
        return engine_repr(self)

    def _repr_html_(self) -> str:
        """Return a card for notebooks: fields, key rows and the tables (rows, columns)."""
        return engine_html(self)

    def display_fields(self) -> list[tuple[str, Any]]:
        """Hours, sizes and the highest loading (see ``_shared.display.ShowsItself``)."""
        top = max_of([self.line_loading_pct, self.trafo_loading_pct])
        peak = None
        if top is not None:
            peak = f"{top[0]:.4g} ({element_name(self.element_ids, top[1], top[2])})"
        return [
            ("hours", span(self.hours)),
            ("lines", self.line_p_from_mw.shape[1]),
            ("trafos", self.trafo_p_hv_mw.shape[1]),
            ("buses", self.bus_va_degree.shape[1]),
            ("max_loading_pct", peak),
        ]

    def display_tables(self, *, brief: bool = False) -> dict[str, pd.DataFrame]:
        """Return the hours x element tables by name (`brief`: those with elements)."""
        names = ("line_p_from_mw", "trafo_p_hv_mw", "line_loading_pct", "trafo_loading_pct",
                 "ext_grid_p_mw", "gen_p_mw", "bus_va_degree")  # fmt: skip
        tables = {name: getattr(self, name) for name in names}
        if brief:
            return {n: f for n, f in tables.items() if f.shape[1] and not n.startswith("bus_va")}
        return tables

    def display_card(self) -> tuple[list[tuple[str, Any]], dict[str, pd.DataFrame]]:
        """Return nothing beyond the fields and tables."""
        return [], {}

    def to_frame(self) -> pd.DataFrame:
        """Tidy branch table, the ``flows`` table of :meth:`to_result`.

        Columns ``element`` (id), ``element_type`` (line, trafo), ``element_index``,
        ``period``, ``hour`` | ``snapshot`` | ``period_label``, ``p_mw``, ``loading_pct``;
        one row per branch and hour, period-major.
        """
        return self._flows()[0]

    def _flows(self) -> tuple[pd.DataFrame, bool]:
        flow = pd.concat([self.line_p_from_mw, self.trafo_p_hv_mw], axis=1)
        load = pd.concat([self.line_loading_pct, self.trafo_loading_pct], axis=1)
        types = np.repeat(
            np.array(_BRANCH_TABLES, dtype=object),
            [self.line_p_from_mw.shape[1], self.trafo_p_hv_mw.shape[1]],
        )
        n_hours, n_el = flow.shape
        return keyed_frame(
            self.element_ids,
            np.tile(types, n_hours),
            np.tile(flow.columns.to_numpy(dtype=np.int64), n_hours),
            self.hours,
            np.repeat(np.arange(n_hours), n_el),
            {"p_mw": flow.to_numpy().ravel(), "loading_pct": load.to_numpy().ravel()},
        )

    def to_result(self, *, model: str = "power") -> Result:
        """Wrap as a :class:`~corridor_sim.results.result.Result` in the standard schema.

        Tables ``flows`` (see :meth:`to_frame`) and ``utilisation`` (``utilisation_pct`` =
        ``loading_pct``, per branch and hour). Summary: ``max_loading`` (%, the element where
        it occurs), ``hours`` (h). ``meta["calendar"]`` says whether the hours are dates.
        """
        flows, calendar = self._flows()
        utilisation = _utilisation(flows)
        return Result(
            tables={"flows": flows, "utilisation": utilisation},
            summary_table=summary_frame(
                [_max_loading(flows), ("hours", float(len(self.hours)), "h")]
            ),
            meta={"model": model, "engine": "power", "calendar": calendar},
        )


def _utilisation(flows: pd.DataFrame) -> pd.DataFrame:
    util = flows.drop(columns=["p_mw", "loading_pct"])
    util["utilisation_pct"] = flows["loading_pct"].to_numpy()
    return util


def _max_loading(flows: pd.DataFrame) -> tuple[str, float, str, str]:
    if flows.empty or flows["loading_pct"].isna().all():
        return ("max_loading", 0.0, "%", "")
    row = flows.loc[flows["loading_pct"].idxmax()]
    return ("max_loading", float(row["loading_pct"]), "%", str(row["element"]))


@dataclass(frozen=True, slots=True, eq=False)
class N1Result:
    """Result of :func:`corridor_sim.engines.power.n_minus_1`.

    Attributes
    ----------
    worst : pandas.DataFrame
        One row per monitored in-service line / trafo: ``element, element_index,
        base_loading_pct`` (worst hour without outage), ``loading_pct`` (worst
        post-contingency loading), ``p_mw`` (the flow then), ``outage_element,
        outage_index, hour`` (what caused it). Sorted by ``loading_pct``, descending.
    by_outage : pandas.DataFrame
        One row per screened outage: ``outage_element, outage_index, islanding,
        loading_pct`` (highest post-contingency loading over elements and hours),
        ``element, element_index, hour`` (where) and ``n_violations``.
    violation_counts : pandas.DataFrame
        The violations, compact: one row per (outage, element) pair loaded above
        ``threshold_pct`` in some hour: ``outage_element, outage_index, element,
        element_index, n_hours`` (hours above the threshold), ``loading_pct, p_mw, hour``
        (the worst of them).
    islanding : pandas.DataFrame
        Outages that split the grid: ``outage_element, outage_index, n_islanded_buses,
        islanded_buses`` (pandapower bus indices) and ``cut_p_mw_max`` (largest absolute flow the
        outaged branch carried, i.e. the load/generation lost with the island).
    base : DCFlowResult
        Pre-contingency flows.
    threshold_pct : float
        Violation threshold used (%).
    ac : pandas.DataFrame or None
        The AC re-check of the worst cases (``n_minus_1(..., ac_check=...)``), see
        :func:`corridor_sim.engines.power.ac_check`; None when not asked for.

    In these tables ``element`` / ``outage_element`` are pandapower table names (``"line"``,
    ``"trafo"``); :meth:`to_result` gives element ids instead. The full list of violating
    (outage, hour, element) rows is :attr:`violations`.

    Examples
    --------
    Made by :func:`~corridor_sim.engines.power.n_minus_1`:

    >>> import pandapower.networks as pn
    >>> from corridor_sim.engines.power import n_minus_1
    >>> res = n_minus_1(pn.case9(), outages="lines")
    >>> row = res.worst.iloc[0]  # the most loaded line after its worst outage
    >>> int(row["element_index"]), int(row["outage_index"]), round(float(row["loading_pct"]), 1)
    (2, 7, 98.7)
    >>> len(res.by_outage)  # one row per screened line outage
    9
    """

    worst: pd.DataFrame
    by_outage: pd.DataFrame
    violation_counts: pd.DataFrame
    islanding: pd.DataFrame
    base: DCFlowResult
    threshold_pct: float
    _violations: pd.DataFrame | None = field(repr=False)
    _violations_note: str = field(repr=False)
    _binding_hours: pd.Series = field(repr=False)
    _post: Callable[[int], np.ndarray] = field(repr=False)
    _outages: dict[tuple[str, int], int] = field(repr=False)
    ac: pd.DataFrame | None = None

    @property
    def violations(self) -> pd.DataFrame:
        """Every (outage, hour, element) with ``loading_pct > threshold_pct``.

        Columns ``outage_element, outage_index, hour, element, element_index, p_mw,
        loading_pct``. Kept when ``n_minus_1(violations="full")``, or with the default
        ``"auto"`` while there are at most ``max_violation_rows`` of them.

        Raises
        ------
        SpecError
            If the full list was not kept (use :attr:`violation_counts`, or run with
            ``violations="full"``).
        """
        if self._violations is None:
            msg = (
                f"violations: the full list was not kept ({self._violations_note}); use "
                "violation_counts (one row per outage and element), or n_minus_1(..., "
                "violations='full')"
            )
            raise SpecError(msg)
        return self._violations

    # -- display --------------------------------------------------------------------
    def __repr__(self) -> str:
        """One line: size, key figure and the tables with their rows."""
        return engine_repr(self)

    def _repr_html_(self) -> str:
        """Return a card for notebooks: fields, key rows and the tables (rows, columns)."""
        return engine_html(self)

    def display_fields(self) -> list[tuple[str, Any]]:
        """Outages, violations and the worst case (see ``_shared.display.ShowsItself``)."""
        worst = None
        if len(self.worst):
            row = self.worst.iloc[0]
            ids = self.base.element_ids
            what = element_name(ids, str(row["element"]), int(row["element_index"]))
            cause = element_name(ids, str(row["outage_element"]), int(row["outage_index"]))
            worst = f"{float(row['loading_pct']):.4g} ({what} after {cause} out)"
        return [
            ("hours", span(self.base.hours)),
            ("outages_screened", len(self.by_outage)),
            ("violations", self.n_violations),
            ("islanding_outages", len(self.islanding)),
            ("worst_loading_pct", worst),
            ("threshold_pct", float(self.threshold_pct)),
            ("ac_checked", None if self.ac is None else len(self.ac)),
        ]

    def display_tables(self, *, brief: bool = False) -> dict[str, pd.DataFrame]:
        """Return the screen's tables (the full violations list only when it was kept)."""
        tables = {
            "worst": self.worst,
            "by_outage": self.by_outage,
            "violation_counts": self.violation_counts,
            "islanding": self.islanding,
        }
        if self.has_violation_rows:
            tables["violations"] = self.violations
        if self.ac is not None:
            tables["ac"] = self.ac
        return tables

    def display_card(self) -> tuple[list[tuple[str, Any]], dict[str, pd.DataFrame]]:
        """Return the base case's line and the first worst cases for the card."""
        head = f"worst cases (first {min(len(self.worst), CARD_WORST_ROWS)})"
        return [("base", repr(self.base))], {head: self.worst.head(CARD_WORST_ROWS)}

    @property
    def has_violation_rows(self) -> bool:
        """Whether :attr:`violations` (the full list) was kept."""
        return self._violations is not None

    @property
    def n_violations(self) -> int:
        """Number of violating (outage, hour, element) rows, kept or not."""
        return int(self.by_outage["n_violations"].sum()) if len(self.by_outage) else 0

    def post_flows(self, outage: tuple[str, int]) -> pd.DataFrame:
        """Post-contingency flows (MW) of every line and trafo for one screened `outage`.

        Returns hours x MultiIndex columns ``(element, element_index)``; out-of-service and
        islanded branches carry 0 MW, like ``res_line.p_from_mw`` / ``res_trafo.p_hv_mw``.
        Computed on demand from the factorisation (one sparse solve).
        """
        key = (str(outage[0]), int(outage[1]))
        if key not in self._outages:
            known = list(self._outages)[:3]
            msg = f"outage {outage!r} was not screened; screened outages are e.g. {known}"
            raise SpecError(msg)
        post = self._post(self._outages[key])
        lines, trafos = self.base.line_p_from_mw.columns, self.base.trafo_p_hv_mw.columns
        cols = [("line", int(i)) for i in lines] + [("trafo", int(i)) for i in trafos]
        columns = pd.MultiIndex.from_tuples(cols, names=["element", "element_index"])
        return pd.DataFrame(post, index=self.base.hours, columns=columns)

    def to_result(self, *, model: str = "power") -> Result:
        """Wrap as a :class:`~corridor_sim.results.result.Result` in the standard schema.

        Standard tables: ``flows`` and ``utilisation`` (pre-contingency, as
        :meth:`DCFlowResult.to_result`) and ``bottlenecks`` (elements loaded above
        ``threshold_pct`` after some outage: ``rank``, ``element``, ``element_type``,
        ``element_index``, ``binding_periods`` = hours with such a violation,
        ``loading_pct`` and ``base_loading_pct``). Other tables: ``worst``, ``n_minus_1``
        (= ``by_outage``), ``violation_counts``, ``violations`` (when the full list was
        kept), ``islanding`` and ``ac_check`` (when run), with element ids in ``element`` /
        ``outage`` and the pandapower reference in ``element_type``/``element_index`` /
        ``outage_type``/``outage_index``. Summary: ``worst_post_contingency_loading`` (%,
        with its element), ``violations``, ``islanding_outages``, ``outages_screened``
        (count), ``hours`` (h).
        """
        base = self.base.to_result(model=model)
        ids, hours = self.base.element_ids, self.base.hours
        worst = _with_ids(self.worst, ids, hours)
        top = ("worst_post_contingency_loading", 0.0, "%", "")
        if len(worst):
            top = (top[0], float(worst["loading_pct"].iloc[0]), "%", str(worst["element"].iloc[0]))
        summary = summary_frame(
            [
                top,
                ("violations", float(self.n_violations), "count"),
                ("islanding_outages", float(len(self.islanding)), "count"),
                ("outages_screened", float(len(self.by_outage)), "count"),
                ("hours", float(len(hours)), "h"),
            ]
        )
        tables = {
            **base.tables,
            "bottlenecks": _bottlenecks(worst, self._binding_hours),
            "worst": worst,
            "n_minus_1": _with_ids(self.by_outage, ids, hours),
            "violation_counts": _with_ids(self.violation_counts, ids, hours),
        }
        if self._violations is not None:
            tables["violations"] = _with_ids(self._violations, ids, hours)
        tables["islanding"] = _with_ids(self.islanding, ids, hours)
        if self.ac is not None:
            tables["ac_check"] = _with_ids(self.ac, ids, hours)
        meta = {**base.meta, "threshold_pct": float(self.threshold_pct)}
        return Result(tables=tables, summary_table=summary, meta=meta)


def _with_ids(frame: pd.DataFrame, ids: ElementIds, hours: pd.Index) -> pd.DataFrame:
    """Return an N-1 table with element / outage ids, and period keys where it has an hour."""
    out = frame.copy()
    for prefix, label in (("", "element"), ("outage_", "outage")):
        kind, index = f"{prefix}element", f"{prefix}index" if prefix else "element_index"
        if kind not in out:
            continue
        types = out[kind].to_numpy(dtype=object)
        indices = out[index].to_numpy(dtype=np.int64)
        at = out.columns.get_loc(kind)
        out = out.drop(columns=[kind])
        out.insert(at, label, ids_of(ids, types, indices))
        out.insert(at + 1, f"{label}_type" if prefix else "element_type", types)
    if "hour" in out and len(hours):
        position = pd.Series(np.arange(len(hours)), index=hours)
        period = position.groupby(level=0).first().reindex(out["hour"]).to_numpy(dtype=np.int64)
        time, _ = time_columns(hours, period)
        at = out.columns.get_loc("hour")
        out = out.drop(columns=["hour"])
        for offset, (name, values) in enumerate(time.items()):
            out.insert(at + offset, name, values)
    return out


def _bottlenecks(worst: pd.DataFrame, binding_hours: pd.Series) -> pd.DataFrame:
    """Elements violated after some outage, ranked by worst post-contingency loading."""
    if binding_hours.empty or worst.empty:
        frame = pd.DataFrame(
            {
                "element": pd.Series(dtype=object),
                "element_type": pd.Series(dtype=object),
                "element_index": pd.Series(dtype=np.int64),
                "binding_periods": pd.Series(dtype=np.int64),
                "loading_pct": pd.Series(dtype=float),
                "base_loading_pct": pd.Series(dtype=float),
            }
        )
    else:
        key = pd.MultiIndex.from_arrays([worst["element_type"], worst["element_index"]])
        hours = binding_hours.reindex(key).to_numpy()
        keep = worst[~np.isnan(hours)]
        frame = keep[["element", "element_type", "element_index"]].copy()
        frame["binding_periods"] = hours[~np.isnan(hours)].astype(np.int64)
        frame["loading_pct"] = keep["loading_pct"].to_numpy(dtype=float)
        frame["base_loading_pct"] = keep["base_loading_pct"].to_numpy(dtype=float)
        frame = frame.reset_index(drop=True)  # worst is sorted by loading_pct already
    frame.insert(0, "rank", np.arange(1, len(frame) + 1, dtype=np.int64))
    return frame

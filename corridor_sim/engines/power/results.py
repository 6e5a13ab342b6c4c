"""Result objects of :mod:`corridor_sim.engines.power`: :class:`DCFlowResult`, :class:`N1Result`.

Import them from :mod:`corridor_sim.engines.power`. Their attribute tables are indexed like
pandapower (hours x element index); ``to_result()`` turns them into a
:class:`~corridor_sim.results.result.Result` whose tables follow
:mod:`corridor_sim.results.schemas` (keys from :mod:`corridor_sim.engines._shared.tidy`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
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

__all__ = ["DCFlowResult", "N1Result", "take_hours"]

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


def take_hours(res: DCFlowResult, positions: np.ndarray) -> DCFlowResult:
    """`res` restricted to the hours at `positions` (in that order)."""
    return DCFlowResult(
        line_p_from_mw=res.line_p_from_mw.iloc[positions],
        trafo_p_hv_mw=res.trafo_p_hv_mw.iloc[positions],
        line_loading_pct=res.line_loading_pct.iloc[positions],
        trafo_loading_pct=res.trafo_loading_pct.iloc[positions],
        ext_grid_p_mw=res.ext_grid_p_mw.iloc[positions],
        gen_p_mw=res.gen_p_mw.iloc[positions],
        bus_va_degree=res.bus_va_degree.iloc[positions],
        element_ids=res.element_ids,
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
        (the worst of them). Read from the store on each access when the screen was
        stored (``n_minus_1(..., store_dir=...)``); :meth:`read_violation_counts` reads a
        selection.
    islanding : pandas.DataFrame
        Outages that split the grid: ``outage_element, outage_index, n_islanded_buses,
        islanded_buses`` (pandapower bus indices) and ``cut_p_mw_max`` (largest absolute flow the
        outaged branch carried, i.e. the load/generation lost with the island).
    base : DCFlowResult
        Pre-contingency flows; recomputed on each access when the screen was stored (it
        keeps no hourly flows then); :meth:`base_case` gives chosen hours.
    hours : pandas.Index
        The hours screened (the input tables' index).
    store_dir : pathlib.Path or None
        The directory holding the violations of a stored screen, else None.
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
    islanding: pd.DataFrame
    threshold_pct: float
    hours: pd.Index = field(repr=False)
    _element_ids: ElementIds = field(repr=False)
    _base: Callable[[np.ndarray | None], DCFlowResult] = field(repr=False)
    _counts: pd.DataFrame | None = field(repr=False)
    _violations: pd.DataFrame | None = field(repr=False)
    _violations_note: str = field(repr=False)
    _binding_hours: pd.Series = field(repr=False)
    _post: Callable[[int], np.ndarray] = field(repr=False)
    _outages: dict[tuple[str, int], int] = field(repr=False)
    _reader: Any = field(repr=False)  # contingency._Reader of a stored screen, else None
    ac: pd.DataFrame | None = None

    @property
    def base(self) -> DCFlowResult:
        """Pre-contingency flows of every hour (recomputed on each access when stored)."""
        return self._base(None)

    @property
    def store_dir(self) -> Path | None:
        """The directory of a stored screen (``n_minus_1(..., store_dir=...)``), else None."""
        return None if self._reader is None else self._reader.path

    @property
    def violation_counts(self) -> pd.DataFrame:
        """One row per violating (outage, element) pair (see the class docstring)."""
        if self._counts is not None:
            return self._counts
        return self._reader.violation_counts()

    def read_violation_counts(
        self,
        *,
        outages: list[tuple[str, int]] | None = None,
        elements: list[tuple[str, int]] | None = None,
    ) -> pd.DataFrame:
        """Return the rows of :attr:`violation_counts` of some outages and / or elements.

        A stored screen reads its files one outage block at a time and keeps the selected
        rows only, so the memory is that of the answer.

        Parameters
        ----------
        outages, elements : list of (element_type, index), optional
            Outages (``outage_element, outage_index``) and monitored elements (``element,
            element_index``) to keep, e.g. ``[("line", 3)]``; None keeps all.

        Returns
        -------
        pandas.DataFrame
            The columns of :attr:`violation_counts`, in its order.

        Raises
        ------
        SpecError
            An entry that is not a pair of element type and integer index.

        Examples
        --------
        >>> import pandapower.networks as pn
        >>> from corridor_sim.engines.power import n_minus_1
        >>> res = n_minus_1(pn.case9(), threshold_pct=50.0)
        >>> res.read_violation_counts(outages=[("line", 7)])[["element_index", "n_hours"]]
           element_index  n_hours
        0              2        1
        1              5        1
        2              6        1
        """
        if self._reader is None:
            frame = self.violation_counts
            keep = np.ones(len(frame), dtype=bool)
            if outages is not None:
                keep &= _matches(frame, ["outage_element", "outage_index"], outages, "outages")
            if elements is not None:
                keep &= _matches(frame, ["element", "element_index"], elements, "elements")
            return frame[keep].reset_index(drop=True)
        keys = self._reader.keys  # masks over the store's outage / element positions
        o_mask = e_mask = None
        if outages is not None:
            frame = pd.DataFrame({"kind": keys.out_kind, "index": keys.out_index})
            o_mask = _matches(frame, ["kind", "index"], outages, "outages")
        if elements is not None:
            frame = pd.DataFrame({"kind": keys.kind, "index": keys.index})
            e_mask = _matches(frame, ["kind", "index"], elements, "elements")
        return self._reader.violation_counts(o_mask, e_mask)

    def base_case(self, hours: list | pd.Index | None = None) -> DCFlowResult:
        """Pre-contingency flows of some `hours` (labels of :attr:`hours`), or of all.

        A stored screen recomputes them (``dc_flow`` on those hours only), an in-memory one
        selects them from :attr:`base`.

        Parameters
        ----------
        hours : list or pandas.Index, optional
            Hour labels, in the order wanted; None: every hour.

        Returns
        -------
        DCFlowResult
            The tables of :attr:`base`, restricted to `hours`.

        Raises
        ------
        SpecError
            An hour that was not screened.

        Examples
        --------
        >>> import pandas as pd
        >>> import pandapower.networks as pn
        >>> from corridor_sim.engines.power import n_minus_1
        >>> res = n_minus_1(pn.case9(), load_p_mw=pd.DataFrame({1: [90.0, 120.0, 60.0]}))
        >>> res.base_case([2, 0]).ext_grid_p_mw.round(1)
              0
        2  27.0
        0  57.0
        """
        if hours is None:
            return self._base(None)
        wanted = pd.Index(hours)
        positions = self.hours.get_indexer(wanted)
        if (positions < 0).any():
            bad = wanted[positions < 0][0]
            bad = bad.item() if isinstance(bad, np.generic) else bad
            msg = (
                f"hours: {bad!r} was not screened; expected labels of N1Result.hours "
                f"({span(self.hours)})"
            )
            raise SpecError(msg)
        return self._base(positions)

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
        if self._violations_note:
            msg = (
                f"violations: the full list was not kept ({self._violations_note}); use "
                "violation_counts (one row per outage and element), or n_minus_1(..., "
                "violations='full')"
            )
            raise SpecError(msg)
        if self._violations is not None:
            return self._violations
        return self._reader.violations()

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
            ids = self._element_ids
            what = element_name(ids, str(row["element"]), int(row["element_index"]))
            cause = element_name(ids, str(row["outage_element"]), int(row["outage_index"]))
            worst = f"{float(row['loading_pct']):.4g} ({what} after {cause} out)"
        return [
            ("hours", span(self.hours)),
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
            "islanding": self.islanding,
        }
        if self._reader is None:  # a stored screen's tables stay on disk until asked for
            tables["violation_counts"] = self.violation_counts
        if self.has_violation_rows and self._reader is None:
            tables["violations"] = self.violations
        if self.ac is not None:
            tables["ac"] = self.ac
        return tables

    def display_card(self) -> tuple[list[tuple[str, Any]], dict[str, pd.DataFrame]]:
        """Return the base case's line and the first worst cases for the card."""
        head = f"worst cases (first {min(len(self.worst), CARD_WORST_ROWS)})"
        fields: list[tuple[str, Any]] = [("store_dir", str(self.store_dir))]
        if self._reader is None:
            fields = [("base", repr(self.base))]
        return fields, {head: self.worst.head(CARD_WORST_ROWS)}

    @property
    def has_violation_rows(self) -> bool:
        """Whether :attr:`violations` (the full list) was kept."""
        return not self._violations_note

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
        lines, trafos = self._element_ids_columns()
        cols = [("line", int(i)) for i in lines] + [("trafo", int(i)) for i in trafos]
        columns = pd.MultiIndex.from_tuples(cols, names=["element", "element_index"])
        return pd.DataFrame(post, index=self.hours, columns=columns)

    def _element_ids_columns(self) -> tuple[pd.Index, pd.Index]:
        """Every line and trafo index of the net (the columns of the base-case tables)."""
        if self._reader is None:
            return self.base.line_p_from_mw.columns, self.base.trafo_p_hv_mw.columns
        first = self.base_case(self.hours[:1])
        return first.line_p_from_mw.columns, first.trafo_p_hv_mw.columns

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
        ids, hours = self._element_ids, self.hours
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
        if self.has_violation_rows:
            tables["violations"] = _with_ids(self.violations, ids, hours)
        tables["islanding"] = _with_ids(self.islanding, ids, hours)
        if self.ac is not None:
            tables["ac_check"] = _with_ids(self.ac, ids, hours)
        meta = {**base.meta, "threshold_pct": float(self.threshold_pct)}
        return Result(tables=tables, summary_table=summary, meta=meta)


def _matches(
    frame: pd.DataFrame, columns: list[str], wanted: list[tuple[str, int]], name: str
) -> np.ndarray:
    """Rows of `frame` whose (type, index) in `columns` is one of `wanted`."""
    pairs = []
    for item in wanted:
        if not (isinstance(item, tuple | list) and len(item) == 2 and isinstance(
            item[1], int | np.integer)):  # fmt: skip
            msg = (
                f"{name} entry {item!r}: expected a pair (element_type, index) such as ('line', 3)"
            )
            raise SpecError(msg)
        pairs.append((str(item[0]), int(item[1])))
    key = pd.MultiIndex.from_arrays([frame[columns[0]].astype(str), frame[columns[1]]])
    return np.asarray(key.isin(pairs), dtype=bool)


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

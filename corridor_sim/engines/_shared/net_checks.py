"""Checks of a user's pandapower net before the engines convert it.

pandapower itself turns a NaN voltage or line length into "Factor is exactly singular"
deep inside its solver, and a NaN cost into an LP the solver cannot read. Here every
in-service element's electrical values are checked first and the first bad one is named
the way ``pandapower.diagnostic`` names it: table, index, column and value.

:func:`fingerprint` is a cheap digest of the tables a DC model is built from, so that a
``model=`` passed to ``dc_flow`` or ``n_minus_1`` can be refused when it was built from a
different net, or from this net before it changed.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.errors import SpecError

__all__ = ["check_built_from", "check_net_values", "fingerprint"]

_POSITIVE = "a finite number > 0"
_FINITE = "a finite number"
_NONNEG = "a finite number >= 0"
_LIMIT = "a loading limit >= 0 % (NaN: no limit)"

#: (table, column, expected) checked on in-service rows; missing columns are skipped.
_RULES: tuple[tuple[str, str, str], ...] = (
    ("bus", "vn_kv", _POSITIVE),
    ("line", "length_km", _POSITIVE),
    ("line", "x_ohm_per_km", _FINITE),
    ("line", "r_ohm_per_km", _FINITE),  # negative in some equivalents (case145, case9241)
    ("line", "max_i_ka", _POSITIVE),
    ("line", "parallel", _POSITIVE),
    ("line", "max_loading_percent", _LIMIT),
    ("trafo", "sn_mva", _POSITIVE),
    ("trafo", "vn_hv_kv", _POSITIVE),
    ("trafo", "vn_lv_kv", _POSITIVE),
    ("trafo", "vk_percent", _FINITE),  # negative in some MATPOWER cases (series compensation)
    ("trafo", "vkr_percent", _FINITE),
    ("trafo", "shift_degree", _FINITE),
    ("trafo", "parallel", _POSITIVE),
    ("trafo", "max_loading_percent", _LIMIT),
    ("load", "p_mw", _FINITE),
    ("load", "scaling", _FINITE),
    ("sgen", "p_mw", _FINITE),
    ("sgen", "scaling", _FINITE),
    ("gen", "p_mw", _FINITE),
    ("gen", "scaling", _FINITE),
    ("storage", "p_mw", _FINITE),
    ("ext_grid", "va_degree", _FINITE),
)
_COST_COLUMNS = ("cp0_eur", "cp1_eur_per_mw", "cp2_eur_per_mw2")

#: Tables (and their columns) a DC model is built from; see :func:`fingerprint`.
_MODEL_TABLES = (
    "bus", "line", "trafo", "trafo3w", "impedance", "switch", "ext_grid", "gen", "sgen",
    "load", "storage", "shunt", "ward", "xward", "dcline",
)  # fmt: skip


def _bad(values: pd.Series, expected: str) -> np.ndarray:
    try:
        x = values.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    if expected == _LIMIT:
        return ~(np.isnan(x) | (x >= 0))
    ok = np.isfinite(x)
    if expected == _POSITIVE:
        ok &= x > 0
    elif expected == _NONNEG:
        ok &= x >= 0
    return ~ok


def _show(value: object) -> str:
    try:
        return repr(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return repr(value)


def _in_service(table: pd.DataFrame) -> np.ndarray:
    if "in_service" not in table.columns:
        return np.ones(len(table), dtype=bool)
    return table["in_service"].to_numpy(dtype=bool, na_value=False)


def _label(table: pd.DataFrame, index: object) -> str:
    name = table.at[index, "name"] if "name" in table.columns else None
    return f" ({name})" if isinstance(name, str) and name else ""


def check_net_values(net: pp.pandapowerNet, *, costs: bool = False) -> None:
    """Raise on the first in-service element with a NaN, infinite or impossible value.

    Parameters
    ----------
    net : pandapower.pandapowerNet
        The user's net (read only).
    costs : bool, default False
        Also check ``poly_cost`` (finite coefficients), for the dispatch.

    Raises
    ------
    SpecError
        Naming the net, the table, the element index (and name), the column, the value and
        what was expected, e.g. ``net 'case30': bus 3: vn_kv = nan; expected a finite number > 0``.
    """
    where = f"net {getattr(net, 'name', '') or '<unnamed>'!r}"
    active: dict[str, np.ndarray] = {}
    for name, column, expected in _RULES:
        table = net.get(name)
        if not isinstance(table, pd.DataFrame) or column not in table.columns or not len(table):
            continue
        if name not in active:
            active[name] = _in_service(table)
        bad = _bad(table[column], expected) & active[name]
        if bad.any():
            index = table.index[np.flatnonzero(bad)[0]]
            msg = (
                f"{where}: {name} {index}{_label(table, index)}: {column} = "
                f"{_show(table.at[index, column])}; expected {expected}"
            )
            raise SpecError(msg)
    if costs and isinstance(net.get("poly_cost"), pd.DataFrame):
        cost = net.poly_cost
        for column in _COST_COLUMNS:
            if column in cost.columns and len(cost):
                bad = _bad(cost[column], _FINITE)
                if bad.any():
                    row = cost.index[np.flatnonzero(bad)[0]]
                    msg = (
                        f"{where}: poly_cost row {row} ({cost.at[row, 'et']} "
                        f"{cost.at[row, 'element']}): {column} = {_show(cost.at[row, column])}; "
                        f"expected {_FINITE} of EUR"
                    )
                    raise SpecError(msg)


def fingerprint(net: pp.pandapowerNet) -> str:
    """Digest of the element tables a DC model reads (values, in-service flags, topology)."""
    digest = hashlib.blake2b(digest_size=16)
    for name in _MODEL_TABLES:
        table = net.get(name)
        if not isinstance(table, pd.DataFrame) or not len(table):
            digest.update(f"{name}:0;".encode())
            continue
        digest.update(f"{name}:{len(table)};".encode())
        digest.update(np.ascontiguousarray(table.index.to_numpy()).tobytes())
        for column, values in table.items():
            array = values.to_numpy()
            if array.dtype.kind in "biuf":
                digest.update(f"{column}:".encode())
                digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def check_built_from(built: str, net: pp.pandapowerNet) -> None:
    """Refuse `net` unless its :func:`fingerprint` is `built` (the model's, at build time).

    Raises
    ------
    SpecError
        `net`'s element tables differ from those the model was built from (another net,
        or this one changed since): rebuild with ``DCModel.from_net(net)``.
    """
    if built and built != fingerprint(net):
        name = getattr(net, "name", "") or "<unnamed>"
        msg = (
            f"model = a DCModel built from another net than {name!r}, or from it before it "
            "changed (its bus, branch or injection tables differ); expected "
            "DCModel.from_net(net) of this net as it is now"
        )
        raise SpecError(msg)

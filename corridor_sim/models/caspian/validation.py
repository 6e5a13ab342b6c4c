"""Validation of a Caspian corridor run against recorded figures, by role.

:func:`validation` compares a run of today's corridor (a model year up to the build-out's
base year, 2026: ``caspian_today``) with Azerbaijan's, Georgia's and Kazakhstan's recorded
generation and cross-border exchanges of a recent year (``caspian.record.*`` rows of the
catalogue, never read by the model itself). Each row says its role:

* ``input``: the model takes the figure (or the catalogue row it is computed from), so the
  row checks only the bookkeeping and the growth from the record's year to the model year;
* ``fitted``: a parameter was chosen to reproduce it (none here);
* ``predicted``: the dispatch computes it without the record; only these rows validate.

The table has the columns every model's ``validation`` table has: ``quantity``, ``role``,
``year`` (of the record), ``unit``, ``modelled``, ``recorded``, ``error_pct``
(``(modelled - recorded) / |recorded|``, %) and ``source`` (the catalogue ids of the record).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from corridor_sim.catalogue import fact, value
from corridor_sim.models.caspian.schedule import schedule_years
from corridor_sim.units import PERCENT

__all__ = ["COLUMNS", "ROLES", "validation"]

#: Columns of the ``validation`` table (shared by every model).
COLUMNS = ["quantity", "role", "year", "unit", "modelled", "recorded", "error_pct", "source"]
#: The roles a validation row may have; only ``predicted`` rows validate.
ROLES = ("input", "fitted", "predicted")
_TEXT = ("quantity", "role", "unit", "source")
_H1_MONTHS = range(1, 7)
_MONTHS = 12
_GWH_PER_TWH = 1000.0


def _net(stats: pd.DataFrame, link: str) -> float:
    return float(stats.at[link, "net_energy_twh"]) if link in stats.index else 0.0


def _az_net_export(stats: pd.DataFrame, gen: pd.DataFrame) -> float:
    """Azerbaijan (with Nakhchivan): net energy leaving over its borders (TWh)."""
    del gen
    out = sum(_net(stats, k) for k in ("az_ge", "nakhchivan_tr", "az_ru", "az_ir"))
    return out - _net(stats, "caspian_cable")


def _ge_net_export(stats: pd.DataFrame, gen: pd.DataFrame) -> float:
    """Georgia: net energy leaving to Türkiye and Romania less what Azerbaijan sends (TWh)."""
    del gen
    return _net(stats, "ge_tr") + _net(stats, "black_sea_cable") - _net(stats, "az_ge")


def _kz_net_export(stats: pd.DataFrame, gen: pd.DataFrame) -> float:
    """Kazakhstan: net energy to Uzbekistan (``kz_uz`` runs uz -> kz) and Azerbaijan (TWh)."""
    del gen
    return -_net(stats, "kz_uz") + _net(stats, "caspian_cable")


def _ge_h1(kind: str) -> Callable[[pd.DataFrame, pd.DataFrame], float]:
    def energy(stats: pd.DataFrame, gen: pd.DataFrame) -> float:
        del stats
        rows = gen[(gen["element"] == "ge") & (gen["kind"] == kind)]
        rows = rows[rows["month"].isin(_H1_MONTHS)]
        return float(rows["energy_gwh"].sum()) / _GWH_PER_TWH

    energy.__doc__ = f"Georgia's {kind} output, January to June (TWh)."
    return energy


def _record(*ids: str) -> float:
    """Return the recorded value: the first id less the others (an export less an import)."""
    first, *rest = (value(i, unit="TWh") for i in ids)
    return first - sum(rest)


#: quantity -> (role, unit, modelled from (link_statistics by element, generation), record ids)
_ROWS: Mapping[str, tuple[str, str, Callable[[pd.DataFrame, pd.DataFrame], float], tuple]] = {
    "Georgia hydro generation, January-June": (
        "input", "TWh", _ge_h1("hydro"), ("caspian.record.ge.hydro_h1_2023",)
    ),
    "Azerbaijan net electricity export": (
        "predicted", "TWh", _az_net_export,
        ("caspian.record.az.export_2023", "caspian.record.az.import_2023"),
    ),
    "Georgia net electricity export": (
        "predicted", "TWh", _ge_net_export, ("caspian.record.ge.net_export_2023",)
    ),
    "Georgia thermal generation, January-June": (
        "predicted", "TWh", _ge_h1("gas"), ("caspian.record.ge.thermal_h1_2023",)
    ),
    "Kazakhstan net electricity export": (
        "predicted", "TWh", _kz_net_export,
        ("caspian.record.kz.export_2023", "caspian.record.kz.import_2023"),
    ),
}  # fmt: skip


def validation(year: int, link_statistics: pd.DataFrame, generation: pd.DataFrame) -> pd.DataFrame:
    """Compare a run of today's corridor with recorded figures (see the module docstring).

    Parameters
    ----------
    year : int
        The run's model year; a run after the build-out's base year (2026) is not today's
        corridor, and a run shorter than a year does not cover the records: their table is
        empty (with the columns).
    link_statistics, generation : DataFrame
        The run's tables of the same names (a full year: the records are annual or
        half-yearly).

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, one row per quantity: Georgia's hydro output is an input (its
        capacity times the catalogue's capacity factor), the cross-border exchanges and
        Georgia's thermal output are predicted.
    """
    base, _ = schedule_years()
    if year > base or generation["month"].nunique() < _MONTHS:
        dtypes = {c: object if c in _TEXT else "int64" if c == "year" else float for c in COLUMNS}
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})
    stats = link_statistics.set_index("element")
    rows = []
    for quantity, (role, unit, modelled_by, ids) in _ROWS.items():
        modelled = modelled_by(stats, generation)
        recorded = _record(*ids)
        error = (modelled - recorded) / abs(recorded) * PERCENT if recorded else float("nan")
        rows.append((quantity, role, int(fact(ids[0]).year or year), unit, modelled, recorded,
                     error, " - ".join(ids)))  # fmt: skip
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.astype({"year": "int64"})

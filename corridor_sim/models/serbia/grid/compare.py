"""The model grid against EMS's published line counts and lengths.

EMS (``serbia.grid.ems.kv400.*``, ``kv220.*``) gives the number and length of its 400 kV
and 220 kV overhead lines on 31 December 2020. :func:`ems_comparison` counts the same in
the model grid of a year: every line with at least one end in Serbia (Serbia's own lines
and its tie lines, Kosovo's internal lines not), one per circuit, in service or not (a tie
opened for the study is still built), and its length inside Serbia: a line between two
Serbian stations whole, a tie line up to the border (``data/tie_border.csv``, made by
``tools/serbia_tie_border.py``; the planned Trans-Balkan ties to the neighbours'
equivalents by their catalogue length, which is the Serbian part).
``tools/serbia_ems_conventions.py`` prints the same comparison under other readings of EMS's
count (a double-circuit line once; Kosovo's lines included).
"""

from __future__ import annotations

import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.errors import CorridorSimError
from corridor_sim.models.serbia.grid.stored import tie_km_in_serbia
from corridor_sim.models.serbia.grid.tables import grid_tables
from corridor_sim.models.serbia.values import cv

__all__ = ["EMS_YEAR", "ems_comparison", "serbian_lines"]

#: The date of EMS's figures (31 December of this year).
EMS_YEAR = 2020


def serbian_lines(year: int, *, planned: bool = False) -> pd.DataFrame:
    """Lines with at least one end in Serbia in the grid of `year`, with their Serbian length.

    Parameters
    ----------
    year : int
        Model year (changes in service by then).
    planned : bool, default False
        Include planned changes (EMS counts what is built).

    Returns
    -------
    pandas.DataFrame
        One row per line: ``id``, ``name``, ``voltage_kv`` (400 or 220), ``kind``
        (``rs`` or ``tie``), ``circuits``, ``length_km`` (the whole line) and
        ``length_in_serbia_km`` (per circuit), ``source``.

    Raises
    ------
    CorridorSimError
        If a tie line has no Serbian length in ``tie_border.csv``.

    Examples
    --------
    >>> t = serbian_lines(2020)
    >>> float(t.loc[t["id"] == "line_14671", "length_in_serbia_km"].iloc[0])  # Pančevo 2 – Reșița
    56.3
    """
    lines = grid_tables(year, None, planned=planned).lines
    lines = lines[lines["kind"].isin(("rs", "tie"))].copy()
    internal = cv("serbia.neighbour.internal_km", "km")
    ties = tie_km_in_serbia()
    km = []
    for r in lines.itertuples(index=False):
        if r.kind == "rs":
            km.append(float(r.length_km))
        elif r.id in ties:
            km.append(ties[r.id])
        elif str(r.to).startswith("hub_"):
            km.append(float(r.length_km) - internal)
        else:
            msg = (
                f"tie line {r.id!r} ({r.name}): no length inside Serbia in tie_border.csv; "
                "expected a row there (tools/serbia_tie_border.py)"
            )
            raise CorridorSimError(msg)
    return pd.DataFrame(
        {
            "id": lines["id"].to_numpy(),
            "name": lines["name"].to_numpy(),
            "voltage_kv": [400 if v > 300 else 220 for v in lines["vn_kv"]],
            "kind": lines["kind"].to_numpy(),
            "circuits": lines["parallel"].astype(int).to_numpy(),
            "length_km": lines["length_km"].astype(float).to_numpy(),
            "length_in_serbia_km": km,
            "source": lines["source"].to_numpy(),
        }
    )


def ems_comparison(year: int = EMS_YEAR, *, planned: bool = False) -> pd.DataFrame:
    """Line counts and lengths by voltage: the model grid of `year` against EMS's figures.

    Parameters
    ----------
    year : int, default 2020
        Model year; EMS's figures are of 31 December 2020.
    planned : bool, default False
        Include planned changes.

    Returns
    -------
    pandas.DataFrame
        One row per voltage (400, 220): ``lines_model``, ``lines_ems``, ``lines_error_pct``,
        ``length_model_km``, ``length_ems_km``, ``length_error_pct`` (model minus EMS, in %
        of EMS).

    Examples
    --------
    >>> t = ems_comparison()
    >>> t["voltage_kv"].tolist(), t["lines_ems"].tolist()
    ([400, 220], [38, 47])
    """
    lines = serbian_lines(year, planned=planned)
    rows = []
    for kv in (400, 220):
        sel = lines[lines["voltage_kv"] == kv]
        n = int(sel["circuits"].sum())
        km = float((sel["circuits"] * sel["length_in_serbia_km"]).sum())
        n_ems = int(value(f"serbia.grid.ems.kv{kv}.lines", unit="lines"))
        km_ems = value(f"serbia.grid.ems.kv{kv}.length", unit="km")
        rows.append(
            {
                "voltage_kv": kv,
                "lines_model": n,
                "lines_ems": n_ems,
                "lines_error_pct": 100 * (n - n_ems) / n_ems,
                "length_model_km": km,
                "length_ems_km": km_ems,
                "length_error_pct": 100 * (km - km_ems) / km_ems,
            }
        )
    return pd.DataFrame(rows)

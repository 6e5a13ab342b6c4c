"""Count the Serbian grid against EMS's figures under other counting conventions.

``corridor_sim.models.serbia.grid.compare.ems_comparison`` counts every line with at least
one end in Serbia, one per circuit, ties up to the border. EMS does not publish how it
counts, so this script prints what the model grid of 2020 gives under the readings that
could explain the gap in the line counts (docs/serbia.md, "The grid against EMS's
figures"):

* ``per circuit`` — the model's convention;
* ``per line`` — a double-circuit line counted once, its length once;
* ``with Kosovo`` — Kosovo's internal lines and Kosovo's part of its ties counted too, as
  if EMS's figures still held the assets it claims there (KOSTT has run them since 1999
  and its own control area since December 2020); Kosovo's part of a tie is cut at the
  Natural Earth borders as in ``tools/serbia_tie_border.py``;
* ``with Kosovo, without Kosovo B – Kashar`` — less the tie KOSTT built in 2016.

Usage::

    python tools/serbia_ems_conventions.py

Nothing is stored: the script only reads the stored extract and prints a table.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.models.serbia.grid.compare import EMS_YEAR, serbian_lines
from corridor_sim.models.serbia.grid.stored import read_tables
from corridor_sim.plotting.basemap import load_basemap

_TIE_BORDER = Path(__file__).resolve().parent / "serbia_tie_border.py"


def _route_share_inside() -> Callable[..., tuple[float, int]]:
    """``route_share_inside`` of tools/serbia_tie_border.py (a script, not a package)."""
    spec = importlib.util.spec_from_file_location("serbia_tie_border", _TIE_BORDER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.route_share_inside


def kosovo_additions() -> pd.DataFrame:
    """Kosovo's lines (circuits, km in Kosovo) by voltage, and the Kosovo B – Kashar tie."""
    t = read_tables()
    country = dict(zip(t.buses["bus_id"], t.buses["country"], strict=True))
    where = {b.bus_id: (float(b.x), float(b.y)) for b in t.buses.itertuples()}
    borders = [
        (line[i], line[i + 1]) for line in load_basemap().borders for i in range(len(line) - 1)
    ]
    share_inside = _route_share_inside()
    rows = []
    for ln in t.lines.itertuples():
        c0, c1 = country[ln.bus0], country[ln.bus1]
        if "XK" not in (c0, c1):
            continue
        km = float(ln.length_m) / 1e3
        n = int(ln.circuits)
        if c0 == c1:
            part = km
        else:
            home = where[ln.bus0 if c0 == "XK" else ln.bus1]
            part = share_inside(home, ln.geometry, borders)[0] * km
        rows.append(
            {
                "line_id": ln.line_id,
                "voltage_kv": 400 if int(ln.voltage) > 300 else 220,
                "other_end": c1 if c0 == "XK" else c0,
                # a Serbia–Kosovo tie is already counted: only its Kosovo km are added
                "circuits": 0 if "RS" in (c0, c1) else n,
                "km_in_kosovo": n * part,
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    """Print the counts and lengths of the grid of 2020 under each convention."""
    lines = serbian_lines(EMS_YEAR)
    xk = kosovo_additions()
    kashar = xk[xk["other_end"] == "EXT"]
    out = []
    for kv in (400, 220):
        sel = lines[lines["voltage_kv"] == kv]
        ems_n = value(f"serbia.grid.ems.kv{kv}.lines", unit="lines")
        ems_km = value(f"serbia.grid.ems.kv{kv}.length", unit="km")
        per_circuit = (sel["circuits"].sum(), (sel["circuits"] * sel["length_in_serbia_km"]).sum())
        per_line = (len(sel), sel["length_in_serbia_km"].sum())
        k = xk[xk["voltage_kv"] == kv]
        kk = kashar[kashar["voltage_kv"] == kv]
        with_xk = (per_circuit[0] + k["circuits"].sum(), per_circuit[1] + k["km_in_kosovo"].sum())
        no_kashar = (with_xk[0] - kk["circuits"].sum(), with_xk[1] - kk["km_in_kosovo"].sum())
        for name, (n, km) in (
            ("per circuit (model)", per_circuit),
            ("per line", per_line),
            ("with Kosovo", with_xk),
            ("with Kosovo, without Kosovo B – Kashar", no_kashar),
        ):
            out.append(
                {
                    "voltage_kv": kv,
                    "convention": name,
                    "lines": int(n),
                    "lines_error_pct": round(100 * (n - ems_n) / ems_n, 1),
                    "km": round(float(km), 1),
                    "km_error_pct": round(100 * (km - ems_km) / ems_km, 1),
                }
            )
    print(pd.DataFrame(out).to_string(index=False))


if __name__ == "__main__":
    main()

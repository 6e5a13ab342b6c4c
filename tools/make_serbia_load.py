"""Make the measured hourly load of Serbia (two years) for the load model's validation.

corridor_sim does **not** ship this file (its sources are public repositories the user
clones; never commit it). Run this script on the clones, then point the environment variable
``CORRIDOR_SIM_SERBIA_LOAD`` at the file it writes (default: the package data path
``corridor_sim/models/serbia/validation/data/load_rs.csv.gz``, read when the variable is
unset). Without the file, the measured-load tables, figure, validation rows and option
``load_profile = "measured_*"`` are unavailable (``MeasuredLoadMissingError``).

Sources
-------
Both are ENTSO-E's hourly "actual total load" of the Serbian control area (EMS), which until
December 2020 included Kosovo (KOSTT has run its own control area since then):

* **2015** -- Open Power System Data's compilation of the ENTSO-E data
  (https://data.open-power-system-data.org/time_series/), as republished in the course
  repository https://github.com/martavp/integrated-energy-grids, file
  ``integrated-energy-grids/Problems/data/electricity_demand.csv`` (column ``SRB``, MW,
  ``utc_time``; the folder's ``License.txt``: CC-BY-4.0; the course text: "The electricity
  demand time series were obtained from ENTSOE through the very convenient compilation
  carried out by the Open Power System Data (OPSD)").
* **2016** -- the database of the JRC's Dispa-SET model,
  https://github.com/energy-modelling-toolkit/Dispa-SET, file
  ``Database/TotalLoadValue/RS/1h/2016.csv`` (``TotalLoadValue`` is the ENTSO-E
  Transparency Platform's field of the actual total load; MW, hourly, UTC; the repository's
  licence: EUPL-1.2).

Usage::

    python tools/make_serbia_load.py COURSE_GIT_DIR DISPASET_GIT_DIR [OUT_FILE]
    export CORRIDOR_SIM_SERBIA_LOAD=OUT_FILE

Steps: read the two files with ``git show HEAD:<path>``; hours from UTC to Central European
(winter) time, UTC+1, all year (the model's hours carry no daylight saving); one 365-day
year of 8,760 hours from 1 January 00:00 per year (29 February 2016 dropped; the first hour,
before the source files start, repeats the second); rounded to 1 MW. Columns: ``year``,
``hour`` (0..8759), ``load_mw``. Prints each year's energy, peak and the hours filled.
"""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd

OUT = (
    Path(__file__).resolve().parents[1]
    / "corridor_sim/models/serbia/validation/data/load_rs.csv.gz"
)
COURSE_FILE = "integrated-energy-grids/Problems/data/electricity_demand.csv"
DISPASET_FILE = "Database/TotalLoadValue/RS/1h/2016.csv"
HOURS = 8760


def _show(git_dir: Path, path: str) -> str:
    cmd = ["git", f"--git-dir={git_dir}", "show", f"HEAD:{path}"]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def _year(utc: pd.Series, year: int) -> tuple[pd.Series, int]:
    """One 365-day year of CET (UTC+1) hours from `utc` (an hourly series on a UTC index)."""
    cet = utc.copy()
    cet.index = cet.index.tz_localize(None) + pd.Timedelta(hours=1)
    cet = cet[~((cet.index.month == 2) & (cet.index.day == 29))]
    start = pd.Timestamp(year=year, month=1, day=1)
    idx = pd.date_range(start, periods=HOURS + 24, freq="h")
    idx = idx[~((idx.month == 2) & (idx.day == 29))][:HOURS]
    out = cet.reindex(idx)
    missing = int(out.isna().sum())
    out = out.interpolate(limit_direction="both")
    return pd.Series(out.round().astype(int).to_numpy(), name="load_mw"), missing


def main(argv: list[str]) -> int:
    """Write the two years; print their energy, peak and filled hours."""
    if len(argv) < 3:
        print(__doc__)
        return 2
    course, dispaset = Path(argv[1]), Path(argv[2])
    out = Path(argv[3]) if len(argv) > 3 else OUT
    a = pd.read_csv(io.StringIO(_show(course, COURSE_FILE)), sep=";", index_col=0)
    a.index = pd.to_datetime(a.index, utc=True)
    b = pd.read_csv(io.StringIO(_show(dispaset, DISPASET_FILE)), header=None, index_col=0)
    b.index = pd.to_datetime(b.index, utc=True)
    frames = []
    for year, utc in ((2015, a["SRB"]), (2016, b.iloc[:, 0])):
        load, missing = _year(utc.astype(float), year)
        frames.append(pd.DataFrame({"year": year, "hour": range(HOURS), "load_mw": load}))
        print(f"{year}: {load.sum() / 1e6:.2f} TWh, peak {load.max()} MW, {missing} hours filled")
    text = pd.concat(frames).to_csv(index=False, lineterminator="\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(out, "wb", mtime=0) as fh:  # mtime 0: the same bytes on every run
        fh.write(text.encode("utf-8"))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Make ``corridor_sim/models/caspian/data/europe_price_ro.csv.gz``: a year of hourly prices.

Not run at install or test time: the package ships the file this script writes, so the
Caspian model's European price profile needs no download. Run it again only to change the
source or the year.

Source
------
Day-ahead prices of the Romanian bidding zone (the Black Sea cable's landing) published on
the ENTSO-E Transparency Platform (https://transparency.entsoe.eu, "Day-ahead prices"),
as scraped once a day, for the next day, by the public repository
https://github.com/laurabejder/european_energy_prices (file
``data/prices_today_hourly.csv``: one table per commit, 24 hourly prices per country in
EUR/MWh, delivery hours in CET/CEST). Its history holds the days from January 2023 to
20 August 2024. ENTSO-E publishes these data for reuse with attribution to the Transparency
Platform; the repository only copies them.

Usage::

    python tools/make_caspian_europe_price.py GIT_DIR [OUT_FILE]

``GIT_DIR`` is a clone (bare or not) of the repository above. Steps: for every calendar day
take the last commit of that date (the table of that delivery day); convert the delivery
hours from Europe/Brussels time to UTC; build one non-leap year of 8,760 UTC hours from
1 January 00:00, each day taken from 2024 when that day exists there (1 January to
20 August) and from 2023 otherwise (21 August to 31 December), 29 February dropped; hours
without data (missing days, the shifted hour of the DST change) are filled by linear
interpolation; round to 0.01 EUR/MWh. Columns: ``hour`` (0..8759, UTC from 1 January
00:00), ``price_eur_per_mwh``.
"""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

FILE = "data/prices_today_hourly.csv"
COUNTRY = "Romania"
HOURS_PER_YEAR = 8760
OUT = (
    Path(__file__).resolve().parents[1] / "corridor_sim/models/caspian/data/europe_price_ro.csv.gz"
)


def _git(git_dir: Path, *args: str) -> str:
    cmd = ["git", f"--git-dir={git_dir}", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def daily_tables(git_dir: Path) -> dict[pd.Timestamp, pd.Series]:
    """Delivery day -> the 24 (or 23/25) hourly Romanian prices of that day, CET/CEST."""
    log = _git(git_dir, "log", "--format=%H %ad", "--date=short", "--", FILE).split("\n")
    out: dict[pd.Timestamp, pd.Series] = {}
    for line in reversed([x for x in log if x.strip()]):  # oldest first: the last commit wins
        commit, day = line.split()
        try:
            text = _git(git_dir, "show", f"{commit}:{FILE}")
        except subprocess.CalledProcessError:
            continue
        table = pd.read_csv(io.StringIO(text))
        if COUNTRY not in table or "mtu" not in table:
            continue
        table = table[table["mtu"].astype(str).str.fullmatch(r"[0-2]\d:00 - [0-2]\d:00")]
        prices = pd.to_numeric(table[COUNTRY], errors="coerce")
        if prices.notna().sum() >= 20:  # a day with data (skips the few garbled commits)
            out[pd.Timestamp(day)] = pd.Series(prices.to_numpy(), index=table["mtu"].astype(str))
    return out


def to_utc(day: pd.Timestamp, prices: pd.Series) -> pd.Series:
    """Prices of one delivery day indexed by the UTC start of each hour."""
    starts = [day + pd.Timedelta(hours=int(mtu[:2])) for mtu in prices.index]
    local = pd.DatetimeIndex(starts).tz_localize(
        "Europe/Brussels", ambiguous="NaT", nonexistent="NaT"
    )
    series = pd.Series(prices.to_numpy(), index=local)
    series = series[series.index.notna()]
    return series.tz_convert("UTC").tz_localize(None)


def model_year(days: dict[pd.Timestamp, pd.Series]) -> pd.Series:
    """8,760 UTC hours of a non-leap year, each day from 2024 where present, else 2023."""
    utc = pd.concat([to_utc(d, p) for d, p in sorted(days.items())])
    utc = utc[~utc.index.duplicated(keep="last")]
    frame = pd.DataFrame({"price": utc})
    frame["year"] = frame.index.year
    frame["key"] = frame.index.strftime("%m-%d %H")
    frame = frame[frame["key"].str[:5] != "02-29"]
    pick = frame[frame["year"] == 2024]
    rest = frame[(frame["year"] == 2023) & ~frame["key"].isin(pick["key"])]
    chosen = pd.concat([pick, rest]).set_index("key")["price"]
    hours = pd.date_range("2023-01-01", periods=HOURS_PER_YEAR, freq="h")  # a non-leap year
    series = chosen.reindex(hours.strftime("%m-%d %H")).to_numpy(dtype=float)
    filled = pd.Series(series).interpolate(limit_direction="both").to_numpy()
    return pd.Series(np.round(filled, 2), index=pd.RangeIndex(HOURS_PER_YEAR, name="hour"))


def main(argv: list[str]) -> int:
    """Write the profile; print how many hours came from data and the annual mean."""
    if len(argv) < 2:
        print(__doc__)
        return 2
    git_dir = Path(argv[1])
    out = Path(argv[2]) if len(argv) > 2 else OUT
    days = daily_tables(git_dir)
    year = model_year(days)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = year.rename("price_eur_per_mwh").to_frame().to_csv(lineterminator="\n")
    with gzip.GzipFile(out, "wb", mtime=0) as fh:  # mtime 0: the same bytes on every run
        fh.write(text.encode("utf-8"))
    print(f"{len(days)} days of data; mean {year.mean():.2f} EUR/MWh; wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Make ``corridor_sim/models/serbia/market/data/power_price_rs.csv.gz``: a year of hourly prices.

Not run at install or test time: the package ships the file this script writes, so the
Serbian market needs no download. Run it again only to change the source or the year.

Source
------
Day-ahead prices of the Serbian bidding zone (SEEPEX) published on the ENTSO-E Transparency
Platform (https://transparency.entsoe.eu, "Day-ahead prices"), as scraped once a day, for
the next day, by the public repository https://github.com/laurabejder/european_energy_prices
(file ``data/prices_today_hourly.csv``, column ``Serbia``: one table per commit, 24 hourly
prices per country in EUR/MWh, delivery hours in CET/CEST). Its history holds the days from
January 2023 to 20 August 2024. ENTSO-E publishes these data for reuse with attribution to
the Transparency Platform; the repository only copies them.

Usage::

    python tools/make_serbia_power_price.py GIT_DIR [OUT_FILE]

``GIT_DIR`` is a clone (bare or not) of the repository above. The steps are those of
``tools/make_caspian_europe_price.py`` (which this script imports), for the column
``Serbia`` instead of ``Romania``: for every calendar day the last commit of that date;
delivery hours from Europe/Brussels time to UTC; one non-leap year of 8,760 UTC hours from
1 January 00:00, each day from 2024 where present (1 January to 20 August), else from 2023;
29 February dropped; missing hours interpolated; rounded to 0.01 EUR/MWh. Columns: ``hour``
(0..8759), ``price_eur_per_mwh``. Prints how many days came from data, the mean, the
minimum and the maximum.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_caspian_europe_price as base

OUT = (
    Path(__file__).resolve().parents[1]
    / "corridor_sim/models/serbia/market/data/power_price_rs.csv.gz"
)


def main(argv: list[str]) -> int:
    """Write the Serbian profile; print the days of data and the price statistics."""
    if len(argv) < 2:
        print(__doc__)
        return 2
    base.COUNTRY = "Serbia"
    git_dir = Path(argv[1])
    out = Path(argv[2]) if len(argv) > 2 else OUT
    days = base.daily_tables(git_dir)
    year = base.model_year(days)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = year.rename("price_eur_per_mwh").to_frame().to_csv(lineterminator="\n")
    with gzip.GzipFile(out, "wb", mtime=0) as fh:  # mtime 0: the same bytes on every run
        fh.write(text.encode("utf-8"))
    print(
        f"{len(days)} days of data; mean {year.mean():.2f}, min {year.min():.2f}, "
        f"max {year.max():.2f} EUR/MWh; wrote {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

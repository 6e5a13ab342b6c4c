"""Measured hourly day-ahead prices of the Serbian bidding zone (SEEPEX), stored small.

``data/power_price_rs.csv.gz``: 8,760 hours (UTC from 1 January 00:00, a non-leap year) of
the ENTSO-E Transparency Platform's day-ahead prices for Serbia, 1 January – 20 August from
2024 and 21 August – 31 December from 2023, made by ``tools/make_serbia_power_price.py``
(licence and source in ``data/README.md``). Mean 92.61 EUR/MWh, minimum 0.00, maximum
746.02 EUR/MWh.

Examples
--------
>>> p = measured_price_eur_per_mwh()
>>> len(p), round(float(p.mean()), 2)
(8760, 92.61)
"""

from __future__ import annotations

import functools
import gzip
import io
from importlib import resources

import numpy as np
import pandas as pd

__all__ = ["PRICE_FILE", "measured_price_eur_per_mwh"]

#: The stored file (in ``corridor_sim/models/serbia/market/data``).
PRICE_FILE = "power_price_rs.csv.gz"


@functools.cache
def _read() -> np.ndarray:
    raw = resources.files("corridor_sim.models.serbia.market").joinpath("data", PRICE_FILE)
    text = gzip.decompress(raw.read_bytes()).decode("utf-8")
    frame = pd.read_csv(io.StringIO(text))
    return frame["price_eur_per_mwh"].to_numpy(dtype=float)


def measured_price_eur_per_mwh() -> np.ndarray:
    """Return the 8,760 measured hourly day-ahead prices of Serbia (EUR/MWh, a copy)."""
    return _read().copy()

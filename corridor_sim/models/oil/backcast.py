"""The 2023 backcast: the model with 2023's offered volumes against 2023's public loadings.

KazTransOil reported the crude loaded at Aktau in 2023 by destination (1.392 Mt toward Baku,
1.984 Mt toward Makhachkala, 3.376 Mt in all) and after nine months (990.2 kt, 1,494.6 kt);
the Azerbaijani energy minister said 12–14 tankers a month brought Kazakh crude. The model is
run with the annual volumes offered evenly over the year and compared side by side.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from corridor_sim.catalogue import fact, value
from corridor_sim.errors import ScenarioError
from corridor_sim.units import THOUSAND

__all__ = ["BACKCAST_YEAR", "Overridden", "backcast_overrides", "backcast_table"]

#: The year with public loadings by destination.
BACKCAST_YEAR = 2023
#: A model figure within this share of a single public figure counts as reproduced.
TOLERANCE_PCT = 10.0


class Overridden:
    """A scenario seen with other overrides (everything else passed through)."""

    def __init__(self, scenario: Any, overrides: dict) -> None:  # noqa: ANN401
        self._scenario = scenario
        self.overrides = dict(overrides)

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - the wrapped scenario's fields
        return getattr(self._scenario, name)


def backcast_overrides(year: int, overrides: dict) -> dict:
    """Return the overrides of the backcast: 2023's Baku-bound loadings offered (unless given)."""
    if year != BACKCAST_YEAR:
        msg = f"options.study = 'backcast': year = {year}; expected {BACKCAST_YEAR}"
        raise ScenarioError(msg)
    out = dict(overrides)
    out.setdefault("kazakh_volume_mt_per_yr", value("oil.aktau.loadings_baku_2023", unit="Mt"))
    return out


def _row(quantity: str, model: float, ids: list[str], unit: str) -> tuple:
    figures = [value(i, unit=fact(i, record=False).unit) for i in ids]
    low, high = min(figures), max(figures)
    c = fact(ids[0], record=False)
    if c.low is not None and c.high is not None:
        low, high = min(low, c.low), max(high, c.high)
    slack = TOLERANCE_PCT / 100 * (high if len(ids) == 1 and low == high else 0)
    ok = low - slack - 1e-9 <= model <= high + slack + 1e-9
    return (quantity, model, low, high, unit, ok, "; ".join(ids))


def backcast_table(monthly: pd.DataFrame, calls_per_month: float) -> pd.DataFrame:
    """Compare the model with public 2023 figures, one row per quantity.

    Columns ``quantity, model, public_low, public_high, unit, within, source_ids``.

    Parameters
    ----------
    monthly : DataFrame
        The run's ``monthly_flows`` (per arc and month, ``flow_kt``).
    calls_per_month : float
        The run's ``baku_tanker_calls_per_month``.
    """
    lane = monthly.groupby("element")
    baku = lane.get_group("tanker_lane")
    makh = lane.get_group("makhachkala_lane")
    nine = monthly["period"] < 9  # noqa: PLR2004 - January–September
    baku9 = float(baku.loc[nine[baku.index], "flow_kt"].sum())
    makh9 = float(makh.loc[nine[makh.index], "flow_kt"].sum())
    rows = [
        _row(
            "Aktau -> Baku, 2023",
            float(baku["flow_kt"].sum()) / THOUSAND,
            ["oil.aktau.loadings_baku_2023", "oil.abc.volume_2023"],
            "Mt",
        ),
        _row(
            "Aktau -> Makhachkala, 2023",
            float(makh["flow_kt"].sum()) / THOUSAND,
            ["oil.aktau.loadings_makhachkala_2023"],
            "Mt",
        ),
        _row(
            "Aktau loadings, all destinations, 2023",
            float(baku["flow_kt"].sum() + makh["flow_kt"].sum()) / THOUSAND,
            ["oil.aktau.loadings_total_2023"],
            "Mt",
        ),
        _row(
            "Aktau -> Baku, January–September 2023",
            baku9,
            ["oil.aktau.loadings_baku_9m_2023"],
            "kt",
        ),
        _row(
            "Aktau -> Makhachkala, January–September 2023",
            makh9,
            ["oil.aktau.loadings_makhachkala_9m_2023"],
            "kt",
        ),
        _row(
            "Tanker calls at Baku per month",
            calls_per_month,
            ["oil.baku.tanker_calls_2023"],
            "calls/month",
        ),
    ]
    cols = ["quantity", "model", "public_low", "public_high", "unit", "within", "source_ids"]
    return pd.DataFrame(rows, columns=cols)

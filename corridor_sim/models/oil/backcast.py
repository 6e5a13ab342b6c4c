"""The oil route against its records, by role: fitted on 2023, checked on 2024 and 2025.

2023 is the fit year: the Baku and Makhachkala loadings KazTransOil reported (1.392 and 1.984
Mt) are offered, so the model's 2023 volumes are *inputs*; the ASCO tankers on the Baku lane
(``oil.fleet.asco_tankers_baku``) were chosen so the lane makes the energy minister's 12–14
calls a month, so the calls row is *fitted*. 2024 and 2025 are *predicted*: each year runs
with its own defaults (the planned volume toward BTC, the Makhachkala booking of 2023, the
2023 fleet plus Taraz and Liwa from 2025) and its part-year flows are compared with the
loadings published for that year, which the model never reads. The months the Baku lane
ran full are predicted too (no public record gives them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.catalogue import fact, value
from corridor_sim.errors import ScenarioError
from corridor_sim.models.oil.params import cargo_per_call_t
from corridor_sim.models.toolkit.validation import once_per_process, validation_row
from corridor_sim.units import THOUSAND

__all__ = [
    "BACKCAST_YEAR",
    "Overridden",
    "backcast_overrides",
    "lane_full_months",
    "validation",
]

#: The year the fleet is fitted on (the year with loadings by destination and calls).
BACKCAST_YEAR = 2023
#: Utilisation (share of capacity) at which a month counts as full.
FULL = 0.999


class Overridden:
    """A scenario seen with other overrides (everything else passed through)."""

    def __init__(self, scenario: Any, overrides: dict) -> None:
        self._scenario = scenario
        self.overrides = dict(overrides)

    def __getattr__(self, name: str) -> Any:  # the wrapped scenario's fields
        return getattr(self._scenario, name)


def backcast_overrides(year: int, overrides: dict) -> dict:
    """Return the overrides of the backcast: 2023's Baku-bound loadings offered (unless given)."""
    if year != BACKCAST_YEAR:
        msg = f"options.study = 'backcast': year = {year}; expected {BACKCAST_YEAR}"
        raise ScenarioError(msg)
    out = dict(overrides)
    out.setdefault("kazakh_volume_mt_per_yr", value("oil.aktau.loadings_baku_2023", unit="Mt"))
    return out


def lane_full_months(monthly: pd.DataFrame, lane: str = "tanker_lane") -> int:
    """Months in which `lane` carries at least 99.9 % of its capacity."""
    part = monthly[monthly["element"] == lane]
    cap = part["capacity_kt"].to_numpy(float)
    flow = part["flow_kt"].to_numpy(float)
    return int(np.sum((cap > 0) & (flow >= FULL * cap)))


def _first(monthly: pd.DataFrame, lane: str, months: int) -> float:
    part = monthly[(monthly["element"] == lane) & (monthly["period"] < months)]
    return float(part["flow_kt"].sum())


def _record(fid: str) -> tuple[float, str]:
    unit = fact(fid, record=False).unit
    return value(fid, unit=unit), unit


def _rows(corridor: Any) -> list[tuple]:  # the oil route's Corridor
    """Return the route against its records by role: fitted on 2023, checked on 2024, 2025."""
    rows = []
    loaded = value("oil.aktau.loadings_baku_2023", unit="Mt")
    m23 = corridor.year_flows(BACKCAST_YEAR, kazakh_volume_mt_per_yr=loaded)
    for lane, fid in (
        ("tanker_lane", "oil.aktau.loadings_baku_2023"),
        ("makhachkala_lane", "oil.aktau.loadings_makhachkala_2023"),
    ):
        rec, unit = _record(fid)
        name = "Baku" if lane == "tanker_lane" else "Makhachkala"
        mod = _first(m23, lane, 12) / THOUSAND
        rows.append(validation_row(f"Aktau -> {name}", "input", 2023, unit, mod, rec, [fid]))
    p23 = corridor.params.resolve(BACKCAST_YEAR, {"kazakh_volume_mt_per_yr": loaded})
    active = int(
        (m23[m23["element"] == "tanker_lane"].groupby("period")["flow_kt"].sum() > 0).sum()
    )
    calls = _first(m23, "tanker_lane", 12) * THOUSAND / cargo_per_call_t(p23) / max(active, 1)
    rec, unit = _record("oil.baku.tanker_calls_2023")
    rows.append(
        validation_row(
            "Tanker calls at Baku per month (ASCO tankers on the lane fitted to them)",
            "fitted",
            2023,
            unit,
            calls,
            rec,
            ["oil.baku.tanker_calls_2023", "oil.fleet.asco_tankers_baku"],
        )
    )
    m24 = corridor.year_flows(2024)
    for quantity, lanes, months, fid in (
        ("Aktau -> Baku, January–June", ("tanker_lane",), 6, "oil.aktau.loadings_baku_h1_2024"),
        (
            "Aktau -> Baku, January–October",
            ("tanker_lane",),
            10,
            "oil.aktau.loadings_baku_10m_2024",
        ),
        (
            "Aktau -> Makhachkala, January–October",
            ("makhachkala_lane",),
            10,
            "oil.aktau.loadings_makhachkala_10m_2024",
        ),
        (
            "Aktau loadings, all destinations, January–October",
            ("tanker_lane", "makhachkala_lane"),
            10,
            "oil.aktau.loadings_total_10m_2024",
        ),
    ):
        rec, unit = _record(fid)
        scale = 1.0 if unit == "kt" else 1 / THOUSAND
        mod = sum(_first(m24, lane, months) for lane in lanes) * scale
        rows.append(validation_row(quantity, "predicted", 2024, unit, mod, rec, [fid]))
    m25 = corridor.year_flows(2025)
    rec, unit = _record("oil.btc.kazakh_8m_2025")
    mod = _first(m25, "ceyhan_export", 8) / THOUSAND
    rows.append(
        validation_row(
            "Kazakh crude through BTC, January–August",
            "predicted",
            2025,
            unit,
            mod,
            rec,
            ["oil.btc.kazakh_8m_2025"],
        )
    )
    for year, monthly in ((2024, m24), (2025, m25)):
        rows.append(
            validation_row(
                "Months the Baku tanker lane ran full (no public record)",
                "predicted",
                year,
                "months",
                float(lane_full_months(monthly)),
                float("nan"),
                [],
            )
        )
    return rows


validation = once_per_process(_rows)

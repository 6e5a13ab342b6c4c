"""The Middle Corridor against its records, by role: the crossing fitted on 2024, checked on 2023.

What each published figure counts:

- the **whole route** (``freight.titr.route_*``: 2.764, 4.484 and 4.119 Mt in 2023–2025, about
  77,000 TEU in 2025): all cargo of the Trans-Caspian route from China and Kazakhstan to
  Türkiye and Europe, Kazakh crude by tanker included;
- the **Caspian crossing** (``freight.titr.crossing_2024``: 3.3 Mt and 56,500 TEU through
  the seaports of Kazakhstan and Azerbaijan in 2024, 20 % above 2023): the part that crosses
  the sea, crude included.

The model moves dry freight from China's railheads across the Caspian to Europe. It is offered
the whole route's cargo less its Kazakh crude, times ``caspian_share``, the share of that dry
cargo that crosses the Caspian; the share is *fitted* on 2024 so that dry crossing plus crude
makes the 3.3 Mt. The 2023 crossing (3.3 / 1.2 = 2.75 Mt) and the container counts are
*predicted*: the model reads neither.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.models.middle_corridor.params import route_oil_mt
from corridor_sim.models.toolkit.validation import once_per_process, validation_row
from corridor_sim.units import MEGA, PERCENT, THOUSAND

__all__ = ["SEA_ARCS", "validation"]

#: The arcs that cross the Caspian.
SEA_ARCS = ("aktau_ferries", "kuryk_ferries", "cargo_ships")


def _mt(monthly: pd.DataFrame, arcs: tuple[str, ...]) -> float:
    return float(monthly[monthly["element"].isin(arcs)]["flow_kt"].sum()) / THOUSAND


def _rows(corridor: Any) -> list[tuple]:  # the corridor's Corridor
    """Return the corridor against its records by role: crossing fitted on 2024."""
    rows = []
    crossing = {}
    for year in (2023, 2024, 2025):
        p, monthly = corridor.params.resolve(year), corridor.year_flows(year)
        dry = _mt(monthly, SEA_ARCS)
        crossing[year] = (p, dry)
        fid = f"freight.titr.route_{year}"
        rows.append(
            validation_row(
                "Whole route, crude included (offered: its dry part x caspian_share)",
                "input",
                year,
                "Mt",
                dry / p.caspian_share + route_oil_mt(year),
                value(fid, unit="Mt"),
                [fid],
            )
        )
    p24, dry24 = crossing[2024]
    rows.append(
        validation_row(
            "Caspian crossing through Kazakh and Azerbaijani ports, crude included",
            "fitted",
            2024,
            "Mt",
            dry24 + route_oil_mt(2024),
            value("freight.titr.crossing_2024", unit="Mt"),
            ["freight.titr.crossing_2024"],
        )
    )
    growth = 1 + value("freight.titr.crossing_growth_2024", unit="%") / PERCENT
    rows.append(
        validation_row(
            "Caspian crossing through Kazakh and Azerbaijani ports, crude included",
            "predicted",
            2023,
            "Mt",
            crossing[2023][1] + route_oil_mt(2023),
            value("freight.titr.crossing_2024", unit="Mt") / growth,
            ["freight.titr.crossing_2024", "freight.titr.crossing_growth_2024"],
        )
    )
    rows.append(
        validation_row(
            "Containers through Kazakh and Azerbaijani ports (dry crossing at mixed t/TEU)",
            "predicted",
            2024,
            "TEU",
            dry24 * MEGA / p24.mixed_t_per_teu,
            value("freight.titr.crossing_teu_2024", unit="TEU"),
            ["freight.titr.crossing_teu_2024", "freight.titr.dry_teu_2025_plan"],
        )
    )
    p25, dry25 = crossing[2025]
    rows.append(
        validation_row(
            "Containers on the whole route (dry crossing at mixed t/TEU)",
            "predicted",
            2025,
            "TEU",
            dry25 * MEGA / p25.mixed_t_per_teu,
            value("freight.titr.teu_2025", unit="TEU"),
            ["freight.titr.teu_2025", "freight.titr.dry_teu_2025_plan"],
        )
    )
    return rows


validation = once_per_process(_rows)

"""The Caspian sea lanes' seasons, shared by every model whose vessels cross the Caspian.

The oil tankers and the Middle Corridor's ferries and cargo ships read the same weather
rows (``caspian_sea.weather.availability_<season>``); this module says which calendar
months each season covers, so a storm season hits both models alike.

Examples
--------
>>> season_of(1), season_of(3), season_of(7)
('winter', 'shoulder', 'summer')
"""

from __future__ import annotations

__all__ = ["SEASONS", "SHOULDER_MONTHS", "WINTER_MONTHS", "season_of"]

#: Calendar months of the winter storm season and of the shoulder months (ice, storms).
WINTER_MONTHS = (12, 1, 2)
SHOULDER_MONTHS = (3, 11)
#: Season names, as in the catalogue ids ``caspian_sea.weather.availability_<season>``.
SEASONS = ("winter", "shoulder", "summer")


def season_of(month: int) -> str:
    """Return the season of calendar `month` 1–12: winter (Dec–Feb), shoulder (Mar, Nov), summer."""
    if month in WINTER_MONTHS:
        return "winter"
    if month in SHOULDER_MONTHS:
        return "shoulder"
    return "summer"

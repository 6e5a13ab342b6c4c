"""Year rules of the Caspian corridor: build-out schedules, commissioning years, plans.

Every function here reads catalogue rows with :func:`corridor_sim.catalogue.value` and
returns one parameter's default for a year (the ``rule=`` of a :class:`Param` in
:mod:`.params`): Azerbaijan's added wind and solar (seed figures), the links that switch on in
their commissioning year, and the Kazakh and Uzbek demand and fleets, which follow their
published plans (``assumptions_central_asia.csv``). The first line of each docstring is the
"default" text of the docs' parameter table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from corridor_sim.catalogue import fact, value
from corridor_sim.errors import FactError
from corridor_sim.units import HOURS_PER_YEAR, MW_PER_GW, MWH_PER_TWH, PERCENT

__all__ = [
    "applies",
    "fact_year",
    "in_service",
    "schedule_share",
    "schedule_years",
]


def applies(rule_id: str) -> None:
    """Record that the model applies the catalogue rule `rule_id` (a row without a value).

    Rule rows (unit ``rule``) document how the model uses the figures, e.g.
    ``caspian.gen.gas.serves_own_demand``; reading them here lists them in the provenance
    of every run that applies them.
    """
    fact(rule_id)


def fact_year(fact_id: str) -> int:
    """Return the data year of catalogue row `fact_id`; FactError when the row gives none."""
    year = fact(fact_id).year
    if year is None:
        msg = f"catalogue row {fact_id!r}: year is empty; expected the year its figure refers to"
        raise FactError(msg)
    return int(year)


def schedule_years() -> tuple[int, int]:
    """Return the base ('today') and target year of the build-out, from the seed facts."""
    return fact_year("az.power.export_potential_now"), fact_year("az.power.capacity_added_by_2032")


def schedule_share(year: int) -> float:
    """Share (0..1) of the 2026 -> 2032 build-out reached in `year` (piecewise linear, clipped).

    The path runs through the seed figures: 0 today (2026), at least 7 GW of the 8 GW by
    2030 (``az.green.capacity_5yr``: "at least 7 gigawatts ... over the next five years"),
    all 8 GW by 2032 (``az.power.capacity_added_by_2032``); see
    ``caspian.schedule.buildout``.

    Parameters
    ----------
    year : int
        Model year.

    Returns
    -------
    float
        0 up to the base year, 1 from the target year, on the path between.

    Examples
    --------
    >>> schedule_share(2026), schedule_share(2030), schedule_share(2032)
    (0.0, 0.875, 1.0)
    >>> schedule_share(2029)
    0.65625
    """
    applies("caspian.schedule.buildout")
    base, target = schedule_years()
    mid = fact_year("az.green.capacity_5yr")
    mid_share = value("az.green.capacity_5yr", unit="GW") / value(
        "az.power.capacity_added_by_2032", unit="GW"
    )
    if not base < mid < target:  # the five-year target outside the schedule: plain linear
        return float(min(1, max(0, (year - base) / (target - base))))
    return float(np.interp(year, [base, mid, target], [0.0, min(1.0, mid_share), 1.0]))


def in_service(link: str, year: int) -> bool:
    """Whether `link` (``caspian.<cable|link>.<name>.commission_year``) runs in `year`."""
    kind = "cable" if link in ("caspian", "black_sea") else "link"
    return year >= value(f"caspian.{kind}.{link}.commission_year", unit="year")


def _path(year: int, points: Sequence[tuple[float, float]]) -> float:
    """Linear path through (year, value) points, held flat outside them."""
    xs, ys = zip(*sorted(points), strict=True)
    return float(np.interp(year, xs, ys))


def _linear_mw(year: int, start: tuple[int, str], end: tuple[int, str]) -> float:
    """Linear path between two (year, catalogue row in MW) points, held flat outside them."""
    return _path(year, [(y, value(fact_id, unit="MW")) for y, fact_id in (start, end)])


def _in_service_mw(fact_id: str, link: str, year: int) -> float:
    """Catalogue row `fact_id` (MW) while `link` runs in `year` (see :func:`in_service`), else 0."""
    rating = value(fact_id, unit="MW")
    return rating if in_service(link, year) else 0.0


# -- cables and links -------------------------------------------------------------------------
def caspian_cable(year: int) -> float:
    """`caspian.cable.caspian.capacity` from `caspian.cable.caspian.commission_year`, else 0."""
    return _in_service_mw("caspian.cable.caspian.capacity", "caspian", year)


def black_sea_cable(year: int) -> float:
    """`caspian.cable.black_sea.capacity` from `caspian.cable.black_sea.commission_year`, else 0."""
    return _in_service_mw("caspian.cable.black_sea.capacity", "black_sea", year)


def az_ge_reinforcement(year: int) -> float:
    """`caspian.link.az_ge.reinforcement` with the Black Sea cable, else 0."""
    return _in_service_mw("caspian.link.az_ge.reinforcement", "black_sea", year)


def az_nakhchivan(year: int) -> float:
    """`caspian.link.az_nakhchivan.capacity` from its commissioning year, else 0."""
    return _in_service_mw("caspian.link.az_nakhchivan.capacity", "az_nakhchivan", year)


def kz_west_link(year: int) -> float:
    """`caspian.link.kz_internal.capacity` (Karabatan–Ulke) from its commissioning year, else 0."""
    return _in_service_mw("caspian.link.kz_internal.capacity", "kz_internal", year)


def nakhchivan_tr(year: int) -> float:
    """`caspian.link.nakhchivan_tr.capacity` from its commissioning year, else today's 75 MW."""
    if in_service("nakhchivan_tr", year):
        return value("caspian.link.nakhchivan_tr.capacity", unit="MW")
    return value("caspian.link.nakhchivan_tr.today", unit="MW")


# -- Azerbaijan ---------------------------------------------------------------------------------
def az_green(year: int) -> float:
    """`caspian.az.green_today` + schedule share x `az.power.capacity_added_by_2032`."""
    added_gw = value("az.power.capacity_added_by_2032", unit="GW")
    return value("caspian.az.green_today", unit="MW") + schedule_share(year) * added_gw * MW_PER_GW


def az_gas_export(year: int) -> float:
    """`az.power.export_potential_now` (GW) in MW, by `caspian.az.gas_export_today`."""
    del year
    applies("caspian.az.gas_export_today")
    return value("az.power.export_potential_now", unit="GW") * MW_PER_GW


# -- Central Asia: demand and fleets from the published plans -------------------------------------
def uz_demand(year: int) -> float:
    """Geometric path 2024 `caspian.demand.uz.annual` -> 2030 -> 2035 projections (TWh)."""
    points = [
        (fact_year("caspian.demand.uz.annual"), value("caspian.demand.uz.annual", unit="TWh")),
        (2030, value("caspian.demand.uz.annual_2030", unit="TWh")),
        (2035, value("caspian.demand.uz.annual_2035", unit="TWh")),
    ]
    logs = [(y, float(np.log(v))) for y, v in points]
    last_y, last_v = points[-1]
    if year > last_y:  # the 2030-35 growth rate continues
        rate = (points[-1][1] / points[-2][1]) ** (1 / (last_y - points[-2][0]))
        return float(last_v * rate ** (year - last_y))
    return float(np.exp(_path(year, logs)))


def kz_demand(year: int) -> float:
    """Geometric path 2024 `caspian.demand.kz.annual` -> `caspian.demand.kz.generation_2030`."""
    y0 = fact_year("caspian.demand.kz.annual")
    v0 = value("caspian.demand.kz.annual", unit="TWh")
    y1 = fact_year("caspian.demand.kz.generation_2030")
    v1 = value("caspian.demand.kz.generation_2030", unit="TWh")
    rate = (v1 / v0) ** (1 / (y1 - y0))
    return float(v0 * rate ** (max(year, y0) - y0))


def uz_green(year: int) -> float:
    """Linear 2024 `caspian.gen.uz.wind` + `.solar` -> 2030 `caspian.gen.uz.green_2030`."""
    y0 = int(value("caspian.gen.uz.green_base_year", unit="year"))
    v0 = value("caspian.gen.uz.wind", unit="MW") + value("caspian.gen.uz.solar", unit="MW")
    target = fact("caspian.gen.uz.green_2030")
    return _path(year, [(y0, v0), (fact_year(target.id), value(target.id, unit="MW"))])


def uz_wind_share(year: int) -> float:
    """Wind share moving from today's fleet to `caspian.gen.uz.wind_share_2030` as it grows."""
    wind0 = value("caspian.gen.uz.wind", unit="MW")
    total0 = wind0 + value("caspian.gen.uz.solar", unit="MW")
    total = uz_green(year)
    share = value("caspian.gen.uz.wind_share_2030", unit="-")
    added = max(0.0, total - total0)
    return float((wind0 + share * added) / total) if total > 0 else share


def uz_hydro(year: int) -> float:
    """Linear 2024 `caspian.gen.uz.hydro` -> 2030 `caspian.gen.uz.hydro_2030`."""
    y0 = int(value("caspian.gen.uz.green_base_year", unit="year"))
    return _linear_mw(year, (y0, "caspian.gen.uz.hydro"), (2030, "caspian.gen.uz.hydro_2030"))


def uz_thermal(year: int) -> float:
    """Linear 2024 `caspian.gen.uz.thermal_2024` -> 2030 `caspian.gen.uz.thermal_2030`."""
    return _linear_mw(
        year, (2024, "caspian.gen.uz.thermal_2024"), (2030, "caspian.gen.uz.thermal_2030")
    )


def kz_green(year: int) -> float:
    """Linear 2023 fleet -> the 2030 wind+solar implied by `caspian.gen.kz.res_share_2030`."""
    y0 = int(value("caspian.gen.kz.green_base_year", unit="year"))
    wind0 = value("caspian.gen.kz.wind", unit="MW")
    solar0 = value("caspian.gen.kz.solar", unit="MW")
    cf_w = value("caspian.cf.kz.wind", unit="-")
    cf_s = value("caspian.cf.kz.solar", unit="-")
    res_twh = (
        value("caspian.gen.kz.res_share_2030", unit="%")
        / PERCENT
        * value("caspian.demand.kz.generation_2030", unit="TWh")
    )
    small_hydro_twh = (
        value("caspian.gen.kz.small_hydro", unit="MW")
        * value("caspian.gen.kz.hydro_cf", unit="-")
        * HOURS_PER_YEAR
        / MWH_PER_TWH
    )
    ws_twh = max(0.0, res_twh - small_hydro_twh)
    e_w, e_s = wind0 * cf_w, solar0 * cf_s  # today's output split, MW-mean
    wind1 = ws_twh * MWH_PER_TWH / HOURS_PER_YEAR * e_w / (e_w + e_s) / cf_w
    solar1 = ws_twh * MWH_PER_TWH / HOURS_PER_YEAR * e_s / (e_w + e_s) / cf_s
    return _path(year, [(y0, wind0 + solar0), (2030, max(wind0 + solar0, wind1 + solar1))])


def kz_wind_share(year: int) -> float:
    """Wind share of Kazakhstan's wind+solar fleet, as today's (`caspian.gen.kz.wind`)."""
    del year
    wind = value("caspian.gen.kz.wind", unit="MW")
    return wind / (wind + value("caspian.gen.kz.solar", unit="MW"))

"""Parameters of the plant's technology and of the market it is dispatched in.

Declared here and added to :data:`corridor_sim.models.serbia.params.PARAMS`: the plant's
technology (combined cycle or open-cycle gas turbine, the seed's "gas turbine"), the
open-cycle efficiency and minimum load, and the gas, power and carbon prices of the
economic dispatch (:mod:`.market.dispatch`). The gas price is one number
(``gas_price_eur_per_mwh_th``) or follows a supply route (``gas_route``: the hub price plus
the route's tariffs, :mod:`corridor_sim.models.serbia.gas.tariffs`). The combined-cycle
values are the model's ``efficiency`` and ``min_load``.
"""

from __future__ import annotations

from corridor_sim.models.params import Param
from corridor_sim.models.serbia.gas.tariffs import GAS_ROUTES

__all__ = ["FIXED_GAS_PRICE", "GAS_PRICE_CHOICES", "MARKET_PARAMS", "TECHNOLOGIES"]

#: Plant technologies: combined cycle (CCGT) and open-cycle gas turbine (OCGT).
TECHNOLOGIES: tuple[str, ...] = ("ccgt", "ocgt")
#: ``gas_route`` value for the one gas price of ``gas_price_eur_per_mwh_th``.
FIXED_GAS_PRICE = "fixed"
#: Choices of ``gas_route``: the fixed price, or a supply route's hub price plus tariffs.
GAS_PRICE_CHOICES: tuple[str, ...] = (FIXED_GAS_PRICE, *GAS_ROUTES)

#: The technology and market parameters (appended to the model's PARAMS).
MARKET_PARAMS: tuple[Param, ...] = (
    Param(
        "technology",
        "-",
        "plant technology: 'ccgt' (combined cycle: efficiency, min_load) or 'ocgt' "
        "(open-cycle gas turbine: ocgt_efficiency, ocgt_min_load)",
        value="ccgt",
        choices=TECHNOLOGIES,
    ),
    Param(
        "ocgt_efficiency",
        "p.u.",
        "net electrical efficiency (LHV) of the open-cycle variant",
        fact="serbia.plant.ocgt.efficiency",
        maximum=1.0,
        strict_minimum=True,
    ),
    Param(
        "ocgt_min_load",
        "p.u.",
        "minimum stable load of the open-cycle variant, fraction of the rating (below 1)",
        fact="serbia.plant.ocgt.min_load",
        maximum=1.0,
    ),
    Param(
        "gas_price_eur_per_mwh_th",
        "EUR/MWh_th",
        "natural gas price paid by the plant (and the CHPs) when gas_route is 'fixed'",
        fact="serbia.cost.gas.fuel",
    ),
    Param(
        "gas_route",
        "-",
        "how the plant's gas is priced: 'fixed' (gas_price_eur_per_mwh_th) or a supply "
        "route, whose price is gas_hub_price_eur_per_mwh_th plus the route's transport "
        "tariffs (balkan_stream, azerbaijan, lng); the seeds' plant runs on Azerbaijani gas",
        value="azerbaijan",
        choices=GAS_PRICE_CHOICES,
    ),
    Param(
        "gas_hub_price_eur_per_mwh_th",
        "EUR/MWh_th",
        "hub price of gas bought for a supply route (TTF, 2024 average)",
        fact="serbia.gas.hub.ttf_2024",
    ),
    Param(
        "power_price_eur_per_mwh",
        "EUR/MWh",
        "annual mean of the regional power price the plant sells at",
        fact="serbia.market.power_price",
    ),
    Param(
        "carbon_price_eur_per_t",
        "EUR/t",
        "carbon price paid by Serbian plants (lignite and gas)",
        fact="serbia.market.carbon_price",
    ),
)

"""Parameters of the plant's technology and of the market it is dispatched in.

Declared here and added to :data:`corridor_sim.models.serbia.params.PARAMS`: the plant's
technology (combined cycle or open-cycle gas turbine, the seed's "gas turbine"), the
open-cycle efficiency and minimum load, and the gas, power and carbon prices of the
economic dispatch (:mod:`.market.dispatch`). The combined-cycle values are the model's
``efficiency`` and ``min_load``.
"""

from __future__ import annotations

from corridor_sim.models.params import Param

__all__ = ["MARKET_PARAMS", "TECHNOLOGIES"]

#: Plant technologies: combined cycle (CCGT) and open-cycle gas turbine (OCGT).
TECHNOLOGIES: tuple[str, ...] = ("ccgt", "ocgt")

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
        "natural gas price paid by the plant (and the CHPs)",
        fact="serbia.cost.gas.fuel",
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

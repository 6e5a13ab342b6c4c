"""Parameters of the Serbian gas chain, declared once in :data:`GAS_PARAMS`, and :class:`ChainSpec`.

The chain (:mod:`.gas.chain`) reads two groups of parameters:

- the route's capacities and the contract, already parameters of the serbia model
  (:data:`corridor_sim.models.serbia.params.PARAMS`: ``scp_capacity_bcm_per_yr``,
  ``tap_capacity_bcm_per_yr``, ``contracted_volume_bcm_per_yr``, ...);
- the chain's own, declared here: the room each leg leaves for gas to Serbia, the TAP
  expansion and its date, the Türkiye–Bulgaria entry, the plant's share of Banatski Dvor,
  the contract's daily swing and the profile of today's users.

Every default is a row of ``assumptions_serbia_gas.csv`` (or of ``assumptions_serbia.csv``
through a rule). This module imports no other serbia module, so the model's ``PARAMS`` can
include ``GAS_PARAMS`` (``ParamTable("serbia", [..., *GAS_PARAMS])``) without an import cycle.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from corridor_sim.catalogue import value
from corridor_sim.errors import SpecError
from corridor_sim.models.params import Param, ParamTable

__all__ = ["GAS_PARAMS", "LEGACY_NAMES", "PROFILES", "ChainSpec"]

#: Profiles of today's users' offtake of the Azerbaijani contract.
PROFILES: tuple[str, ...] = ("flat", "seasonal")


def _scp_free(year: int) -> float:  # a rule takes the year
    """SCP capacity minus SD1/Georgia and a full TANAP (serbia.gas.scp.*, tanap.capacity)."""
    room = (
        value("serbia.gas.scp.capacity", unit="bcm/yr")
        - value("serbia.gas.scp.other_use", unit="bcm/yr")
        - value("serbia.gas.tanap.capacity", unit="bcm/yr")
    )
    return max(0.0, room)


def _igb_free(year: int) -> float:
    """IGB capacity times the unbooked share (serbia.gas.igb.capacity, igb.booked_share)."""
    booked = value("serbia.gas.igb.booked_share", unit="p.u.")
    return value("serbia.gas.igb.capacity", unit="bcm/yr") * (1.0 - booked)


def _balkan_stream_free(year: int) -> float:
    """Balkan Stream capacity minus TurkStream's European string (serbia.gas.balkan_stream.*)."""
    room = value("serbia.gas.balkan_stream.capacity", unit="bcm/yr") - value(
        "serbia.gas.balkan_stream.other_use", unit="bcm/yr"
    )
    return max(0.0, room)


def _expanded(year: int) -> bool:
    """Whether Banatski Dvor's expansion is in service for the whole of `year`."""
    return year > int(value("serbia.gas.storage.expansion_year", unit="year"))


def _plant_share(what: str, unit: str, doc: str) -> Callable[[int], float]:
    """Rule: the plant's share of what Banatski Dvor's expansion adds to ``storage.<what>``.

    Nothing before the year after the expansion's completion; then
    ``plant_share * (<what>_expanded - <what>)`` in `unit`.
    """

    def rule(year: int) -> float:
        if not _expanded(year):
            return 0.0
        before = value(f"serbia.gas.storage.{what}", unit=unit)
        after = value(f"serbia.gas.storage.{what}_expanded", unit=unit)
        return value("serbia.gas.storage.plant_share", unit="p.u.") * (after - before)

    rule.__doc__ = doc
    rule.__name__ = f"_plant_{what}"
    return rule


#: The plant's share of Banatski Dvor's expansion: volume, withdrawal and injection rates.
_plant_storage_mcm, _plant_withdrawal, _plant_injection = (
    _plant_share(
        what, unit, f"Plant share of Banatski Dvor's added {text}, from the year after completion"
    )
    for what, unit, text in (
        ("working_volume", "mcm", "working volume"),
        ("withdrawal", "mcm/d", "withdrawal rate"),
        ("injection", "mcm/d", "injection rate"),
    )
)


#: The chain's own parameters (``[overrides]`` once the model's ``PARAMS`` includes them).
GAS_PARAMS = ParamTable(
    "serbia",
    [
        Param(
            "scp_free_bcm_per_yr", "bcm/yr", "room on SCP/SCPX for gas to Serbia", rule=_scp_free
        ),
        Param(
            "tanap_free_bcm_per_yr",
            "bcm/yr",
            "room on TANAP for gas to Serbia (today's contract included)",
            fact="serbia.gas.tanap.free",
        ),
        Param(
            "tap_free_bcm_per_yr",
            "bcm/yr",
            "room on TAP for gas to Serbia before its 2026 expansion (today's contract included)",
            fact="serbia.gas.tap.free",
        ),
        Param(
            "tap_expansion_bcm_per_yr",
            "bcm/yr",
            "TAP capacity added from 1 January of tap_expansion_year",
            fact="serbia.gas.tap.expansion",
        ),
        Param(
            "tap_expansion_year",
            "year",
            "year from whose 1 January the TAP expansion is in service",
            fact="serbia.gas.tap.expansion_year",
            kind="int",
            minimum=2000.0,
        ),
        Param(
            "tap_expansion_booked_share",
            "p.u.",
            "share of the TAP expansion booked by other users",
            fact="serbia.gas.tap.expansion_booked_share",
            maximum=1.0,
        ),
        Param("igb_free_bcm_per_yr", "bcm/yr", "room on IGB for gas to Serbia", rule=_igb_free),
        Param(
            "balkan_stream_free_bcm_per_yr",
            "bcm/yr",
            "room on Balkan Stream (Türkiye–Bulgaria entry to Serbia) left by TurkStream gas",
            rule=_balkan_stream_free,
        ),
        Param(
            "botas_transit_bcm_per_yr",
            "bcm/yr",
            "transit through Türkiye to the Bulgarian border for gas to Serbia",
            fact="serbia.gas.botas_transit.free",
        ),
        Param(
            "plant_storage_mcm",
            "mcm",
            "working volume of Banatski Dvor the plant can use",
            rule=_plant_storage_mcm,
        ),
        Param(
            "plant_storage_withdrawal_mcm_per_d",
            "mcm/d",
            "withdrawal rate of Banatski Dvor the plant can use",
            rule=_plant_withdrawal,
        ),
        Param(
            "plant_storage_injection_mcm_per_d",
            "mcm/d",
            "injection rate of Banatski Dvor the plant can use",
            rule=_plant_injection,
        ),
        Param(
            "plant_storage_start_level",
            "p.u.",
            "plant's storage level on 1 January (the year ends at least as full)",
            fact="serbia.gas.storage.start_level",
            maximum=1.0,
        ),
        Param(
            "contract_daily_max",
            "p.u.",
            "largest daily delivery of a gas contract / its ratable rate",
            fact="serbia.gas.contract.daily_max",
            minimum=1.0,
        ),
        Param(
            "existing_use_profile",
            "-",
            "how today's users take their contracted gas over the year",
            value="flat",
            choices=PROFILES,
        ),
    ],
)

#: ChainSpec field -> name of the serbia model's parameter (declared in ``serbia/params.py``).
LEGACY_NAMES: dict[str, str] = {
    "scp_capacity": "scp_capacity_bcm_per_yr",
    "tanap_capacity": "tanap_capacity_bcm_per_yr",
    "tap_capacity": "tap_capacity_bcm_per_yr",
    "igb_capacity": "igb_capacity_bcm_per_yr",
    "ibs_capacity": "ibs_capacity_bcm_per_yr",
    "ibs_other_use": "ibs_other_use_bcm_per_yr",
    "contracted_volume": "contracted_volume_bcm_per_yr",
    "contract_existing_use": "contract_existing_use_bcm_per_yr",
}


@dataclass(frozen=True, slots=True)
class ChainSpec:
    """Every value the gas chain needs for one year (volumes in bcm/yr unless named).

    Build it from the resolved parameters of the serbia model and :data:`GAS_PARAMS`
    (:meth:`from_params`); :func:`corridor_sim.models.serbia.gas.study.chain_spec` does both.
    """

    year: int
    scp_capacity: float
    tanap_capacity: float
    tap_capacity: float
    igb_capacity: float
    ibs_capacity: float
    ibs_other_use: float
    contracted_volume: float
    contract_existing_use: float
    scp_free_bcm_per_yr: float
    tanap_free_bcm_per_yr: float
    tap_free_bcm_per_yr: float
    tap_expansion_bcm_per_yr: float
    tap_expansion_year: int
    tap_expansion_booked_share: float
    igb_free_bcm_per_yr: float
    balkan_stream_free_bcm_per_yr: float
    botas_transit_bcm_per_yr: float
    plant_storage_mcm: float
    plant_storage_withdrawal_mcm_per_d: float
    plant_storage_injection_mcm_per_d: float
    plant_storage_start_level: float
    contract_daily_max: float
    existing_use_profile: str

    def __post_init__(self) -> None:
        for f in fields(self):
            x = getattr(self, f.name)
            if f.name in ("year", "existing_use_profile", "tap_expansion_year"):
                continue
            if (
                isinstance(x, bool)
                or not isinstance(x, int | float)
                or not math.isfinite(x)
                or x < 0
            ):
                name = LEGACY_NAMES.get(f.name, f.name)
                msg = f"{name} = {x!r}: expected a finite number >= 0"
                raise SpecError(msg)
        if self.existing_use_profile not in PROFILES:
            msg = (
                f"existing_use_profile = {self.existing_use_profile!r}: expected one of "
                f"{', '.join(PROFILES)}"
            )
            raise SpecError(msg)
        for name in ("tap_expansion_booked_share", "plant_storage_start_level"):
            if getattr(self, name) > 1:
                msg = f"{name} = {getattr(self, name)!r}: expected a fraction in [0, 1]"
                raise SpecError(msg)
        if self.contract_daily_max < 1:
            msg = f"contract_daily_max = {self.contract_daily_max!r}: expected >= 1"
            raise SpecError(msg)

    @classmethod
    def from_params(cls, p: Mapping[str, Any], *, year: int) -> ChainSpec:
        """Take the values of resolved parameters `p` (the serbia model's and GAS_PARAMS)."""
        kw: dict[str, Any] = {k: float(p[name]) for k, name in LEGACY_NAMES.items()}
        for name in GAS_PARAMS.names:
            kw[name] = p[name]
        return cls(year=int(year), **kw)

    @property
    def contract_left_bcm_per_yr(self) -> float:
        """Contracted volume left after today's users, bcm/yr."""
        return max(0.0, self.contracted_volume - self.contract_existing_use)

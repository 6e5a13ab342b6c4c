"""Parameters of the Serbian plant model, each declared once in :data:`PARAMS`, and the sites.

Every default is a catalogue row: the plant rating is the seed's 500 MW
(``serbia.plant.capacity``), the rest are labelled assumptions of ``assumptions_serbia.csv``.
The fixed grid data (line lengths, transformer ratings, load shares, coordinates, limits) are
read where the grid and the study are built, and :meth:`ModelEntry.run
<corridor_sim.models.base.ModelEntry.run>` lists every row a run reads in its provenance.

The three candidate sites (seed 002: "either in Trupale, Kruševac, or Niška Banja") are
:class:`Site`; :func:`preferred_site` is the one the seed says the Serbian President prefers
(``serbia.plant.preferred_site``), the default site of :func:`corridor_sim.models.serbia.build`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from corridor_sim.catalogue import fact, value
from corridor_sim.errors import SpecError, UnknownNameError, suggest
from corridor_sim.models.params import Param, ParamTable
from corridor_sim.models.serbia.load_basis import system_energy_twh
from corridor_sim.models.serbia.market.params import MARKET_PARAMS
from corridor_sim.models.serbia.values import cv

__all__ = [
    "ALL_SITES",
    "GAS_FIELDS",
    "PARAMS",
    "SITE_LABELS",
    "Site",
    "annual_energy_twh",
    "gas_param",
    "parse_site",
    "preferred_site",
]


class Site(StrEnum):
    """The three candidate sites of the 500 MW plant (seed 002).

    Attributes
    ----------
    TRUPALE, KRUSEVAC, NISKA_BANJA : str
        ``"trupale"``, ``"krusevac"``, ``"niska_banja"``: the values of ``options.site``
        (with ``"none"``, the grid without the plant); :data:`SITE_LABELS` writes them as
        the seeds do.

    Examples
    --------
    >>> Site("niska_banja"), SITE_LABELS[Site.NISKA_BANJA]
    (<Site.NISKA_BANJA: 'niska_banja'>, 'Niška Banja')
    """

    TRUPALE = "trupale"
    KRUSEVAC = "krusevac"
    NISKA_BANJA = "niska_banja"


#: Sites a scenario compares ("none": the grid without the plant).
ALL_SITES: tuple[str, ...] = ("none", *(s.value for s in Site))

#: Names of the sites as the seeds and the figures write them.
SITE_LABELS: dict[str, str] = {
    "none": "no plant",
    "trupale": "Trupale",
    "krusevac": "Kruševac",
    "niska_banja": "Niška Banja",
}


def parse_site(site: str | Site | None) -> Site | None:
    """Return `site` as a :class:`Site`; ``None`` and ``"none"`` mean the grid without the plant.

    Raises
    ------
    UnknownNameError
        If `site` is not one of the three candidate sites; the message lists them.

    Examples
    --------
    >>> parse_site("krusevac")
    <Site.KRUSEVAC: 'krusevac'>
    >>> parse_site("none") is None
    True
    """
    if site is None or isinstance(site, Site):
        return site
    if site == "none":
        return None
    try:
        return Site(str(site))
    except ValueError:
        names = ", ".join(repr(s.value) for s in Site)
        hint = suggest(str(site).lower(), [s.value for s in Site])
        close = f"; {hint}" if hint.startswith("did you mean") else ""
        msg = f"site = {site!r}: unknown site; expected one of {names} or None{close}"
        raise UnknownNameError(msg) from None


def preferred_site() -> Site:
    """Return the site the seed names as preferred (``serbia.plant.preferred_site``: Kruševac).

    The catalogue row is qualitative; its subject names the site as the seeds write it.

    Returns
    -------
    Site
        The site a scenario studies when it names none.

    Raises
    ------
    SpecError
        If the row's subject does not name exactly one of the three sites.

    Examples
    --------
    >>> preferred_site()
    <Site.KRUSEVAC: 'krusevac'>
    """
    subject = fact("serbia.plant.preferred_site").subject
    named = [s for s in Site if SITE_LABELS[s.value] in subject]
    if len(named) != 1:
        msg = (
            f"serbia.plant.preferred_site: subject {subject!r} names {len(named)} sites; "
            f"expected one of {', '.join(SITE_LABELS[s.value] for s in Site)}"
        )
        raise SpecError(msg)
    return named[0]


def annual_energy_twh(year: int, draw: Mapping[str, float] | None = None) -> float:
    """System consumption in `year`, TWh: the load's energy, network losses included.

    C4's end customers' consumption of 2024 (``serbia.load.annual_energy``) grown at
    ``serbia.load.growth_per_yr`` from ``serbia.load.base_year`` (no growth before it),
    times :func:`~corridor_sim.models.serbia.load_basis.system_energy_factor` (distribution
    and transmission losses).

    Parameters
    ----------
    year : int
        Model year.
    draw : Mapping, optional
        Catalogue values drawn by the robustness study.

    Returns
    -------
    float

    Examples
    --------
    >>> round(annual_energy_twh(2024), 2), round(annual_energy_twh(2029), 2)
    (35.67, 37.49)
    """
    growth = cv("serbia.load.growth_per_yr", "1/yr", draw)
    base = int(value("serbia.load.base_year", unit="year"))
    return system_energy_twh(draw) * (1 + growth) ** max(0, year - base)


def _contract_years(year: int) -> bool:
    """Whether the SOCAR–Srbijagas contract delivers in `year` (serbia.gas.contract.*_year)."""
    first = int(value("serbia.gas.contract.start_year", unit="year"))
    last = int(value("serbia.gas.contract.end_year", unit="year"))
    return first <= year <= last


def _contracted_volume(year: int) -> float:
    """SOCAR–Srbijagas contract in its years 2024–2026, none after (serbia.gas.contract_now)."""
    return value("serbia.gas.contract_now", unit="bcm/yr") if _contract_years(year) else 0.0


def _contract_existing_use(year: int) -> float:
    """Today's users' 2024 offtake in the contract's years, none after it ends."""
    if not _contract_years(year):
        return 0.0
    return min(
        value("serbia.gas.contract_existing_use", unit="bcm/yr"),
        value("serbia.gas.contract_now", unit="bcm/yr"),
    )


#: GasSpec field -> (catalogue id or rule, description); the parameter is ``<field>_bcm_per_yr``.
_GAS_ROWS: tuple[tuple[str, Any, str], ...] = (
    ("scp_capacity", "serbia.gas.scp.capacity", "South Caucasus Pipeline (SCPX) capacity"),
    ("scp_other_use", "serbia.gas.scp.other_use", "SCP flows to users other than TANAP"),
    ("tanap_capacity", "serbia.gas.tanap.capacity", "TANAP capacity across Türkiye"),
    ("tanap_turkey_offtake", "serbia.gas.tanap.turkey_offtake", "TANAP offtake in Türkiye"),
    ("tap_capacity", "serbia.gas.tap.capacity", "Trans Adriatic Pipeline capacity"),
    ("tap_other_use", "serbia.gas.tap.other_use", "TAP flows to Greece, Albania and Italy"),
    ("igb_capacity", "serbia.gas.igb.capacity", "Interconnector Greece–Bulgaria capacity"),
    ("igb_bulgaria_use", "serbia.gas.igb.bulgaria_use", "Azerbaijani gas to Bulgaria via IGB"),
    ("ibs_capacity", "serbia.gas.ibs.capacity", "Interconnector Bulgaria–Serbia capacity"),
    ("ibs_other_use", "serbia.gas.ibs.other_use", "IBS flows other than gas for the plant"),
    (
        "contracted_volume",
        _contracted_volume,
        "Azerbaijani gas contracted to Serbia (SOCAR–Srbijagas: 2024–2026 only)",
    ),
    (
        "contract_existing_use",
        _contract_existing_use,
        "part of the contract taken by today's consumers (the 2024 offtake)",
    ),
)


#: Gas fields that set an element whose id their name does not start with.
_GAS_ELEMENTS: dict[str, str] = {"contracted_volume": "contract"}


def _gas_param(name: str, source: Any, desc: str) -> Param:
    """Return the model parameter of a gas field: its default from a catalogue id or a rule."""
    element = _GAS_ELEMENTS.get(name, "")
    if callable(source):
        return Param(gas_param(name), "bcm/yr", desc, rule=source, element=element)
    return Param(gas_param(name), "bcm/yr", desc, fact=source, element=element)


#: Fields of :class:`~corridor_sim.models.serbia.gas.route.GasSpec`, in declaration order.
GAS_FIELDS: tuple[str, ...] = tuple(name for name, _, _ in _GAS_ROWS)


def gas_param(field_name: str) -> str:
    """Parameter name of a gas field: ``"tap_capacity"`` -> ``"tap_capacity_bcm_per_yr"``."""
    return f"{field_name}_bcm_per_yr"


#: The model's parameters (``[overrides]`` of a scenario, ``build(year, **overrides)``).
PARAMS = ParamTable(
    "serbia",
    [
        Param(
            "capacity_factor",
            "p.u.",
            "plant capacity factor (energy / (capacity x 8760 h)) when the option dispatch is "
            "'capacity_factor' (the economic dispatch finds its own)",
            fact="serbia.plant.capacity_factor",
            maximum=1.0,
        ),
        Param(
            "plant_capacity_mw",
            "MW",
            "plant rating",
            fact="serbia.plant.capacity",
            minimum=1.0,
        ),
        Param(
            "efficiency",
            "p.u.",
            "net electrical efficiency (LHV) of the combined-cycle plant",
            fact="serbia.plant.efficiency",
            maximum=1.0,
            strict_minimum=True,
        ),
        Param(
            "min_load",
            "p.u.",
            "minimum stable load of the combined-cycle plant, fraction of the rating (below 1)",
            fact="serbia.plant.min_load",
            maximum=1.0,
        ),
        *(_gas_param(name, source, desc) for name, source, desc in _GAS_ROWS),
        *MARKET_PARAMS,
    ],
)

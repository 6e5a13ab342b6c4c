"""The transmission grid of southern and central Serbia around Niš as a pandapower net.

Every number comes from the catalogue (``assumptions_serbia.csv``): line lengths from the
ENTSO-E map extract (REFERENCES C1), per-km parameters from pandapower standard line types,
loads from the national consumption (C4, C5) shared out by substation, the plant from the
seed with a CCGT efficiency (B12). See ``docs/serbia.md``.
"""

from __future__ import annotations

import copy
import functools
import math
import string
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandapower as pp

from corridor_sim.catalogue import value
from corridor_sim.errors import SpecError, UnknownNameError, suggest

__all__ = [
    "SUBSTATIONS",
    "GridSpec",
    "Site",
    "build_grid",
    "element_ids",
    "parse_site",
    "set_hour",
]


class Site(StrEnum):
    """The three candidate sites of the 500 MW plant (seed 002)."""

    TRUPALE = "trupale"
    KRUSEVAC = "krusevac"
    NISKA_BANJA = "niska_banja"


#: Substations with a 110 kV load (their share of national consumption is a catalogue row).
SUBSTATIONS: tuple[str, ...] = (
    "nis2",
    "leskovac2",
    "vranje4",
    "jagodina4",
    "krusevac1",
    "kraljevo3",
)

_LABELS = {
    "nis2": "Niš 2",
    "leskovac2": "Leskovac 2",
    "vranje4": "Vranje 4",
    "jagodina4": "Jagodina 4",
    "krusevac1": "Kruševac 1",
    "kraljevo3": "Kraljevo 3",
    "north": "Rest of Serbia (north)",
    "bulgaria": "Bulgaria (Sofia West)",
    "macedonia": "North Macedonia (Štip)",
    "trupale": "Trupale plant",
    "niska_banja": "Niška Banja plant",
}

# 400 kV lines and the 220 kV lines: (corridor id, from, to, length fact id)
_LINES_400 = (
    ("jagodina_nis", "jagodina4", "nis2"),
    ("nis_leskovac", "nis2", "leskovac2"),
    ("leskovac_vranje", "leskovac2", "vranje4"),
    ("nis_bulgaria", "nis2", "bulgaria"),
    ("vranje_macedonia", "vranje4", "macedonia"),
)
_LINES_220 = (
    ("krusevac_nis", "krusevac1", "nis2"),
    ("krusevac_kraljevo", "krusevac1", "kraljevo3"),
)
# transformations: (substation, hv level, lv level)
_TRAFOS = (
    ("nis2", "ehv", "hv"),
    ("nis2", "ehv", "sub"),
    ("nis2", "hv", "sub"),
    ("leskovac2", "ehv", "sub"),
    ("vranje4", "ehv", "sub"),
    ("jagodina4", "ehv", "sub"),
    ("krusevac1", "hv", "sub"),
    ("kraljevo3", "hv", "sub"),
    ("north", "ehv", "hv"),
)
# the line each loop-in site cuts, and the end nearer to the site
_LOOP_IN = {Site.TRUPALE: ("jagodina_nis", "nis2"), Site.NISKA_BANJA: ("nis_bulgaria", "nis2")}


def parse_site(site: str | Site | None) -> Site | None:
    """Return `site` as a :class:`Site` (``None`` stays ``None``: the grid without the plant).

    Raises
    ------
    UnknownNameError
        If `site` is not one of the three candidate sites; the message lists them.

    Examples
    --------
    >>> parse_site("krusevac")
    <Site.KRUSEVAC: 'krusevac'>
    """
    if site is None or isinstance(site, Site):
        return site
    try:
        return Site(str(site))
    except ValueError:
        names = ", ".join(repr(s.value) for s in Site)
        hint = suggest(str(site).lower(), [s.value for s in Site])
        close = f"; {hint}" if hint.startswith("did you mean") else ""
        msg = f"site = {site!r}: unknown site; expected one of {names} or None{close}"
        raise UnknownNameError(msg) from None


def _v(fid: str, unit: str) -> float:
    return value(f"serbia.{fid}", unit=unit)


@dataclass(frozen=True, slots=True)
class GridSpec:
    """Electrical parameters of the grid, each read from the catalogue.

    Parameters
    ----------
    year : int
        Model year (loads grow from ``serbia.load.base_year``).
    plant_capacity_mw : float
        Plant rating, MW (``serbia.plant.capacity``).
    plant_min_load : float
        Minimum stable load as a fraction of capacity (``serbia.plant.min_load``).
    annual_energy_twh : float
        National consumption in `year`, TWh.
    """

    year: int
    plant_capacity_mw: float
    plant_min_load: float
    annual_energy_twh: float

    def __post_init__(self) -> None:
        for name in ("plant_capacity_mw", "annual_energy_twh"):
            x = getattr(self, name)
            if not (isinstance(x, int | float) and math.isfinite(x) and x > 0):
                msg = f"GridSpec.{name} = {x!r}: expected a positive finite number"
                raise SpecError(msg)
        if not 0 <= self.plant_min_load < 1:
            msg = (
                f"GridSpec.plant_min_load = {self.plant_min_load!r}: expected a fraction in [0, 1)"
            )
            raise SpecError(msg)

    @classmethod
    def for_year(cls, year: int, **overrides: float) -> GridSpec:
        """Spec for `year` from the catalogue, with `overrides` (field names) replacing values."""
        growth = _v("load.growth_per_yr", "1/yr")
        base = int(_v("load.base_year", "year"))
        energy = _v("load.annual_energy", "TWh") * (1 + growth) ** max(0, year - base)
        fields = {
            "year": year,
            "plant_capacity_mw": _v("plant.capacity", "MW"),
            "plant_min_load": _v("plant.min_load", "p.u."),
            "annual_energy_twh": energy,
        }
        unknown = set(overrides) - set(fields)
        if unknown:
            bad = sorted(unknown)[0]
            msg = f"GridSpec override {bad!r}: unknown field, {suggest(bad, fields)}"
            raise SpecError(msg)
        return cls(**{**fields, **overrides})


def _coord(key: str) -> tuple[float, float]:
    return (_v(f"coord.{key}.lon", "deg"), _v(f"coord.{key}.lat", "deg"))


def _line_params(kv: int) -> dict[str, float]:
    """Per-km parameters of the lines at `kv` (catalogue ids ``serbia.line.kv<kv>.*``)."""
    return {
        "r_ohm_per_km": _v(f"line.kv{kv}.r_ohm_per_km", "ohm/km"),
        "x_ohm_per_km": _v(f"line.kv{kv}.x_ohm_per_km", "ohm/km"),
        "c_nf_per_km": _v(f"line.kv{kv}.c_nf_per_km", "nF/km"),
        "max_i_ka": _v(f"line.kv{kv}.max_i_ka", "kA"),
    }


class _Builder:
    """Small helper holding the net and the bus lookup while the grid is assembled."""

    def __init__(self, name: str) -> None:
        self.net = pp.create_empty_network(name=name, f_hz=50)
        self.kv = {
            "ehv": _v("grid.vn_ehv_kv", "kV"),
            "hv": _v("grid.vn_hv_kv", "kV"),
            "sub": _v("grid.vn_sub_kv", "kV"),
        }
        self.bus: dict[tuple[str, str], int] = {}

    def add_bus(self, key: str, level: str) -> int:
        idx = pp.create_bus(
            self.net,
            vn_kv=self.kv[level],
            name=f"{_LABELS[key]} {int(self.kv[level])} kV",
            geodata=_coord(key),
            zone=key,
        )
        self.bus[(key, level)] = int(idx)
        return int(idx)

    def add_line(
        self, name: str, a: str, b: str, level: str, length_km: float, corridor: str
    ) -> None:
        fb, tb = self.bus[(a, level)], self.bus[(b, level)]
        pp.create_line_from_parameters(
            self.net,
            fb,
            tb,
            length_km=length_km,
            name=name,
            geodata=[_coord(a), _coord(b)],
            corridor=corridor,
            **_line_params(int(self.kv[level])),
        )

    def add_trafo(self, name: str, sub: str, hv: str, lv: str) -> None:
        pp.create_transformer_from_parameters(
            self.net,
            self.bus[(sub, hv)],
            self.bus[(sub, lv)],
            sn_mva=_v(f"trafo.kv{int(self.kv[hv])}_{int(self.kv[lv])}.sn_mva", "MVA"),
            vn_hv_kv=self.kv[hv],
            vn_lv_kv=self.kv[lv],
            vkr_percent=_v("trafo.vkr_percent", "%"),
            vk_percent=_v("trafo.vk_percent", "%"),
            pfe_kw=0,
            i0_percent=0,
            name=name,
            corridor=name,
        )


def build_grid(
    site: str | Site | None = None, *, year: int, spec: GridSpec | None = None
) -> pp.pandapowerNet:
    """Build the grid around Niš, with the 500 MW plant at `site` (``None``: without it).

    Loads are set to the annual mean hour; use :func:`set_hour` or the study's hourly tables
    for other hours. Extra columns: ``corridor`` on lines and trafos (the element id events
    name; the two halves of a looped-in line share the original line's id).

    Parameters
    ----------
    site : {"trupale", "krusevac", "niska_banja"} or None
        Where the plant connects.
    year : int
        Model year.
    spec : GridSpec, optional
        Parameters; default ``GridSpec.for_year(year)``.

    Returns
    -------
    pandapower.pandapowerNet
        Buses with ``geo`` coordinates (lon, lat), lines, trafos, loads, three ext_grids
        (rest of Serbia, Bulgaria, North Macedonia) and, with a site, the plant as ``gen``
        named ``"plant"``.

    Raises
    ------
    UnknownNameError
        If `site` is not one of the three.

    Examples
    --------
    >>> net = build_grid("trupale", year=2029)
    >>> int(net.gen.loc[net.gen.name == "plant", "max_p_mw"].iloc[0])
    500
    """
    site = parse_site(site)
    spec = GridSpec.for_year(year) if spec is None else spec
    return copy.deepcopy(_build_cached(site, year, spec))


@functools.lru_cache(maxsize=16)
def _build_cached(site: Site | None, year: int, spec: GridSpec) -> pp.pandapowerNet:
    """Build once per (site, year, spec); callers get deep copies (pandapower nets are mutable)."""
    b = _Builder(f"serbia_{site.value if site else 'no_plant'}_{year}")
    for key in ("nis2", "leskovac2", "vranje4", "jagodina4", "bulgaria", "macedonia", "north"):
        b.add_bus(key, "ehv")
    for key in ("nis2", "krusevac1", "kraljevo3", "north"):
        b.add_bus(key, "hv")
    for key in SUBSTATIONS:
        if (key, "sub") not in b.bus:
            b.add_bus(key, "sub")
    loop = _LOOP_IN.get(site) if site else None
    if site is not None and site is not Site.KRUSEVAC:
        b.add_bus(site.value, "ehv")
    for level, lines in (("ehv", _LINES_400), ("hv", _LINES_220)):
        for corridor, a, z in lines:
            length = _v(f"line.{corridor}.length", "km")
            if loop is not None and loop[0] == corridor:
                near = _v(f"site.{site.value}.loop_in_km", "km")
                far_end = a if z == loop[1] else z
                far, close = far_end.rstrip(string.digits), loop[1].rstrip(string.digits)
                b.add_line(
                    f"{far}_{site.value}", far_end, site.value, level, length - near, corridor
                )
                b.add_line(f"{site.value}_{close}", site.value, loop[1], level, near, corridor)
            else:
                b.add_line(corridor, a, z, level, length, corridor)
    for tie, a, level in (
        ("jagodina_north", "jagodina4", "ehv"),
        ("kraljevo_north", "kraljevo3", "hv"),
    ):
        for k in range(int(_v(f"line.{tie}.circuits", "circuits"))):
            b.add_line(
                f"{tie}_{k + 1}",
                a,
                "north",
                level,
                _v(f"line.{tie}.length", "km"),
                f"{tie}_{k + 1}",
            )
    units = int(_v("trafo.units_per_substation", "units"))
    for sub, hv, lv in _TRAFOS:
        n = 1 if (sub, hv, lv) == ("nis2", "ehv", "hv") else units
        for k in range(n):
            kv_hv, kv_lv = int(b.kv[hv]), int(b.kv[lv])
            name = f"{sub}_{kv_hv}_{kv_lv}" + (f"_{k + 1}" if n > 1 else "")
            b.add_trafo(name, sub, hv, lv)
    net = b.net
    mean_mw = spec.annual_energy_twh * 1e6 / 8760
    tan_phi = math.tan(math.acos(_v("load.power_factor", "-")))
    shares = {s: _v(f"load.share.{s}", "p.u.") for s in SUBSTATIONS}
    for sub, share in shares.items():
        p = mean_mw * share
        pp.create_load(net, b.bus[(sub, "sub")], p_mw=p, q_mvar=p * tan_phi, name=f"load_{sub}")
    rest = mean_mw * (1 - sum(shares.values()))
    pp.create_load(
        net, b.bus[("north", "ehv")], p_mw=rest, q_mvar=rest * tan_phi, name="load_rest_of_serbia"
    )
    vm = _v("grid.vm_ext_pu", "p.u.")
    for key, name in (
        ("north", "rest_of_serbia"),
        ("bulgaria", "bulgaria"),
        ("macedonia", "north_macedonia"),
    ):
        pp.create_ext_grid(net, b.bus[(key, "ehv")], vm_pu=vm, name=name)
    if site is not None:
        if (
            site is Site.KRUSEVAC
        ):  # at the Kruševac 1 busbar of the level serbia.site.krusevac.connection_kv
            kv = _v("site.krusevac.connection_kv", "kV")
            level = next(lv for lv, vn in b.kv.items() if vn == kv and ("krusevac1", lv) in b.bus)
            plant_bus = b.bus[("krusevac1", level)]
        else:
            plant_bus = b.bus[(site.value, "ehv")]
        cap = spec.plant_capacity_mw
        pp.create_gen(
            net,
            plant_bus,
            p_mw=cap,
            vm_pu=_v("plant.vm_pu", "p.u."),
            name="plant",
            max_p_mw=cap,
            min_p_mw=cap * spec.plant_min_load,
            controllable=True,
        )
    net["regional_share"] = float(sum(shares.values()))
    return net


def element_ids(net: pp.pandapowerNet) -> list[str]:
    """Corridor ids of the net's lines and trafos (what scenario events may name)."""
    return sorted(set(net.line["corridor"]) | set(net.trafo["corridor"]))


def set_hour(net: pp.pandapowerNet, *, national_mw: float, plant_mw: float | None = None) -> None:
    """Set the loads of `net` (in place) for one hour of national demand `national_mw`.

    Parameters
    ----------
    net : pandapower.pandapowerNet
        A net from :func:`build_grid`.
    national_mw : float
        National consumption in that hour, MW.
    plant_mw : float, optional
        Plant output, MW (ignored when the net has no plant).
    """
    mean = net.load["p_mw"].sum()
    factor = national_mw / mean
    net.load["p_mw"] *= factor
    net.load["q_mvar"] *= factor
    if plant_mw is not None and len(net.gen):
        net.gen.loc[net.gen.name == "plant", "p_mw"] = float(plant_mw)
        net.gen.loc[net.gen.name == "plant", "in_service"] = bool(np.asarray(plant_mw) > 0)

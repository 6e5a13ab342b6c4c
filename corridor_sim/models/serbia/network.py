"""The transmission grid of southern and central Serbia around Niš as a pandapower net.

Every number comes from the catalogue (``assumptions_serbia.csv``): line lengths from the
ENTSO-E map extract (REFERENCES C1), per-km parameters from pandapower standard line types,
loads from the national consumption (C4, C5) shared out by substation, the plant from the
seed with a CCGT efficiency (B12). See ``docs/serbia.md``.

The grid is built in two steps: :func:`grid_data` reads every catalogue row into a
:class:`GridData` (plain tuples, read on every call, so a run's provenance lists them), and
:func:`build_grid` turns that data into a pandapower net. Only the second step is cached,
keyed on the data: pandapower takes about half a second to create the elements, and the site
study builds the same four nets in every run of a sweep.
"""

from __future__ import annotations

import copy
import functools
import math
import string
from dataclasses import dataclass

import numpy as np
import pandapower as pp

from corridor_sim.catalogue import value
from corridor_sim.errors import SpecError
from corridor_sim.models.params import ParamValues
from corridor_sim.models.serbia.params import PARAMS, Site, annual_energy_twh, parse_site
from corridor_sim.units import HOURS_PER_YEAR, MWH_PER_TWH

__all__ = [
    "SUBSTATIONS",
    "GridData",
    "GridSpec",
    "build_grid",
    "element_ids",
    "grid_data",
    "grid_elements",
    "set_hour",
]


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

# buses per voltage level, in creation order
_EHV_BUSES = ("nis2", "leskovac2", "vranje4", "jagodina4", "bulgaria", "macedonia", "north")
_HV_BUSES = ("nis2", "krusevac1", "kraljevo3", "north")
# 400 kV lines and the 220 kV lines: (corridor id, from, to)
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
# equivalent ties to the rest of Serbia: (tie id, from, level)
_TIES = (("jagodina_north", "jagodina4", "ehv"), ("kraljevo_north", "kraljevo3", "hv"))
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
# the one transformation with a single unit (its 220 kV side is also fed from Kruševac)
_SINGLE_UNIT = ("nis2", "ehv", "hv")
# the line each loop-in site cuts, and the end nearer to the site
_LOOP_IN = {Site.TRUPALE: ("jagodina_nis", "nis2"), Site.NISKA_BANJA: ("nis_bulgaria", "nis2")}
_EXT_GRIDS = (
    ("north", "rest_of_serbia"),
    ("bulgaria", "bulgaria"),
    ("macedonia", "north_macedonia"),
)


def _v(fid: str, unit: str) -> float:
    return value(f"serbia.{fid}", unit=unit)


@dataclass(frozen=True, slots=True)
class GridSpec:
    """The plant and load values of one grid, built from the model's parameters.

    Parameters
    ----------
    year : int
        Model year (loads grow from ``serbia.load.base_year``).
    plant_capacity_mw : float
        Plant rating, MW (parameter ``plant_capacity_mw``).
    plant_min_load : float
        Minimum stable load as a fraction of capacity (parameter ``min_load``).
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
            msg = f"min_load = {self.plant_min_load!r}: expected a fraction in [0, 1)"
            raise SpecError(msg)

    @classmethod
    def from_params(cls, p: ParamValues) -> GridSpec:
        """Take the grid values of resolved parameters `p` (``PARAMS.resolve(year, overrides)``)."""
        return cls(
            year=p.year,
            plant_capacity_mw=float(p.plant_capacity_mw),
            plant_min_load=float(p.min_load),
            annual_energy_twh=annual_energy_twh(p.year),
        )

    @classmethod
    def for_year(cls, year: int) -> GridSpec:
        """Return the catalogue defaults of `year`."""
        return cls.from_params(PARAMS.resolve(year))


@dataclass(frozen=True, slots=True)
class GridData:
    """Everything a grid net is made of, as plain values read from the catalogue.

    Rows are tuples in creation order (so equal data give identical nets):

    - ``levels``: (level, kV);
    - ``buses``: (key, level, vn_kv, name, lon, lat);
    - ``lines``: (name, from key, to key, level, length_km, corridor, r_ohm_per_km,
      x_ohm_per_km, c_nf_per_km, max_i_ka);
    - ``trafos``: (name, substation, hv level, lv level, sn_mva, vkr_percent, vk_percent);
    - ``loads``: (bus key, level, p_mw, q_mvar, name);
    - ``ext_grids``: (bus key, vm_pu, name);
    - ``plant``: (bus key, level, p_mw, vm_pu, min_p_mw), or ``None`` without the plant.
    """

    name: str
    levels: tuple[tuple[str, float], ...]
    buses: tuple[tuple[str, str, float, str, float, float], ...]
    lines: tuple[tuple[str, str, str, str, float, str, float, float, float, float], ...]
    trafos: tuple[tuple[str, str, str, str, float, float, float], ...]
    loads: tuple[tuple[str, str, float, float, str], ...]
    ext_grids: tuple[tuple[str, float, str], ...]
    plant: tuple[str, str, float, float, float] | None
    regional_share: float

    @property
    def element_ids(self) -> list[str]:
        """Corridor ids of the lines and trafos (what scenario events may name)."""
        return sorted({row[5] for row in self.lines} | {row[0] for row in self.trafos})


def _levels() -> dict[str, float]:
    return {
        "ehv": _v("grid.vn_ehv_kv", "kV"),
        "hv": _v("grid.vn_hv_kv", "kV"),
        "sub": _v("grid.vn_sub_kv", "kV"),
    }


def _buses(site: Site | None, kv: dict[str, float]) -> list[tuple]:
    keys = [(k, "ehv") for k in _EHV_BUSES] + [(k, "hv") for k in _HV_BUSES]
    keys += [(k, "sub") for k in SUBSTATIONS]
    if site is not None and site is not Site.KRUSEVAC:
        keys.append((site.value, "ehv"))
    return [
        (
            key,
            level,
            kv[level],
            f"{_LABELS[key]} {int(kv[level])} kV",
            _v(f"coord.{key}.lon", "deg"),
            _v(f"coord.{key}.lat", "deg"),
        )
        for key, level in keys
    ]


def _line_params(kv: float) -> tuple[float, float, float, float]:
    """Per-km r, x, c and the rating of the lines at `kv` (``serbia.line.kv<kv>.*``)."""
    k = int(kv)
    return (
        _v(f"line.kv{k}.r_ohm_per_km", "ohm/km"),
        _v(f"line.kv{k}.x_ohm_per_km", "ohm/km"),
        _v(f"line.kv{k}.c_nf_per_km", "nF/km"),
        _v(f"line.kv{k}.max_i_ka", "kA"),
    )


def _lines(site: Site | None, kv: dict[str, float]) -> list[tuple]:
    """Lines in creation order; a loop-in site cuts its line into two halves."""
    rows = []
    loop = _LOOP_IN.get(site) if site else None
    for level, lines in (("ehv", _LINES_400), ("hv", _LINES_220)):
        for corridor, a, z in lines:
            length = _v(f"line.{corridor}.length", "km")
            if site is not None and loop is not None and loop[0] == corridor:
                near = _v(f"site.{site.value}.loop_in_km", "km")
                far_end = a if z == loop[1] else z
                far, close = far_end.rstrip(string.digits), loop[1].rstrip(string.digits)
                parts = [
                    (f"{far}_{site.value}", far_end, site.value, length - near),
                    (f"{site.value}_{close}", site.value, loop[1], near),
                ]
            else:
                parts = [(corridor, a, z, length)]
            for name, x, y, km in parts:
                rows.append((name, x, y, level, km, corridor, *_line_params(kv[level])))
    for tie, a, level in _TIES:
        for k in range(int(_v(f"line.{tie}.circuits", "circuits"))):
            km = _v(f"line.{tie}.length", "km")
            name = f"{tie}_{k + 1}"
            rows.append((name, a, "north", level, km, name, *_line_params(kv[level])))
    return rows


def _trafos(kv: dict[str, float]) -> list[tuple]:
    rows = []
    units = int(_v("trafo.units_per_substation", "units"))
    for sub, hv, lv in _TRAFOS:
        n = 1 if (sub, hv, lv) == _SINGLE_UNIT else units
        for k in range(n):
            kv_hv, kv_lv = int(kv[hv]), int(kv[lv])
            name = f"{sub}_{kv_hv}_{kv_lv}" + (f"_{k + 1}" if n > 1 else "")
            rows.append(
                (
                    name,
                    sub,
                    hv,
                    lv,
                    _v(f"trafo.kv{kv_hv}_{kv_lv}.sn_mva", "MVA"),
                    _v("trafo.vkr_percent", "%"),
                    _v("trafo.vk_percent", "%"),
                )
            )
    return rows


def _loads(spec: GridSpec) -> tuple[list[tuple], float]:
    """Return the loads at the annual mean hour: a share per substation, the rest up north."""
    mean_mw = spec.annual_energy_twh * MWH_PER_TWH / HOURS_PER_YEAR
    tan_phi = math.tan(math.acos(_v("load.power_factor", "-")))
    shares = {s: _v(f"load.share.{s}", "p.u.") for s in SUBSTATIONS}
    rows = []
    for sub, share in shares.items():
        p = mean_mw * share
        rows.append((sub, "sub", p, p * tan_phi, f"load_{sub}"))
    rest = mean_mw * (1 - sum(shares.values()))
    rows.append(("north", "ehv", rest, rest * tan_phi, "load_rest_of_serbia"))
    return rows, float(sum(shares.values()))


def _plant(
    site: Site | None, spec: GridSpec, kv: dict[str, float], buses: list[tuple]
) -> tuple | None:
    if site is None:
        return None
    if site is Site.KRUSEVAC:  # at the Kruševac 1 busbar of serbia.site.krusevac.connection_kv
        conn = _v("site.krusevac.connection_kv", "kV")
        have = {(row[0], row[1]) for row in buses}
        levels = [lv for lv, vn in kv.items() if vn == conn and ("krusevac1", lv) in have]
        if not levels:
            there = sorted(kv[lv] for k, lv in have if k == "krusevac1")
            msg = (
                f"serbia.site.krusevac.connection_kv = {conn:g} kV: Kruševac 1 has no busbar "
                f"at that voltage; expected one of {there} kV"
            )
            raise SpecError(msg)
        key, level = "krusevac1", levels[0]
    else:
        key, level = site.value, "ehv"
    cap = spec.plant_capacity_mw
    return (key, level, cap, _v("plant.vm_pu", "p.u."), cap * spec.plant_min_load)


def grid_data(site: str | Site | None, spec: GridSpec) -> GridData:
    """Read every catalogue row of the grid with the plant at `site` (``None``: without).

    Raises
    ------
    UnknownNameError
        If `site` is not one of the three sites.
    """
    site = parse_site(site)
    kv = _levels()
    buses = _buses(site, kv)
    lines = _lines(site, kv)
    trafos = _trafos(kv)
    loads, regional = _loads(spec)
    vm = _v("grid.vm_ext_pu", "p.u.")
    return GridData(
        name=f"serbia_{site.value if site else 'no_plant'}_{spec.year}",
        levels=tuple(kv.items()),
        buses=tuple(buses),
        lines=tuple(lines),
        trafos=tuple(trafos),
        loads=tuple(loads),
        ext_grids=tuple((key, vm, name) for key, name in _EXT_GRIDS),
        plant=_plant(site, spec, kv, buses),
        regional_share=regional,
    )


@functools.lru_cache(maxsize=16)
def _assemble(data: GridData) -> pp.pandapowerNet:
    """Create the pandapower net of `data` (cached on the values: callers get deep copies)."""
    net = pp.create_empty_network(name=data.name, f_hz=50)
    bus: dict[tuple[str, str], int] = {}
    coord: dict[str, tuple[float, float]] = {}
    for key, level, vn, name, lon, lat in data.buses:
        coord[key] = (lon, lat)
        idx = pp.create_bus(net, vn_kv=vn, name=name, geodata=(lon, lat), zone=key)
        bus[(key, level)] = int(idx)
    for name, a, b, level, km, corridor, r, x, c, max_i in data.lines:
        pp.create_line_from_parameters(
            net,
            bus[(a, level)],
            bus[(b, level)],
            length_km=km,
            name=name,
            geodata=[coord[a], coord[b]],
            corridor=corridor,
            r_ohm_per_km=r,
            x_ohm_per_km=x,
            c_nf_per_km=c,
            max_i_ka=max_i,
        )
    vn = dict(data.levels)
    for name, sub, hv, lv, sn, vkr, vk in data.trafos:
        pp.create_transformer_from_parameters(
            net,
            bus[(sub, hv)],
            bus[(sub, lv)],
            sn_mva=sn,
            vn_hv_kv=vn[hv],
            vn_lv_kv=vn[lv],
            vkr_percent=vkr,
            vk_percent=vk,
            pfe_kw=0,
            i0_percent=0,
            name=name,
            corridor=name,
        )
    for key, level, p, q, name in data.loads:
        pp.create_load(net, bus[(key, level)], p_mw=p, q_mvar=q, name=name)
    for key, vm, name in data.ext_grids:
        pp.create_ext_grid(net, bus[(key, "ehv")], vm_pu=vm, name=name)
    if data.plant is not None:
        key, level, cap, vm, min_p = data.plant
        pp.create_gen(
            net,
            bus[(key, level)],
            p_mw=cap,
            vm_pu=vm,
            name="plant",
            max_p_mw=cap,
            min_p_mw=min_p,
            controllable=True,
        )
    net["regional_share"] = data.regional_share
    return net


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
        Plant and load values; default ``GridSpec.for_year(year)``.

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
    spec = GridSpec.for_year(year) if spec is None else spec
    return copy.deepcopy(_assemble(grid_data(site, spec)))


def grid_elements(year: int) -> list[str]:
    """Line and transformer ids an event may name in `year` (the same for every site).

    Read from the grid data, without building a net: a looped-in line keeps its id.

    Examples
    --------
    >>> ids = grid_elements(2029)
    >>> len(ids), "krusevac_kraljevo" in ids
    (28, True)
    """
    return grid_data(None, GridSpec.for_year(year)).element_ids


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

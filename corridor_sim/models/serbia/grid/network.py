"""The Serbian 400/220 kV grid as a pandapower net (the neighbours as equivalents).

:func:`build_grid` makes the net of a year and site from :func:`.grid.tables.grid_tables`:
every bus, line and transformer of the ENTSO-E map extract in Serbia and Kosovo (ids kept:
``line_4236``, ``trafo_15312``, bus name and ``key`` ``b2182``), the public changes up to the
year (``kragujevac2_kraljevo3``, ...), the neighbours' hubs and couplings, the loads at the
annual mean hour (national load times each substation's share), Serbia's power plants
(``gen``, ``unit`` column = the plant's id, ``kind`` = lignite, hydro_ror, hydro_storage,
wind, chp), the neighbours' net positions (``gen`` ``position_<CC>``, fixed) and the slack
(``ext_grid`` ``rest_of_europe`` at the ``EXT`` hub). See ``docs/serbia.md``.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.errors import SpecError
from corridor_sim.models.params import ParamValues
from corridor_sim.models.serbia.grid.tables import GridTables, grid_tables
from corridor_sim.models.serbia.grid.ties import default_open_borders
from corridor_sim.models.serbia.params import PARAMS, Site, annual_energy_twh, parse_site
from corridor_sim.models.serbia.values import Draw, cv
from corridor_sim.units import HOURS_PER_YEAR, MWH_PER_TWH

__all__ = [
    "MONITORED_KINDS",
    "GridSpec",
    "build_grid",
    "element_ids",
    "grid_elements",
    "monitored",
    "set_hour",
]

#: Line and transformer kinds the study screens (outages) and monitors (loadings):
#: Serbia's own elements and its tie lines (Kosovo's grid and the equivalents are not).
MONITORED_KINDS: tuple[str, ...] = ("rs", "tie")


@dataclass(frozen=True, slots=True)
class GridSpec:
    """The plant, load and grid options of one grid, built from the model's parameters.

    Parameters
    ----------
    year : int
        Model year (changes in service by then; loads grow from the base year).
    plant_capacity_mw : float
        Plant rating, MW (parameter ``plant_capacity_mw``).
    plant_min_load : float
        Minimum stable load as a fraction of capacity (of the plant's technology).
    annual_energy_twh : float
        National consumption in `year`, TWh.
    planned : bool
        Include planned grid changes (option ``planned_grid``).
    open_ties : frozenset of str
        Borders whose tie lines are open in this grid (no N-1 credit): by default the
        borders without commercial capacity or under dispute (Serbia–Kosovo,
        :func:`~corridor_sim.models.serbia.grid.ties.default_open_borders`); options
        ``credit_ties`` and ``open_ties`` change it.
    draw : Draw
        Catalogue values drawn by the robustness study (empty: the catalogue's).
    """

    year: int
    plant_capacity_mw: float
    plant_min_load: float
    annual_energy_twh: float
    planned: bool = True
    draw: Draw = field(default_factory=Draw)
    open_ties: frozenset[str] = field(default_factory=default_open_borders)

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
    def from_params(
        cls,
        p: ParamValues,
        *,
        planned: bool = True,
        draw: Mapping[str, float] | None = None,
        open_ties: frozenset[str] | None = None,
    ) -> GridSpec:
        """Take the grid values of resolved parameters `p` (``PARAMS.resolve(year, overrides)``)."""
        ocgt = str(p.get("technology", "ccgt")) == "ocgt"
        return cls(
            year=p.year,
            plant_capacity_mw=float(p.plant_capacity_mw),
            plant_min_load=float(p.ocgt_min_load if ocgt else p.min_load),
            annual_energy_twh=annual_energy_twh(p.year),
            planned=planned,
            draw=Draw(draw),
            open_ties=default_open_borders() if open_ties is None else frozenset(open_ties),
        )

    @classmethod
    def for_year(cls, year: int) -> GridSpec:
        """Return the catalogue defaults of `year`."""
        return cls.from_params(PARAMS.resolve(year))


def _keys(net: pp.pandapowerNet) -> dict[str, int]:
    return dict(zip(net.bus["key"], net.bus.index, strict=True))


def _per_unit(frame: pd.DataFrame, word: str) -> pd.DataFrame:
    """One row per circuit / transformer unit, so that an N-1 outage takes out one of them.

    The element keeps its ``id`` (the corridor an event names: all its circuits); the
    name gets "(circuit k)" / "(unit k)" when there are several.
    """
    n = frame["parallel"].astype(int).to_numpy()
    out = frame.loc[frame.index.repeat(n)].copy()
    k = np.concatenate([np.arange(1, m + 1) for m in n]) if len(n) else np.zeros(0, int)
    many = np.repeat(n > 1, n)
    out["name"] = [
        f"{nm} ({word} {i})" if mm else nm for nm, i, mm in zip(out["name"], k, many, strict=True)
    ]
    out["parallel"] = 1
    return out.reset_index(drop=True)


@functools.cache
def _empty() -> pp.pandapowerNet:
    """Return an empty pandapower net (creating one takes half a second; copies are cheap)."""
    return pp.create_empty_network(f_hz=50)


def _digest(tables: GridTables) -> str:
    """Hash the tables' values: nets are cached on it, never on the catalogue."""
    h = hashlib.sha256()
    for frame in (
        tables.buses,
        tables.lines,
        tables.trafos,
        tables.gens,
        tables.loads,
        tables.positions,
    ):
        h.update(frame.to_csv(index=False).encode())
    h.update(tables.slack.encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=16)
def _assemble_cached(digest: str, spec: GridSpec, site: Site | None) -> pp.pandapowerNet:
    return _assemble(_PENDING.pop(digest), spec, site)


_PENDING: dict[str, GridTables] = {}


def _assemble(tables: GridTables, spec: GridSpec, site: Site | None) -> pp.pandapowerNet:
    draw = spec.draw
    net = copy.deepcopy(_empty())
    net.name = f"serbia_{site.value if site else 'no_plant'}_{spec.year}"
    b = tables.buses
    idx = pp.create_buses(
        net,
        len(b),
        vn_kv=b["vn_kv"].to_numpy(),
        name=b["name"].tolist(),
        geodata=list(zip(b["lon"], b["lat"], strict=True)),
        zone=b["country"].tolist(),
    )
    for col in ("key", "country", "kind", "source"):
        net.bus.loc[idx, col] = b[col].to_numpy()
    at = _keys(net)
    ln = _per_unit(tables.lines, "circuit")
    lidx = pp.create_lines_from_parameters(
        net,
        [at[k] for k in ln["from"]],
        [at[k] for k in ln["to"]],
        length_km=ln["length_km"].to_numpy(),
        r_ohm_per_km=ln["r_ohm_per_km"].to_numpy(),
        x_ohm_per_km=ln["x_ohm_per_km"].to_numpy(),
        c_nf_per_km=ln["c_nf_per_km"].to_numpy(),
        max_i_ka=ln["max_i_ka"].to_numpy(),
        name=ln["name"].tolist(),
        parallel=ln["parallel"].to_numpy(),
        geodata=[list(g) for g in ln["geometry"]],
    )
    net.line.loc[lidx, "corridor"] = ln["id"].to_numpy()
    net.line.loc[lidx, "kind"] = ln["kind"].to_numpy()
    net.line.loc[lidx, "source"] = ln["source"].to_numpy()
    net.line.loc[lidx, "border"] = ln["border"].to_numpy()
    net.line.loc[lidx, "in_service"] = ln["in_service"].to_numpy(dtype=bool)
    t = _per_unit(tables.trafos, "unit")
    tidx = pp.create_transformers_from_parameters(
        net,
        [at[k] for k in t["hv"]],
        [at[k] for k in t["lv"]],
        sn_mva=t["sn_mva"].to_numpy(),
        vn_hv_kv=t["vn_hv_kv"].to_numpy(),
        vn_lv_kv=t["vn_lv_kv"].to_numpy(),
        vkr_percent=t["vkr_percent"].to_numpy(),
        vk_percent=t["vk_percent"].to_numpy(),
        pfe_kw=0.0,
        i0_percent=0.0,
        parallel=t["parallel"].to_numpy(),
        name=t["name"].tolist(),
    )
    net.trafo.loc[tidx, "corridor"] = t["id"].to_numpy()
    net.trafo.loc[tidx, "kind"] = t["kind"].to_numpy()
    net.trafo.loc[tidx, "source"] = t["source"].to_numpy()
    mean_mw = spec.annual_energy_twh * MWH_PER_TWH / HOURS_PER_YEAR
    tan_phi = math.tan(math.acos(cv("serbia.load.power_factor", "-", draw)))
    ld = tables.loads
    p = ld["share"].to_numpy() * mean_mw
    pp.create_loads(
        net, [at[k] for k in ld["bus"]], p_mw=p, q_mvar=p * tan_phi, name=ld["id"].tolist()
    )
    vm = cv("serbia.grid.vm_ext_pu", "p.u.", draw)
    g = tables.gens
    gidx = pp.create_gens(
        net,
        [at[k] for k in g["bus"]],
        p_mw=np.zeros(len(g)),
        vm_pu=vm,
        name=g["name"].tolist(),
        max_p_mw=g["capacity_mw"].to_numpy(),
        min_p_mw=0.0,
        controllable=True,
    )
    net.gen.loc[gidx, "unit"] = g["id"].to_numpy()
    net.gen.loc[gidx, "kind"] = g["kind"].to_numpy()
    pos = tables.positions
    pidx = pp.create_gens(
        net,
        [at[k] for k in pos["bus"]],
        p_mw=pos["p_mw"].to_numpy(),
        vm_pu=vm,
        name=pos["id"].tolist(),
        controllable=False,
    )
    net.gen.loc[pidx, "unit"] = pos["id"].to_numpy()
    net.gen.loc[pidx, "kind"] = "position"
    pp.create_ext_grid(net, at[tables.slack], vm_pu=vm, name="rest_of_europe")
    _add_plant(net, site, spec, at)
    return net


def _add_plant(net: pp.pandapowerNet, site: Site | None, spec: GridSpec, at: dict) -> None:
    if site is None:
        return
    draw = spec.draw
    if site is Site.KRUSEVAC:  # at the Kruševac 1 busbar of serbia.site.krusevac.connection_kv
        conn = cv("serbia.site.krusevac.connection_kv", "kV", draw)
        here = net.bus[(net.bus["key"] == "b2178") & np.isclose(net.bus["vn_kv"], conn)]
        if here.empty:
            there = sorted(net.bus.loc[net.bus["name"] == "Kruševac 1", "vn_kv"])
            msg = (
                f"serbia.site.krusevac.connection_kv = {conn:g} kV: Kruševac 1 has no busbar "
                f"at that voltage; expected one of {there} kV"
            )
            raise SpecError(msg)
        bus = int(here.index[0])
    else:
        bus = at[f"site_{site.value}"]
    cap = spec.plant_capacity_mw
    idx = pp.create_gen(
        net,
        bus,
        p_mw=cap,
        vm_pu=cv("serbia.plant.vm_pu", "p.u.", draw),
        name="plant",
        max_p_mw=cap,
        min_p_mw=cap * spec.plant_min_load,
        controllable=True,
    )
    net.gen.loc[idx, "unit"] = "plant"
    net.gen.loc[idx, "kind"] = "plant"


def build_grid(
    site: str | Site | None = None, *, year: int, spec: GridSpec | None = None
) -> pp.pandapowerNet:
    """Build the Serbian grid of `year` with the 500 MW plant at `site` (``None``: without it).

    Loads are at the annual mean hour and the plants at zero output; the study's hourly
    tables set both. Extra columns: ``corridor`` (the element id events name; a looped-in
    line's halves keep the original id), ``kind`` and ``source`` on lines and trafos;
    ``key``, ``country``, ``kind`` and ``source`` on buses; ``unit`` and ``kind`` on gens.

    Parameters
    ----------
    site : {"trupale", "krusevac", "niska_banja"} or None
        Where the plant connects.
    year : int
        Model year.
    spec : GridSpec, optional
        Plant, load and grid values; default ``GridSpec.for_year(year)``.

    Raises
    ------
    UnknownNameError
        If `site` is not one of the three.

    Examples
    --------
    >>> net = build_grid("trupale", year=2029)
    >>> int(net.gen.loc[net.gen.name == "plant", "max_p_mw"].iloc[0])
    500
    >>> "kragujevac2_kraljevo3" in set(net.line["corridor"])
    True
    """
    spec = GridSpec.for_year(year) if spec is None else spec
    site = parse_site(site)
    tables = grid_tables(
        spec.year,
        site.value if site else None,
        planned=spec.planned,
        draw=spec.draw,
        open_ties=spec.open_ties,
    )
    _read_assembly_rows(spec)
    digest = _digest(tables)
    _PENDING[digest] = tables
    net = _assemble_cached(digest, spec, site)
    _PENDING.pop(digest, None)
    return copy.deepcopy(net)


def _read_assembly_rows(spec: GridSpec) -> None:
    """Read the rows the assembly reads, so that a cached net still lists them in provenance."""
    cv("serbia.load.power_factor", "-", spec.draw)
    cv("serbia.grid.vm_ext_pu", "p.u.", spec.draw)
    cv("serbia.plant.vm_pu", "p.u.", spec.draw)
    cv("serbia.site.krusevac.connection_kv", "kV", spec.draw)


def grid_elements(year: int, *, planned: bool = True) -> list[str]:
    """Line and transformer ids an event may name in `year` (Serbia's and its ties).

    Read from the grid tables, without building a net: a looped-in line keeps its id.

    Examples
    --------
    >>> ids = grid_elements(2029)
    >>> "line_1682" in ids, "trafo_15312" in ids  # Kruševac 1 – Kraljevo 3, Niš 2 400/220
    (True, True)
    """
    t = grid_tables(year, None, planned=planned)
    lines = t.lines[t.lines["kind"].isin(MONITORED_KINDS)]["id"]
    trafos = t.trafos[t.trafos["kind"].isin(MONITORED_KINDS)]["id"]
    return sorted(set(lines) | set(trafos))


def element_ids(net: pp.pandapowerNet) -> list[str]:
    """Corridor ids of the net's monitored lines and trafos (what scenario events may name)."""
    ids = set()
    for table in ("line", "trafo"):
        tab = net[table]
        ids |= set(tab.loc[tab["kind"].isin(MONITORED_KINDS), "corridor"])
    return sorted(ids)


def monitored(net: pp.pandapowerNet) -> list[tuple[str, int]]:
    """(element type, index) of the in-service lines and trafos the study screens and monitors."""
    out = []
    for table in ("line", "trafo"):
        tab = net[table]
        ok = tab["kind"].isin(MONITORED_KINDS) & tab["in_service"].astype(bool)
        out += [(table, int(i)) for i in tab.index[ok]]
    return out


def set_hour(net: pp.pandapowerNet, *, national_mw: float, plant_mw: float | None = None) -> None:
    """Scale the loads of `net` (in place) to one hour of national demand `national_mw`.

    Parameters
    ----------
    net : pandapower.pandapowerNet
        A net from :func:`build_grid`.
    national_mw : float
        National consumption in that hour, MW.
    plant_mw : float, optional
        Plant output, MW (ignored when the net has no plant).
    """
    factor = national_mw / net.load["p_mw"].sum()
    net.load["p_mw"] *= factor
    net.load["q_mvar"] *= factor
    if plant_mw is not None and (net.gen["name"] == "plant").any():
        net.gen.loc[net.gen.name == "plant", "p_mw"] = float(plant_mw)
        net.gen.loc[net.gen.name == "plant", "in_service"] = bool(np.asarray(plant_mw) > 0)


def bus_points(net: pp.pandapowerNet) -> np.ndarray:
    """(lon, lat) of every bus in index order."""
    return np.array([json.loads(g)["coordinates"] for g in net.bus["geo"]], dtype=float)


def copy_net(net: pp.pandapowerNet) -> pp.pandapowerNet:
    """Return a deep copy (the study applies events and hours to copies)."""
    return copy.deepcopy(net)

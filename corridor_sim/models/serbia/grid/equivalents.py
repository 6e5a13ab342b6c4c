"""Grid table pieces: line types by voltage, line rows, the neighbours' equivalents.

Each neighbour is one hub bus; each of its border substations (the far end of a tie line)
links to it through ``serbia.neighbour.internal_km`` of 400 kV line (a 400/220 kV equivalent
transformer for a 220 kV border bus), and two hubs couple through the parallel impedance of the
real 220/380 kV lines between the two countries (``coupling_lines.csv``) plus each side's
internal equivalent (none for the rest of Europe, ``EXT``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from corridor_sim.models.serbia.grid.stored import EXTERNAL, read_tables
from corridor_sim.models.serbia.values import cv

__all__ = ["LevelParams", "equivalents", "level_params", "line_row"]

_BIG_KA = 100.0  # equivalents are not monitored: a rating that never binds


@dataclass(frozen=True, slots=True)
class LevelParams:
    """Standard line type of one voltage level (per circuit)."""

    vn_kv: float
    r_ohm_per_km: float
    x_ohm_per_km: float
    c_nf_per_km: float
    max_i_ka: float


def level_params(draw: Mapping[str, float] | None = None) -> dict[str, LevelParams]:
    """Line types by voltage class: ``"380"`` (the 400 kV level) and ``"220"``."""
    out = {}
    for cls, kv_id, lvl in (("380", "kv400", "ehv"), ("220", "kv220", "hv")):
        out[cls] = LevelParams(
            vn_kv=cv(f"serbia.grid.vn_{lvl}_kv", "kV", draw),
            r_ohm_per_km=cv(f"serbia.line.{kv_id}.r_ohm_per_km", "ohm/km", draw),
            x_ohm_per_km=cv(f"serbia.line.{kv_id}.x_ohm_per_km", "ohm/km", draw),
            c_nf_per_km=cv(f"serbia.line.{kv_id}.c_nf_per_km", "nF/km", draw),
            max_i_ka=cv(f"serbia.line.{kv_id}.max_i_ka", "kA", draw),
        )
    return out


def line_row(
    lid: str,
    a: str,
    z: str,
    cls: str,
    km: float,
    parallel: int,
    kind: str,
    name: str,
    source: str,
    geometry: list,
    lv: dict[str, LevelParams],
) -> dict:
    """Return one line row of the grid tables with the standard type of voltage class `cls`."""
    p = lv[cls]
    return {
        "id": lid,
        "name": name,
        "from": a,
        "to": z,
        "vn_kv": p.vn_kv,
        "length_km": km,
        "r_ohm_per_km": p.r_ohm_per_km,
        "x_ohm_per_km": p.x_ohm_per_km,
        "c_nf_per_km": p.c_nf_per_km,
        "max_i_ka": p.max_i_ka,
        "parallel": int(parallel),
        "kind": kind,
        "source": source,
        "geometry": geometry,
    }


def equivalents(
    buses: dict[str, dict], border: dict[str, list[str]], draw: Mapping[str, float] | None
) -> tuple[list[dict], list[dict]]:
    """Border-bus links to the hubs and hub-to-hub couplings (lines, and 400/220 kV trafos)."""
    lv = level_params(draw)
    ehv = lv["380"]
    internal = cv("serbia.neighbour.internal_km", "km", draw)
    z_base = ehv.vn_kv**2 / 100.0  # ohm per p.u. on 100 MVA at 400 kV
    z_int = complex(ehv.r_ohm_per_km, ehv.x_ohm_per_km) * internal / z_base
    lines, trafos = [], []
    for cc, keys in border.items():
        for k in keys:
            b = buses[k]
            geo = [(b["lon"], b["lat"]), (buses[f"hub_{cc}"]["lon"], buses[f"hub_{cc}"]["lat"])]
            if b["vn_kv"] == ehv.vn_kv:
                lines.append(
                    line_row(
                        f"eq_{k}_{cc}",
                        k,
                        f"hub_{cc}",
                        "380",
                        internal,
                        1,
                        "equivalent",
                        f"{b['name']} – {cc} equivalent",
                        "equivalent",
                        geo,
                        lv,
                    )
                )
                lines[-1]["c_nf_per_km"] = 0.0
                lines[-1]["max_i_ka"] = _BIG_KA
            else:
                sn = 1000.0
                trafos.append(
                    {
                        "id": f"eq_{k}_{cc}",
                        "name": f"{b['name']} – {cc} equivalent",
                        "hv": f"hub_{cc}",
                        "lv": k,
                        "sn_mva": sn,
                        "vn_hv_kv": ehv.vn_kv,
                        "vn_lv_kv": b["vn_kv"],
                        "vk_percent": abs(z_int) * sn,
                        "vkr_percent": z_int.real * sn,
                        "parallel": 1,
                        "kind": "equivalent",
                        "source": "equivalent",
                    }
                )
    coupling = read_tables().coupling_lines
    y: dict[tuple[str, str], complex] = {}
    for ln in coupling.itertuples(index=False):
        p = lv[ln.voltage]
        z = complex(p.r_ohm_per_km, p.x_ohm_per_km) * float(ln.length_m) / 1e3
        z_pu = z / int(ln.circuits) / (p.vn_kv**2 / 100.0)
        pair = tuple(sorted((ln.country0, ln.country1)))
        y[pair] = y.get(pair, 0j) + 1 / z_pu
    for (c0, c1), adm in sorted(y.items()):
        z_pu = 1 / adm + sum(z_int for c in (c0, c1) if c != EXTERNAL)
        row = line_row(
            f"eq_{c0}_{c1}",
            f"hub_{c0}",
            f"hub_{c1}",
            "380",
            1.0,
            1,
            "equivalent",
            f"{c0} – {c1} coupling",
            "equivalent: parallel of coupling_lines.csv",
            [(buses[f"hub_{c}"]["lon"], buses[f"hub_{c}"]["lat"]) for c in (c0, c1)],
            lv,
        )
        row.update(
            r_ohm_per_km=z_pu.real * z_base,
            x_ohm_per_km=z_pu.imag * z_base,
            c_nf_per_km=0.0,
            max_i_ka=_BIG_KA,
        )
        lines.append(row)
    return lines, trafos

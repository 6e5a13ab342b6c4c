"""The Aktau–Baku–Ceyhan oil route as a monthly commodity network.

Kazakh crude (``kazakh_fields``) is loaded at Aktau (``aktau_loading``), crosses
the Caspian by tanker (``tanker_lane``, capacity from fleet size, deadweight and
round-trip time, derated in the storm and ice season), waits if needed in the
Sangachal tanks near Baku (``baku_tanks``), and leaves by the BTC pipeline
(``btc``, the capacity Azerbaijani crude leaves free) to ``ceyhan`` or, as the
strategic reserve, by Baku–Supsa (``baku_supsa``) to ``supsa``. Optionally the
CPC pipeline to ``novorossiysk`` is added with its own Kazakh volume, which can
be diverted to Aktau (``cpc_diversion``) when CPC is disrupted.

Reserve rule (cost-based): Supsa and Novorossiysk cargoes carry a reserve premium
per tonne (``oil.cost.reserve_premium``: the Bosporus passage and the idle line's
stand-by cost) on top of the same pipeline tariff as BTC, so the LP sends crude
to Supsa only when BTC is full or out. Every delivered tonne is worth
``oil.market.value`` at the ``world_market`` sink, so the LP moves all crude it
can; what it cannot move is "unmet" (offered but not shipped).

Flows are kt per period (month, or part of a month around an outage); summaries
are in Mt. The package holds the parameters (:mod:`.params`), the network
(:mod:`.network`), the capacity study (:mod:`.study`), the scenario run (:mod:`.run`)
and the figures (:mod:`.figures`).

Examples
--------
>>> from corridor_sim.engines.commodity import solve
>>> net = build(year=2025)
>>> sol = solve(net)
>>> round(float(sol.flows.query("element == 'ceyhan_export'")["flow_kt"].sum()) / 1000, 3)
1.7
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from corridor_sim.engines.commodity import CommodityNetwork
from corridor_sim.models.base import ModelEntry
from corridor_sim.models.oil.network import ARCS, SINK, SOURCE, make_slices, network
from corridor_sim.models.oil.params import PARAMS
from corridor_sim.models.oil.run import OPTIONS, simulate
from corridor_sim.models.oil.study import bottleneck_sequence, route_capacity, volume_sweep
from corridor_sim.models.params import Parameter

__all__ = [
    "MODEL",
    "OPTIONS",
    "PARAMS",
    "SINK",
    "SOURCE",
    "bottleneck_sequence",
    "build",
    "elements",
    "parameters",
    "provenance",
    "route_capacity",
    "simulate",
    "volume_sweep",
]

#: Longest horizon: 50 years of months (the documented figures end in the 2020s).
MAX_MONTHS = 600


def build(
    year: int,
    *,
    periods: int = 12,
    relieve: Sequence[str] = (),
    **overrides: Any,  # noqa: ANN401
) -> CommodityNetwork:
    """Build the oil route for `year` as a commodity network (kt per month).

    Parameters
    ----------
    year : int
        Model year (2023 or later): the default Kazakh volume is the year's
        documented (2023: 1.06 Mt), planned (2024: 1.5, 2025: 1.7 Mt) or agreed
        (2026 on: 2.2 Mt/yr) volume.
    periods : int, default 12
        Number of months from January of `year`.
    relieve : sequence of str
        Arc ids given unlimited capacity (capacity studies).
    **overrides
        Parameters of :data:`PARAMS`, e.g. ``kazakh_volume_mt_per_yr=3.0``,
        ``asco_tankers_baku=4``, ``include_novorossiysk=True``.

    Returns
    -------
    CommodityNetwork
        Periods ``"YYYY-MM"`` with their snapshots; ``provenance_table()`` lists every
        parameter's catalogue id (see also :func:`provenance`).

    Raises
    ------
    UnknownNameError
        An override that is not a parameter (with suggestions).
    SpecError
        A year before 2023, or a bad value.

    Examples
    --------
    >>> net = build(2023)
    >>> net.periods[:2], net.unit
    (('2023-01', '2023-02'), 'kt')
    >>> "btc" in net.arc_ids
    True
    """
    p = PARAMS.resolve(year, overrides)
    return network(p, make_slices(year, periods), relieve=relieve)


def parameters(year: int) -> dict[str, Parameter]:
    """Return the accepted overrides for `year` with defaults, units and source ids."""
    return PARAMS.parameters(year)


def provenance(year: int, **overrides: Any) -> pd.DataFrame:  # noqa: ANN401
    """Every parameter of the `year` model with its value, unit and catalogue id(s).

    Examples
    --------
    >>> table = provenance(2025)
    >>> table.query("parameter == 'kazakh_volume_mt_per_yr'")["source_id"].tolist()
    ['oil.abc.volume_2025_plan']
    """
    return PARAMS.provenance(year, overrides)


def elements(year: int) -> list[str]:
    """Arc ids an event may name (the CPC ones need ``include_novorossiysk = true``)."""
    del year
    return list(ARCS)


def _figures(result: Any) -> dict[str, Any]:  # noqa: ANN401 - Result -> Figures
    from corridor_sim.models.oil.figures import figures  # noqa: PLC0415 - matplotlib on use

    return figures(result)


MODEL = ModelEntry(
    name="oil",
    description=(
        "Aktau–Baku–Ceyhan oil route: Kazakh crude by tanker and BTC, Supsa reserve, optional CPC"
    ),
    build=build,
    simulate=simulate,
    params=PARAMS,
    elements=elements,
    options=OPTIONS,
    resolutions=("month",),
    figures=_figures,
    max_periods=MAX_MONTHS,
    #: 2023: first year of the KMTF/ASCO fleet and port figures; 2026: the latest dated one
    years=(2023, 2026),
)

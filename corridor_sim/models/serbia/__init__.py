"""Serbian 500 MW gas plant near Niš: the grid site study and the gas supply from Azerbaijan.

``build(year, site=...)`` returns the pandapower net of Serbia's whole 400/220 kV grid (the
ENTSO-E map extract in PyPSA-Eur, updated with the public changes since, the neighbours as
equivalents) with the plant at Trupale, Kruševac or Niška Banja (``site=None``: without it;
by default the site the seed says is preferred, Kruševac). ``simulate(scenario)`` dispatches
Serbia's plants and the 500 MW plant against the regional power price (DC-OPF engine),
runs the site study over every hour of the year (DC flow and N-1 on the power engine, AC
checks with pandapower) for each site and "no plant", and the gas balance on the commodity
engine. The package is split by subject, each subpackage readable alone:

* :mod:`.grid` -- the network as built: the stored extract (``grid/data/``), the public
  changes, the neighbours' equivalents and the pandapower net;
* :mod:`.market` -- the economic dispatch of Serbia's plants and the 500 MW plant on the grid;
* :mod:`.study` -- the site study (hourly inputs from the dispatch, DC flow, N-1, AC checks),
  the site comparison and the robustness study;
* :mod:`.gas` -- the gas route, the daily gas chain and what the plant needs of it;
* :mod:`.validation` -- the model against public records by role (input, fitted,
  predicted): the load fitted on ENTSO-E's measured hours of 2015 and checked on 2016.

Shared by them: the parameters and sites (:mod:`.params`), the drawn values
(:mod:`.values`), the load's energy basis (:mod:`.load_basis`: end customers' consumption plus
the network losses), the hourly load and plant schedules (:mod:`.profiles`) and the load
backcast (:mod:`.backcast`); :mod:`.run` joins them in a scenario run and :mod:`.figures`
draws its Result. See ``docs/serbia.md``.

Examples
--------
>>> from corridor_sim.models import serbia
>>> net = serbia.build(2029, site="krusevac")
>>> list(net.ext_grid.name)
['rest_of_europe']
"""

from __future__ import annotations

import warnings
from typing import Any, cast

import numpy as np
import pandapower as pp

from corridor_sim.errors import SpecError
from corridor_sim.models.base import ModelEntry, lazy_figures
from corridor_sim.models.serbia.grid.network import GridSpec, build_grid, grid_elements
from corridor_sim.models.serbia.params import PARAMS, Site, parse_site, preferred_site
from corridor_sim.models.serbia.profiles import HOURS
from corridor_sim.models.serbia.run import OPTIONS, simulate

__all__ = [
    "MODEL",
    "OPTIONS",
    "PARAMS",
    "PREFERRED",
    "Site",
    "build",
    "elements",
    "parameters",
    "preferred_site",
    "provenance",
    "simulate",
]


class _Preferred:
    """Default of ``build(site=...)``: the seed's preferred site (:func:`preferred_site`)."""

    def __repr__(self) -> str:
        return "PREFERRED"


#: ``build(year)`` without `site`: the site ``serbia.plant.preferred_site`` names (Kruševac).
PREFERRED = _Preferred()
_NO_YEAR: Any = object()


def _year_and_site(
    year: Any,  # int, or a site in the old form
    site: str | Site | None | _Preferred,
    overrides: dict[str, Any],
) -> tuple[int, str | Site | None | _Preferred]:
    """Return (year, site) of build(2029, site=...), build(year=2029) or build(site, year=...)."""
    if year is _NO_YEAR:
        if "year" not in overrides:
            msg = "build(): year missing; expected build(2029) or build(2029, site='trupale')"
            raise SpecError(msg)
        year = overrides.pop("year")
    elif not isinstance(year, int | np.integer) or isinstance(year, bool):
        if "year" not in overrides or site is not PREFERRED:
            msg = (
                f"build({year!r}, ...): expected the model year first, e.g. "
                f"build(2029, site={year!r})"
            )
            raise SpecError(msg)
        warnings.warn(
            f"serbia.build({year!r}, year=...) is the old call; use "
            f"serbia.build(year, site={year!r})",
            DeprecationWarning,
            stacklevel=3,
        )
        site, year = cast("str | Site", year), overrides.pop("year")
    elif "year" in overrides:
        msg = f"build({year!r}, year={overrides['year']!r}): the year is given twice"
        raise SpecError(msg)
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        msg = f"year = {year!r}: expected an integer year, e.g. 2029"
        raise SpecError(msg)
    return int(year), site


def build(
    year: int | str | Site | None = _NO_YEAR,
    /,
    *,
    site: str | Site | None | _Preferred = PREFERRED,
    **overrides: Any,
) -> pp.pandapowerNet:
    """Build the grid around Niš in `year` with the 500 MW plant at `site`.

    Parameters
    ----------
    year : int
        Model year (loads grow from the 2024 national consumption). For the calls of
        earlier versions, ``build(site, year=2029)`` (a site first, the year as keyword)
        still works and warns (:class:`DeprecationWarning`); ``build(year=2029)`` works too.
    site : {"trupale", "krusevac", "niska_banja", "none"} or None, optional
        Where the plant connects; ``None`` or ``"none"``: the grid without the plant.
        Default: the site the seed says is preferred (``serbia.plant.preferred_site``,
        Kruševac), :data:`PREFERRED`.
    **overrides
        Parameters of :data:`PARAMS`; ``plant_capacity_mw``, ``technology`` and the minimum
        loads change the net, the others are checked and do not.

    Returns
    -------
    pandapower.pandapowerNet
        Buses with coordinates, lines (with their routes) and transformers of Serbia and
        Kosovo, the neighbours' equivalents, loads (annual mean hour), Serbia's plants and
        the neighbours' positions as ``gen``, the slack ``rest_of_europe`` and the plant as
        ``gen`` ``"plant"``.

    Raises
    ------
    UnknownNameError
        If `site` is not one of the three sites (the message lists them), or an override
        is not a parameter.
    SpecError
        If an override is out of bounds, or the year is missing.

    Examples
    --------
    >>> net = build(2029, site="trupale")
    >>> int((net.line["kind"] == "rs").sum()) > 60
    True
    >>> build(2029).name  # the preferred site
    'serbia_krusevac_2029'
    """
    year, site = _year_and_site(year, site, overrides)
    spec = GridSpec.from_params(PARAMS.resolve(year, overrides))
    chosen = preferred_site() if isinstance(site, _Preferred) else parse_site(site)
    return build_grid(chosen, year=year, spec=spec)


def elements(year: int) -> list[str]:
    """Line and transformer ids an event may name (the same for every site).

    Parameters
    ----------
    year : int
        Model year (planned lines appear from their announced year).

    Returns
    -------
    list of str
        The ids of the grid's lines and transformers, sorted.

    Examples
    --------
    >>> ids = elements(2029)
    >>> ids[:2], len(ids) > 50
    (['bajina_basta_400_220', 'bajina_basta_pljevlja'], True)
    """
    return grid_elements(year)


MODEL = ModelEntry(
    name="serbia",
    description=(
        "Serbian 500 MW gas plant near Niš: grid site study (N-1 over 8760 h) "
        "and Azerbaijani gas supply"
    ),
    build=build,
    simulate=simulate,
    params=PARAMS,
    elements=elements,
    options=OPTIONS,
    resolutions=("hour",),
    figures=lazy_figures("corridor_sim.models.serbia.figures:figures"),
    max_periods=HOURS,
    #: 2022: the grid extract and load records; 2030: the latest planned change read
    years=(2022, 2030),
)
parameters = MODEL.parameters
provenance = MODEL.parameter_provenance

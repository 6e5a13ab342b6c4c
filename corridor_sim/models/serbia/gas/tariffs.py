"""The plant's gas price by route: the hub price plus the transport tariffs along the route.

Declared once: :data:`ROUTE_LEGS` (each supply route's legs, upstream first) and
:data:`LEG_TARIFFS` (the catalogue row of each leg's tariff). The gas is bought at the hub
price (``serbia.gas.hub.ttf_2024``, TTF's 2024 average) where the route starts (the
Georgian–Turkish border, the Turkish–Bulgarian border, the LNG ship) and pays every tariff
from there to Niš. Imports only the catalogue, so the market's parameters can name the
routes (:mod:`corridor_sim.models.serbia.market.params`) without an import cycle.

Examples
--------
>>> round(delivered_price_eur_per_mwh_th("azerbaijan"), 2)
48.3
>>> price_table("lng")["eur_per_mwh_th"].sum() == delivered_price_eur_per_mwh_th("lng")
np.True_
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from corridor_sim.catalogue import fact
from corridor_sim.errors import UnknownNameError, suggest
from corridor_sim.models.serbia.values import cv

__all__ = [
    "GAS_ROUTES",
    "HUB_PRICE",
    "LEG_TARIFFS",
    "ROUTE_LABELS",
    "ROUTE_LEGS",
    "check_route",
    "delivered_price_eur_per_mwh_th",
    "price_table",
    "route_price_ids",
    "tariff_label",
]

#: Catalogue row of the hub price the plant's gas is bought at.
HUB_PRICE = "serbia.gas.hub.ttf_2024"

#: Each supply route to Serbia: its legs, upstream first (ids of :mod:`.supply`'s legs).
ROUTE_LEGS: dict[str, tuple[str, ...]] = {
    "balkan_stream": ("turkstream", "balkan_stream"),
    "azerbaijan": ("scp", "tanap", "tap", "igb", "bg_grid", "ibs"),
    "lng": ("lng_terminals", "gr_grid", "igb", "bg_grid", "ibs"),
}

#: The routes, today's supply first.
GAS_ROUTES: tuple[str, ...] = tuple(ROUTE_LEGS)

#: Names of the routes for tables and figures.
ROUTE_LABELS: dict[str, str] = {
    "balkan_stream": "Balkan Stream (TurkStream through Bulgaria, today's supply)",
    "azerbaijan": "Azerbaijani gas (SCP–TANAP–TAP–IGB–IBS)",
    "lng": "Greek LNG (Alexandroupolis, Revithoussa–IGB–IBS)",
}

#: Leg -> catalogue row of its transport tariff (EUR/MWh_th); legs without one are not here.
LEG_TARIFFS: dict[str, str] = {
    "balkan_stream": "serbia.gas.tariff.balkan_stream",  # the whole route through Türkiye
    "tanap": "serbia.gas.tariff.tanap",
    "tap": "serbia.gas.tariff.tap",
    "igb": "serbia.gas.tariff.igb",
    "bg_grid": "serbia.gas.tariff.bulgaria",
    "ibs": "serbia.gas.tariff.ibs",
    "lng_terminals": "serbia.gas.tariff.lng_regas",
    "gr_grid": "serbia.gas.tariff.desfa",
}


def check_route(route: str) -> str:
    """Return `route` if it is one of :data:`GAS_ROUTES`, else raise with the choices.

    Raises
    ------
    UnknownNameError
        An unknown route (with a "did you mean").
    """
    if route not in ROUTE_LEGS:
        msg = f"gas_route = {route!r}: unknown route, {suggest(str(route), GAS_ROUTES)}"
        raise UnknownNameError(msg)
    return route


def route_price_ids(route: str) -> tuple[str, ...]:
    """Return the catalogue rows that make up `route`'s gas price: the hub's, then each tariff's.

    The robustness study draws these rows from their ranges, so that a draw changes the
    price the plant pays on its route.

    Parameters
    ----------
    route : str
        One of :data:`GAS_ROUTES`.

    Returns
    -------
    tuple of str
        :data:`HUB_PRICE`, then the tariff row of each leg with one, upstream first.

    Raises
    ------
    UnknownNameError
        An unknown route.

    Examples
    --------
    >>> route_price_ids("balkan_stream")
    ('serbia.gas.hub.ttf_2024', 'serbia.gas.tariff.balkan_stream')
    """
    check_route(route)
    return (HUB_PRICE, *(LEG_TARIFFS[leg] for leg in ROUTE_LEGS[route] if leg in LEG_TARIFFS))


def price_table(
    route: str,
    *,
    hub_eur_per_mwh_th: float | None = None,
    draw: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Return the gas price of `route` by component: the hub price, then each leg's tariff.

    Parameters
    ----------
    route : str
        One of :data:`GAS_ROUTES`.
    hub_eur_per_mwh_th : float, optional
        The hub price (default: ``serbia.gas.hub.ttf_2024``, or its drawn value).
    draw : mapping, optional
        Catalogue values drawn by the robustness study.

    Returns
    -------
    DataFrame
        ``route, element, source, eur_per_mwh_th``: one row for the hub and one per tariff.
    """
    check_route(route)
    hub = cv(HUB_PRICE, "EUR/MWh_th", draw) if hub_eur_per_mwh_th is None else hub_eur_per_mwh_th
    rows = [{"route": route, "element": "hub", "source": HUB_PRICE, "eur_per_mwh_th": hub}]
    for leg in ROUTE_LEGS[route]:
        if leg in LEG_TARIFFS:
            fid = LEG_TARIFFS[leg]
            rows.append({"route": route, "element": leg, "source": fid,
                         "eur_per_mwh_th": cv(fid, "EUR/MWh_th", draw)})  # fmt: skip
    return pd.DataFrame(rows)


def delivered_price_eur_per_mwh_th(
    route: str,
    *,
    hub_eur_per_mwh_th: float | None = None,
    draw: Mapping[str, float] | None = None,
) -> float:
    """Gas price at Niš by `route`: the hub price plus every tariff along it (EUR/MWh_th)."""
    table = price_table(route, hub_eur_per_mwh_th=hub_eur_per_mwh_th, draw=draw)
    return float(table["eur_per_mwh_th"].sum())


def tariff_label(leg: str) -> str:
    """Subject of a leg's tariff row ("" for a leg without a tariff)."""
    return fact(LEG_TARIFFS[leg]).subject if leg in LEG_TARIFFS else ""

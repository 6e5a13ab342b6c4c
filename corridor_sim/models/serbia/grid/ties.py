"""Operating status of Serbia's cross-border ties, and which ties a study gives N-1 credit.

Every tie line belongs to a border (``RS-HU``, ..., ``RS-XK``); each border has an operating
status with its public reference (``data/ties.csv``, the catalogue rows it names):

* ``in_service`` -- in service with commercial capacity (joint auctions;
  ``serbia.tie.neighbours.status``);
* ``zero_capacity`` -- physically in service, no commercial capacity (Serbia–Kosovo: NTC zero
  since December 2020, Energy Community case ECS-2/21; ``serbia.tie.rs_xk.status``);
* ``open`` -- not in service.

A study gives N-1 credit only to ``in_service`` ties that are not disputed; the others are
treated as open (out of service in the dispatch, the flows and the N-1 screening). A
scenario may credit a border (option ``credit_ties``) or open one (``open_ties``); the
verdict then names the ties it relies on.

Examples
--------
>>> sorted(default_open_borders())
['RS-XK']
>>> open_borders(credit=["RS-XK"])
frozenset()
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable
from enum import StrEnum
from importlib import resources

import pandas as pd

from corridor_sim.catalogue import fact
from corridor_sim.errors import UnknownNameError, suggest

__all__ = [
    "TieStatus",
    "borders",
    "default_open_borders",
    "disputed_borders",
    "open_borders",
    "tie_status_table",
]


class TieStatus(StrEnum):
    """Operating status of a border's ties."""

    IN_SERVICE = "in_service"
    ZERO_CAPACITY = "zero_capacity"
    OPEN = "open"


@functools.cache
def _table() -> pd.DataFrame:
    text = (
        resources.files("corridor_sim.models.serbia.grid")
        .joinpath("data", "ties.csv")
        .read_text("utf-8")
    )
    table = pd.read_csv(io.StringIO(text), dtype={"disputed": bool})
    for status in table["status"]:
        TieStatus(status)  # a typo in the stored file fails here
    return table


def tie_status_table() -> pd.DataFrame:
    """Borders with status, disputed flag, default N-1 credit, catalogue id and reference.

    Returns
    -------
    pandas.DataFrame
        Columns ``border``, ``status``, ``disputed``, ``n1_credit`` (default), ``fact``,
        ``reference`` (the catalogue row's address) and ``note``.
    """
    table = _table().copy()
    table["n1_credit"] = (table["status"] == TieStatus.IN_SERVICE) & ~table["disputed"]
    table["reference"] = [fact(f).reference for f in table["fact"]]
    cols = ["border", "status", "disputed", "n1_credit", "fact", "reference", "note"]
    return table[cols]


def borders() -> tuple[str, ...]:
    """Every border with ties (``RS-HU``, ...)."""
    return tuple(_table()["border"])


def disputed_borders() -> frozenset[str]:
    """Borders whose operation is under dispute (``RS-XK``)."""
    t = _table()
    return frozenset(t.loc[t["disputed"], "border"])


def default_open_borders() -> frozenset[str]:
    """Borders a study treats as open by default: no capacity, open, or disputed."""
    t = tie_status_table()
    return frozenset(t.loc[~t["n1_credit"], "border"])


def _check(names: Iterable[str], field: str) -> list[str]:
    known = borders()
    out = []
    for name in names:
        if name not in known:
            msg = f"{field} = {name!r}: unknown border, {suggest(name, known)}"
            raise UnknownNameError(msg)
        out.append(name)
    return out


def open_borders(*, credit: Iterable[str] = (), open_: Iterable[str] = ()) -> frozenset[str]:
    """Borders treated as open: the default ones, less `credit`, plus `open_`.

    Parameters
    ----------
    credit : iterable of str
        Borders whose ties the scenario credits (in service in the study) although their
        status gives no credit by default, e.g. ``["RS-XK"]``.
    open_ : iterable of str
        Borders whose ties the scenario opens.

    Raises
    ------
    UnknownNameError
        If a name is not a border of ``data/ties.csv``.
    """
    credited = set(_check(credit, "credit_ties"))
    opened = set(_check(open_, "open_ties"))
    return frozenset((default_open_borders() - credited) | opened)

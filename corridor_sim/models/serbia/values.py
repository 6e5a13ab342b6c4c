"""Catalogue values with an optional Monte Carlo draw on top.

The robustness study (:mod:`.study.robustness`) draws values of catalogue rows from their
ranges (``low``, ``high``, ``distribution``) and builds the grid, the load and the
dispatch with them. The draw travels as a :class:`Draw` (an immutable mapping of
catalogue id to value) inside the specs; :func:`cv` reads a row from the draw when it
is there and from the catalogue otherwise, and records the row either way, so a run's
provenance still lists it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from corridor_sim.catalogue import fact, value
from corridor_sim.errors import SpecError

__all__ = ["Draw", "cv", "draw_from_ranges"]


class Draw(Mapping[str, float]):
    """An immutable, hashable mapping of catalogue id -> drawn value (in the row's unit).

    Examples
    --------
    >>> d = Draw({"serbia.line.kv220.max_i_ka": 1.2})
    >>> d["serbia.line.kv220.max_i_ka"], len(Draw())
    (1.2, 0)
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, float] | None = None) -> None:
        pairs = sorted((str(k), float(v)) for k, v in (items or {}).items())
        for k, v in pairs:
            if not np.isfinite(v):
                msg = f"draw[{k!r}] = {v!r}: expected a finite value"
                raise SpecError(msg)
        self._items: tuple[tuple[str, float], ...] = tuple(pairs)

    def __getitem__(self, key: str) -> float:
        for k, v in self._items:
            if k == key:
                return v
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Draw) and other._items == self._items

    def __repr__(self) -> str:
        return f"Draw({dict(self._items)!r})"


def cv(fid: str, unit: str, draw: Mapping[str, float] | None = None) -> float:
    """Value of catalogue row `fid` in `unit`, or the drawn value when `draw` has it.

    Examples
    --------
    >>> cv("serbia.line.kv220.max_i_ka", "kA")
    0.96
    >>> cv("serbia.line.kv220.max_i_ka", "kA", Draw({"serbia.line.kv220.max_i_ka": 1.1}))
    1.1
    """
    if draw and fid in draw:
        row = fact(fid)  # recorded for provenance
        if row.unit != unit:
            value(fid, unit=unit)  # raises the catalogue's UnitError
        return float(draw[fid])
    return value(fid, unit=unit)


def draw_from_ranges(ids: list[str], rng: np.random.Generator) -> Draw:
    """Draw each catalogue row in `ids` from its range (``triangular`` when not given).

    ``uniform`` and ``triangular`` (mode = the row's value) sample between ``low`` and
    ``high``; ``normal`` and ``lognormal`` read ``low``/``high`` as the 5th and 95th
    percentiles.

    Raises
    ------
    SpecError
        If a row has no range.

    Examples
    --------
    >>> d = draw_from_ranges(["serbia.line.kv220.max_i_ka"], np.random.default_rng(0))
    >>> 0.96 <= d["serbia.line.kv220.max_i_ka"] <= 1.29
    True
    """
    z95 = 1.6448536269514722
    out: dict[str, float] = {}
    for fid in ids:
        row = fact(fid, record=False)
        if not row.has_range:
            msg = f"{fid}: catalogue row has no range (low, high); expected one to draw from"
            raise SpecError(msg)
        assert row.low is not None  # has_range
        assert row.high is not None
        lo, hi = float(row.low), float(row.high)
        shape = row.distribution or "triangular"
        if shape == "uniform" or lo == hi:
            x = rng.uniform(lo, hi)
        elif shape == "triangular":
            assert row.value is not None
            mode = min(max(float(row.value), lo), hi)
            x = rng.triangular(lo, mode, hi)
        elif shape == "normal":
            x = rng.normal((lo + hi) / 2, (hi - lo) / (2 * z95))
        else:  # lognormal
            mu, sigma = (np.log(lo) + np.log(hi)) / 2, (np.log(hi) - np.log(lo)) / (2 * z95)
            x = rng.lognormal(mu, sigma)
        out[fid] = float(x)
    return Draw(out)

"""What a model builds once per worker process and hands out as copies (:class:`BuildCache`).

Draws of a Monte Carlo study and points of a sweep often build the same network: the drawn
values are profiles or an override that the network does not read. A :class:`BuildCache`
keeps the object built for a key (the model's resolved parameters) together with every
catalogue row the build read and the row as it read it. A later call with the same key
re-reads those rows under the caller's catalogue (drawn rows included, see
:func:`corridor_sim.catalogue.overriding`): when every row is the same, the cached object
is returned as a deep copy, and the rows are recorded again in the caller's
:func:`corridor_sim.catalogue.recording` block, in the order the build read them, so the
run's provenance is the one a new build gives. Any other row, or another key, builds anew.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from corridor_sim.catalogue import fact, recording
from corridor_sim.errors import FactError

__all__ = ["BuildCache"]

T = TypeVar("T")


class BuildCache(Generic[T]):
    """Objects built once per process, keyed, checked against the catalogue rows they read.

    Parameters
    ----------
    max_items : int, default 4
        Builds kept (least recently used go first).

    Attributes
    ----------
    hits, misses : int
        Calls answered from the cache, and calls that built.

    Examples
    --------
    >>> from corridor_sim.catalogue import overriding, value
    >>> cache = BuildCache()
    >>> build = lambda: {"bbl_per_t": value("units.crude.bbl_per_t")}
    >>> cache.get("crude", build), cache.get("crude", build), (cache.hits, cache.misses)
    ({'bbl_per_t': 7.38}, {'bbl_per_t': 7.38}, (1, 1))
    >>> with overriding({"units.crude.bbl_per_t": 7.5}):  # a drawn row: built anew
    ...     cache.get("crude", build)
    {'bbl_per_t': 7.5}
    """

    def __init__(self, max_items: int = 4) -> None:
        self.max_items = int(max_items)
        self._items: OrderedDict[Hashable, list[tuple[list[tuple[str, Any]], T]]] = OrderedDict()
        self._lock = threading.Lock()  # the bookkeeping only; builds run outside it
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """Return a deep copy of the object `build()` makes for `key`.

        Parameters
        ----------
        key : hashable
            Everything the build depends on besides the catalogue (e.g. the year and the
            parameter values).
        build : callable
            Makes the object; it may read catalogue rows, nothing else that changes.

        Returns
        -------
        object
            A copy the caller may change.

        Examples
        --------
        >>> cache = BuildCache(max_items=1)
        >>> a = cache.get(1, lambda: [1.0]); a.append(2.0)
        >>> cache.get(1, lambda: [1.0])  # the cached build, not the caller's change
        [1.0]
        """
        with self._lock:
            variants = list(self._items.get(key, []))
        for rows, built in variants:
            if _same_rows(rows):
                with self._lock:
                    self.hits += 1
                    if key in self._items:
                        self._items.move_to_end(key)
                return copy.deepcopy(built)
        with recording() as ids:
            built = build()
        rows = [(i, fact(i, record=False)) for i in ids]
        kept = copy.deepcopy(built)
        with self._lock:
            self.misses += 1
            variants = self._items.setdefault(key, [])
            variants.insert(0, (rows, kept))
            del variants[self.max_items :]
            self._items.move_to_end(key)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
        return built

    def clear(self) -> None:
        """Drop every build (the next call of each key builds anew).

        Examples
        --------
        >>> cache = BuildCache(); _ = cache.get(1, list); cache.clear(); len(cache)
        0
        """
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        """Return the number of builds kept."""
        return sum(len(v) for v in self._items.values())


def _same_rows(rows: list[tuple[str, Any]]) -> bool:
    """Read each row again (recording it); True when every one is as the build read it."""
    for fact_id, row in rows:
        try:
            if fact(fact_id) != row:
                return False
        except FactError:
            return False
    return True

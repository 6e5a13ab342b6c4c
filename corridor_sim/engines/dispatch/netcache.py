"""The nets a process has read, by content: draws of one scenario read their net once.

:func:`read_net_cached` returns the :class:`~corridor_sim.engines.dispatch.netdata.NetData`
of a net whose tables equal those of a net read before in this process (a digest of every
input table and setting, not the object's identity: each draw passes its own copy), so a
worker reads the net, builds each block matrix and hashes each LP structure once per
scenario. Only hour-dependent values (bounds, costs of the tables) change between draws.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import pandapower as pp
import pandas as pd

from corridor_sim.engines.dispatch.netdata import NetData, read_net

__all__ = ["PROCESS_NET_DATA", "NetDataCache", "net_digest", "read_net_cached"]


def net_digest(net: pp.pandapowerNet) -> str | None:
    """Digest of a net's input tables and settings (not its results); None if unhashable.

    Parameters
    ----------
    net : pandapowerNet
        Any net.

    Returns
    -------
    str or None
        Hex digest; equal for nets with equal element tables (values, dtypes, index) and
        settings (``sn_mva``, ``f_hz``, ...). Result tables and pandapower's internal
        entries (``res_*``, ``_*``) are left out.

    Examples
    --------
    >>> import copy
    >>> import pandapower.networks as pn
    >>> net = pn.case9()
    >>> twin = copy.deepcopy(net)
    >>> net_digest(net) == net_digest(twin)
    True
    >>> twin.load.loc[0, "p_mw"] += 1.0
    >>> net_digest(net) == net_digest(twin)
    False
    """
    digest = hashlib.blake2b(digest_size=16)
    try:
        for key in sorted(net.keys()):
            if key.startswith(("res_", "_")):
                continue
            item = net[key]
            if isinstance(item, pd.DataFrame):
                head = (key, list(item.columns), [str(t) for t in item.dtypes], item.shape)
                digest.update(repr(head).encode())
                if len(item):
                    hashed = pd.util.hash_pandas_object(item, index=True).to_numpy()
                    digest.update(hashed.tobytes())
            else:
                digest.update(repr((key, item)).encode())
    except TypeError:  # a cell pandas cannot hash (a list, a dict): no cache for this net
        return None
    return digest.hexdigest()


class NetDataCache:
    """:class:`NetData` of the nets read in this process, by :func:`net_digest` and options.

    The NetData keeps its LP memo (block matrices, structure keys), so a hit saves those
    too. At most `max_items` nets (least recently used go first).

    Parameters
    ----------
    max_items : int, default 8
        Nets kept.

    Examples
    --------
    >>> import copy
    >>> import pandapower.networks as pn
    >>> net = pn.case9()
    >>> net.poly_cost["cp2_eur_per_mw2"] = 0.0  # linear costs
    >>> cache = NetDataCache()
    >>> opts = {"storage": False, "round_trip_efficiency_pct": 90.0, "initial_soc_pct": 50.0}
    >>> a = cache.get(net, opts)
    >>> b = cache.get(copy.deepcopy(net), opts)
    >>> a is b, cache.hits, cache.misses
    (True, 1, 1)
    """

    def __init__(self, max_items: int = 8) -> None:
        self.max_items = int(max_items)
        self._items: OrderedDict[tuple, NetData] = OrderedDict()
        self._lock = threading.Lock()  # the bookkeeping only; reading a net runs outside it
        self.hits = 0
        self.misses = 0

    def get(self, net: pp.pandapowerNet, options: Mapping[str, Any]) -> NetData:
        """Return ``read_net(net, **options)``, read once per content and options.

        Parameters
        ----------
        net : pandapowerNet
            The net (not modified).
        options : mapping
            Keyword arguments of :func:`~corridor_sim.engines.dispatch.netdata.read_net`.

        Returns
        -------
        NetData
            Shared between the calls with equal nets: treat it as read-only.

        Examples
        --------
        >>> import pandapower.networks as pn
        >>> net = pn.case9()
        >>> net.poly_cost["cp2_eur_per_mw2"] = 0.0
        >>> opts = {"storage": False, "round_trip_efficiency_pct": 90.0, "initial_soc_pct": 50.0}
        >>> NetDataCache().get(net, opts).n_row
        9
        """
        digest = net_digest(net)
        if digest is None:
            self.misses += 1
            return read_net(net, **options)
        key = (digest, tuple(sorted(options.items())))
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self.hits += 1
                self._items.move_to_end(key)
                return data
            self.misses += 1
        data = read_net(net, **options)
        with self._lock:
            self._items[key] = data
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
        return data

    def clear(self) -> None:
        """Drop every net read (the next call of each reads anew).

        Examples
        --------
        >>> NetDataCache().clear()
        """
        with self._lock:
            self._items.clear()


#: The nets read by :func:`corridor_sim.engines.dispatch.dispatch` in this process.
PROCESS_NET_DATA = NetDataCache()


def read_net_cached(net: pp.pandapowerNet, **options: Any) -> NetData:
    """``read_net(net, **options)`` through :data:`PROCESS_NET_DATA`.

    Parameters
    ----------
    net : pandapowerNet
        The net (not modified).
    **options
        Keyword arguments of :func:`~corridor_sim.engines.dispatch.netdata.read_net`.

    Returns
    -------
    NetData
        Shared with earlier calls on equal nets.

    Examples
    --------
    >>> import pandapower.networks as pn
    >>> net = pn.case9()
    >>> net.poly_cost["cp2_eur_per_mw2"] = 0.0
    >>> data = read_net_cached(net, storage=False, round_trip_efficiency_pct=90.0,
    ...                        initial_soc_pct=50.0)
    >>> data.units.cost.size
    3
    """
    return PROCESS_NET_DATA.get(net, options)

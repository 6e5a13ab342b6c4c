"""Hand models and results to other tools: pandapower JSON, Excel, xarray and NetCDF.

- :func:`to_pandapower_json` — a model's network, where it is a pandapower net (``caspian``,
  ``serbia``), as a pandapower JSON file that ``pandapower.from_json`` reads back;
- :func:`pandapower_models` — the models whose ``build()`` returns a pandapower net;
- :func:`to_excel`, :func:`to_xarray`, :func:`to_netcdf` — the same as the methods
  :meth:`Result.to_excel <corridor_sim.Result.to_excel>`, ``to_xarray`` and ``to_netcdf``.

Each function has an example; see also ``docs/export.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor_sim.errors import SpecError
from corridor_sim.results._export import to_excel
from corridor_sim.results._store import write_file_atomically
from corridor_sim.results._xarray import to_netcdf, to_xarray

if TYPE_CHECKING:
    import pandapower as pp

__all__ = [
    "net_to_json",
    "pandapower_models",
    "to_excel",
    "to_netcdf",
    "to_pandapower_json",
    "to_xarray",
]


def _is_pandapower_net(obj: object) -> bool:
    import pandapower as pp  # pandapower takes a second to import

    return isinstance(obj, pp.pandapowerNet)


def net_to_json(net: pp.pandapowerNet, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a pandapower net as pandapower JSON (``pandapower.to_json``), atomically.

    Parameters
    ----------
    net : pandapower.pandapowerNet
        Any pandapower net.
    path : str or Path
        The ``.json`` file; written beside it and renamed into place.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    Path
        `path`.

    Raises
    ------
    SpecError
        If `net` is not a pandapower net.
    ResultError
        If `path` exists without `overwrite`, or is a folder.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandapower as pp
    >>> import pandapower.networks as pn
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "four_bus.json"
    >>> net_to_json(pn.simple_four_bus_system(), path).name
    'four_bus.json'
    >>> len(pp.from_json(path).bus)
    4
    >>> net_to_json(pn.simple_four_bus_system(), path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    corridor_sim.errors.ResultError: ...
    """
    import pandapower as pp

    if not _is_pandapower_net(net):
        msg = f"net: a {type(net).__name__}; expected a pandapower net (pandapowerNet)"
        raise SpecError(msg)

    def write(tmp: Path) -> None:
        pp.to_json(net, str(tmp))

    return write_file_atomically(Path(path), write, overwrite=overwrite)


def to_pandapower_json(
    model: str,
    year: int,
    path: str | Path,
    *,
    overwrite: bool = False,
    **params: Any,  # the model's build() parameters
) -> Path:
    """Build `model` for `year` and write its pandapower net as pandapower JSON.

    Equivalent to ``pandapower.to_json(corridor_sim.models.<model>.build(year, **params),
    path)``, written atomically.

    Parameters
    ----------
    model : str
        A model whose network is a pandapower net: ``"caspian"`` or ``"serbia"``
        (:func:`pandapower_models`).
    year : int
        Model year.
    path : str or Path
        The ``.json`` file.
    overwrite : bool, default False
        Replace an existing file.
    **params
        Passed to the model's ``build`` (overrides; ``site=`` for ``serbia``).

    Returns
    -------
    Path
        `path`; ``pandapower.from_json(path)`` gives the net back.

    Raises
    ------
    UnknownNameError
        Unknown model.
    SpecError
        If the model's network is not a pandapower net (``oil``, ``middle_corridor`` and
        ``commodity`` build a CommodityNetwork: use
        ``corridor_sim.engines.commodity.to_networkx``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandapower as pp
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "caspian_2032.json"
    >>> net = pp.from_json(to_pandapower_json("caspian", 2032, path, caspian_cable_mw=1500))
    >>> len(net.bus)
    14
    """
    from corridor_sim.models import get_model  # the registry imports models

    entry = get_model(model)
    net = entry.build(year, **params)
    if not _is_pandapower_net(net):
        msg = (
            f"model {model!r}: build() returns a {type(net).__name__}, not a pandapower net; "
            f"pandapower JSON is for {pandapower_models()} (a commodity network goes to "
            "networkx: corridor_sim.engines.commodity.to_networkx)"
        )
        raise SpecError(msg)
    return net_to_json(net, path, overwrite=overwrite)


#: Built-in models whose network is a pandapower net.
_PANDAPOWER_MODELS = ("caspian", "serbia")


def pandapower_models() -> list[str]:
    """Names of the built-in models whose ``build()`` returns a pandapower net.

    Returns
    -------
    list of str
        The model names :func:`to_pandapower_json` accepts.

    Examples
    --------
    >>> pandapower_models()
    ['caspian', 'serbia']
    """
    return list(_PANDAPOWER_MODELS)

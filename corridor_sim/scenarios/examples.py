"""A toy network and scenario for examples: one supply, one demand, one narrow arc.

The docstrings of the scenario, study and plotting functions run on it, so an example
shows the function, not the setup; a notebook user can start from it too. The answer is
known by hand: node ``s`` offers 5 units per period, node ``d`` asks for ``demand``
(3 by default) and the arc ``s->d`` carries at most 2, so 2 are delivered and the rest is
unmet. The nodes stand at Aktau (``s``) and Baku (``d``), so the network can be drawn on
a map (:func:`corridor_sim.plotting.maps.commodity_map`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corridor_sim.scenarios.scenario import Scenario

if TYPE_CHECKING:
    from corridor_sim.scenarios.diff import ScenarioDiff
    from corridor_sim.scenarios.study import StudyResult

__all__ = ["example_diff", "example_monte_carlo", "example_network", "example_scenario"]

#: Where the toy nodes are drawn (degrees east and north, rounded): the ports of Aktau and Baku.
_AKTAU = {"lon": 51.17, "lat": 43.65, "label": "Aktau"}
_BAKU = {"lon": 49.87, "lat": 40.41, "label": "Baku"}


def example_network(*, demand: float = 3.0, capacity: float = 2.0) -> dict[str, Any]:
    """Return the toy commodity network: supply ``s`` (5) → arc ``s->d`` → demand ``d``.

    Parameters
    ----------
    demand : float, default 3.0
        What node ``d`` asks for in each period, in the network's unit (``t``).
    capacity : float, default 2.0
        Capacity of the arc ``s->d`` per period, in ``t``.

    Returns
    -------
    dict
        The ``network`` table of a ``model = "commodity"`` scenario: ``unit``, ``nodes``
        (with ``lon``, ``lat`` in degrees and a ``label``) and ``arcs``, as
        :func:`corridor_sim.engines.commodity.network_from_dict` reads it.

    Examples
    --------
    >>> net = example_network(demand=4.0)
    >>> [node["id"] for node in net["nodes"]], net["arcs"][0]["capacity"]
    (['s', 'd'], 2.0)
    """
    return {
        "unit": "t",
        "nodes": [
            {"id": "s", "kind": "supply", "supply": 5.0, **_AKTAU},
            {"id": "d", "kind": "demand", "demand": float(demand), **_BAKU},
        ],
        "arcs": [{"source": "s", "target": "d", "capacity": float(capacity)}],
    }


def example_scenario(*, demand: float = 3.0, capacity: float = 2.0, **fields: Any) -> Scenario:
    """Return a ``model = "commodity"`` scenario of year 2025 on :func:`example_network`.

    Parameters
    ----------
    demand, capacity : float
        Passed to :func:`example_network` (in ``t`` per period).
    **fields
        Further :class:`~corridor_sim.scenarios.Scenario` fields: ``name``, ``seed``,
        ``overrides``, ``events``, ...

    Returns
    -------
    Scenario
        Runs in milliseconds: 2 t delivered, ``demand - 2`` t unmet (with the defaults).

    Raises
    ------
    ScenarioError
        A field of the wrong type or value (as :class:`Scenario` does).

    Examples
    --------
    >>> import corridor_sim as cs
    >>> r = cs.run(example_scenario(name="toy"))
    >>> r.metric("delivered"), r.metric("unmet")
    (2.0, 1.0)
    """
    return Scenario(
        model="commodity",
        year=2025,
        network=example_network(demand=demand, capacity=capacity),
        **fields,
    )


def example_monte_carlo(draws: int = 8, **fields: Any) -> StudyResult:
    """Return a Monte Carlo study of :func:`example_scenario` with an uncertain demand.

    The demand of ``d`` is drawn uniformly between 1 and 3 t, so a draw is short (``unmet``
    above 0) exactly when its demand exceeds the arc's 2 t: about half of them.

    Parameters
    ----------
    draws : int, default 8
        Number of draws (each a run of a few milliseconds).
    **fields
        Further :class:`~corridor_sim.scenarios.Scenario` fields (default ``name="toy"``,
        ``seed=1``).

    Returns
    -------
    StudyResult
        As :func:`corridor_sim.monte_carlo` returns it, without the catalogue's ranges
        and without a progress bar.

    Examples
    --------
    >>> mc = example_monte_carlo(20)
    >>> wide = mc.wide()
    >>> bool(((wide["unmet"] > 0) == (wide["d.demand"] > 2.0)).all())
    True
    """
    from corridor_sim.scenarios.runner import monte_carlo

    scenario = example_scenario(**{"name": "toy", "seed": 1, **fields})
    return monte_carlo(
        scenario,
        draws,
        distributions={"d.demand": ("uniform", 1.0, 3.0)},
        catalogue=False,
        progress=False,
    )


def example_diff(*, demand: float = 3.0, capacity: float = 3.0) -> ScenarioDiff:
    """Return :func:`corridor_sim.diff` of the toy network with its arc widened.

    A is :func:`example_scenario` named ``"base"`` (arc ``s->d`` of 2 t), B the same named
    ``"wider"`` with the arc at `capacity`.

    Parameters
    ----------
    demand : float, default 3.0
        What node ``d`` asks for, in ``t`` per period (both runs).
    capacity : float, default 3.0
        Capacity of the arc ``s->d`` in B, in ``t`` per period.

    Returns
    -------
    ScenarioDiff
        Both runs (a few milliseconds each) and their comparison.

    Examples
    --------
    >>> d = example_diff()
    >>> moved = d.changed_metrics.set_index("metric")
    >>> float(moved.loc["delivered", "a"]), float(moved.loc["delivered", "b"])
    (2.0, 3.0)
    """
    from corridor_sim.scenarios.diff import diff

    base = example_scenario(demand=demand, name="base")
    wider = base.with_overrides(**{"s->d.capacity": float(capacity)}).replace(name="wider")
    return diff(base, wider)

"""Scenarios: the validated :class:`Scenario` contract and the runners.

:func:`example_scenario` (and its :func:`example_network`, :func:`example_monte_carlo`)
is a toy network whose answer is known by hand, for examples and first steps.
"""

from corridor_sim.scenarios.examples import (
    example_monte_carlo,
    example_network,
    example_scenario,
)
from corridor_sim.scenarios.scenario import Event, Resolution, Scenario

__all__ = [
    "Event",
    "Resolution",
    "Scenario",
    "example_monte_carlo",
    "example_network",
    "example_scenario",
]

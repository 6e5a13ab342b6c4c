"""Scenarios: the validated :class:`Scenario` contract and the runners.

:func:`example_scenario` (with :func:`example_network`, :func:`example_monte_carlo` and
:func:`example_diff`) is a toy network whose answer is known by hand, for examples and
first steps.
"""

from corridor_sim.scenarios.examples import (
    example_diff,
    example_monte_carlo,
    example_network,
    example_scenario,
)
from corridor_sim.scenarios.scenario import Event, Resolution, Scenario

__all__ = [
    "Event",
    "Resolution",
    "Scenario",
    "example_diff",
    "example_monte_carlo",
    "example_network",
    "example_scenario",
]

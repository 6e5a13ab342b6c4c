"""Scenarios: the validated :class:`Scenario` contract and the runners."""

from corridor_sim.scenarios.scenario import Event, Resolution, Scenario

__all__ = ["Event", "Resolution", "Scenario"]

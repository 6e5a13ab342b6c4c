"""How a :class:`~corridor_sim.Scenario` shows itself: a short ``repr`` and an HTML card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from corridor_sim.results.display import html_card, one_line

if TYPE_CHECKING:
    from corridor_sim.scenarios.scenario import Scenario

__all__ = ["scenario_html", "scenario_repr"]


def _network_size(network: Mapping[str, Any]) -> str:
    """``"4 nodes, 4 arcs"`` of a ``[network]`` table."""
    return f"{len(network.get('nodes') or ())} nodes, {len(network.get('arcs') or ())} arcs"


def scenario_repr(scenario: Scenario) -> str:
    """One line: model, year, name, horizon, seed and what the scenario changes."""
    s = scenario
    return one_line(
        "Scenario",
        [
            ("model", s.model),
            ("year", int(s.year)),
            ("name", s.name),
            ("resolution", s.resolution),
            ("periods", s.periods),
            ("seed", int(s.seed)),
            ("overrides", dict(s.overrides)),
            ("options", dict(s.options)),
            ("events", len(s.events) or None),
            ("sweep", {k: f"{len(v)} values" for k, v in s.sweep.items()}),
            ("network", _network_size(s.network) if s.network is not None else None),
        ],
    )


def scenario_html(scenario: Scenario) -> str:
    """Return an HTML card: the fields; overrides, options, events and sweep as tables."""
    s = scenario
    rows = [
        ("model", s.model),
        ("year", int(s.year)),
        ("name", s.name),
        ("resolution", s.resolution or "model default"),
        ("periods", s.periods if s.periods is not None else "model default"),
        ("seed", int(s.seed)),
        ("network", _network_size(s.network) if s.network is not None else None),
        ("source", str(s.source) if s.source is not None else None),
    ]
    sections = {
        "overrides": pd.DataFrame(list(s.overrides.items()), columns=["parameter", "value"]),
        "options": pd.DataFrame(list(s.options.items()), columns=["option", "value"]),
        "events": pd.DataFrame([e.to_dict() for e in s.events]),
        "sweep": pd.DataFrame(
            [(k, ", ".join(map(str, v))) for k, v in s.sweep.items()],
            columns=["parameter", "values"],
        ),
    }
    return html_card("Scenario", rows, sections=sections, subtitle=s.description)

"""Scenario side of the Caspian corridor model: options and events -> :func:`run_year`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor_sim.errors import ScenarioError, suggest
from corridor_sim.models.caspian.network import LINKS
from corridor_sim.models.caspian.profiles import HOURS_PER_YEAR
from corridor_sim.models.caspian.study import run_year

if TYPE_CHECKING:
    from corridor_sim.models.base import ScenarioLike
    from corridor_sim.results.result import Result

__all__ = ["OPTION_KEYS", "simulate"]

OPTION_KEYS = (
    "week",
    "snapshot_hours",
    "study_caspian_mw",
    "study_black_sea_mw",
    "block_hours",
    "ramping",
)


def _int_list(key: str, raw: object, *, upper: int | None = None) -> list[int]:
    items = raw if isinstance(raw, (list, tuple)) else None
    ok = items is not None and all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items
    )
    if not ok or any(v < 0 or (upper is not None and v >= upper) for v in items):
        top = upper - 1 if upper else "n"
        msg = f"options.{key} = {raw!r}: expected a list of integer hours within 0..{top}"
        raise ScenarioError(msg)
    return [int(v) for v in items]


def _mw_list(key: str, raw: object) -> list[float]:
    items = raw if isinstance(raw, (list, tuple)) else None
    ok = items is not None and len(items) > 0
    ok = ok and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) and v >= 0
        for v in items
    )
    if not ok:
        msg = (
            f"options.{key} = {raw!r}: expected a non-empty list of ratings in MW >= 0, "
            "e.g. [0, 1300, 2600]"
        )
        raise ScenarioError(msg)
    return [float(v) for v in items]


def _options(options: Mapping[str, Any], hours: int) -> dict[str, Any]:
    for key in options:
        if key not in OPTION_KEYS:
            msg = f"options.{key}: unknown option for model 'caspian', {suggest(key, OPTION_KEYS)}"
            raise ScenarioError(msg)
    out: dict[str, Any] = {}
    if "week" in options:
        week = options["week"]
        n_weeks = max(1, hours // (24 * 7))
        if (
            isinstance(week, bool)
            or not isinstance(week, (int, np.integer))
            or not 0 <= week < n_weeks
        ):
            msg = f"options.week = {week!r}: expected an integer week within 0..{n_weeks - 1}"
            raise ScenarioError(msg)
        out["week"] = int(week)
    if "snapshot_hours" in options:
        out["snapshot_hours"] = _int_list("snapshot_hours", options["snapshot_hours"], upper=hours)
    for key in ("study_caspian_mw", "study_black_sea_mw"):
        if key in options:
            out[key] = _mw_list(key, options[key])
    if "ramping" in options:
        if not isinstance(options["ramping"], bool):
            msg = f"options.ramping = {options['ramping']!r}: expected true or false"
            raise ScenarioError(msg)
        out["ramping"] = options["ramping"]
    if "block_hours" in options:
        bh = options["block_hours"]
        if isinstance(bh, bool) or not isinstance(bh, (int, np.integer)) or bh < 1:
            msg = f"options.block_hours = {bh!r}: expected a positive integer number of hours"
            raise ScenarioError(msg)
        out["block_hours"] = int(bh)
    return out


def simulate(scenario: ScenarioLike) -> Result:
    """Run a caspian scenario: overrides, events, options -> :func:`run_year`."""
    hours = int(scenario.periods or HOURS_PER_YEAR)
    if hours > HOURS_PER_YEAR:
        msg = f"periods = {hours}: the caspian model runs at most one year ({HOURS_PER_YEAR} hours)"
        raise ScenarioError(msg)
    if scenario.resolution not in (None, "hour"):
        msg = f"resolution = {scenario.resolution!r}: the caspian model is hourly, expected 'hour'"
        raise ScenarioError(msg)
    opts = _options(scenario.options, hours)
    for ev in scenario.events:
        if ev.element not in LINKS:
            msg = f"event element {ev.element!r}: unknown link, {suggest(ev.element, LINKS)}"
            raise ScenarioError(msg)
    return run_year(
        int(scenario.year),
        seed=int(scenario.seed),
        hours=hours,
        events=scenario.events,
        **opts,
        **dict(scenario.overrides),
    )

"""Run one scenario: :func:`run` (and :func:`load`, a Scenario from a path)."""

from __future__ import annotations

from pathlib import Path

from corridor_sim.errors import ScenarioError
from corridor_sim.models import get_model
from corridor_sim.results.result import Result
from corridor_sim.scenarios.progress import run_bar
from corridor_sim.scenarios.scenario import Scenario

__all__ = ["load", "run"]


def load(scenario: Scenario | str | Path) -> Scenario:
    """Return `scenario` itself, or the Scenario read from a TOML path."""
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, (str, Path)):
        return Scenario.from_toml(scenario, check=False)
    msg = f"scenario = {scenario!r}: expected a Scenario or the path of a TOML file"
    raise ScenarioError(msg)


def run(scenario: Scenario | str | Path, *, progress: bool = False) -> Result:
    """Run one scenario and return its :class:`~corridor_sim.Result`.

    Parameters
    ----------
    scenario : Scenario, str or Path
        A Scenario, or the path of a scenario TOML file.
    progress : bool, default False
        Show a line with the elapsed time while the run goes on (in a terminal or a
        notebook); ``corridor-sim run`` shows it unless ``--quiet``.

    Returns
    -------
    Result
        Tidy tables (``flows``, ``utilisation``, ``bottlenecks``, ``prices``,
        ``unmet``, ``storage`` where there is storage, and model-specific ones),
        ``summary()`` and ``meta`` (model, year, scenario, seed, overrides, events).

    Raises
    ------
    ScenarioError
        If the scenario is invalid for its model (checked before anything runs).
    InfeasibleError
        If the model's problem has no solution; the message names the constraint.

    Examples
    --------
    >>> import corridor_sim as cs
    >>> from corridor_sim.scenarios import example_scenario
    >>> r = cs.run(example_scenario())
    >>> r.metric("unmet")
    1.0
    """
    scn = load(scenario).check()
    entry = get_model(scn.model)
    with run_bar(f"{scn.model} {scn.year} {scn.name or ''}".rstrip(), enabled=progress):
        result = entry.run(scn)
    result.meta = {
        **result.meta,
        "model": scn.model,
        "year": int(scn.year),
        "scenario": scn.name or scn.model,
        "seed": int(scn.seed),
        "resolution": scn.resolution or entry.resolutions[0],
        "overrides": dict(scn.overrides),
        "options": dict(scn.options),
        "events": [e.to_dict() for e in scn.events],
    }
    if scn.source is not None:
        result.meta["source"] = str(scn.source)
    return result

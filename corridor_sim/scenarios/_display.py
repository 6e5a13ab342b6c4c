"""How a :class:`~corridor_sim.Scenario` and study results show themselves: ``repr``, HTML."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from corridor_sim.results.display import html_card, one_line

if TYPE_CHECKING:
    from corridor_sim.scenarios.scenario import Scenario
    from corridor_sim.scenarios.study import StudyResult, StudySummary

__all__ = [
    "scenario_html",
    "scenario_repr",
    "study_html",
    "study_repr",
    "summary_html",
    "summary_repr",
]


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


# -- studies --------------------------------------------------------------------------
def _study_fields(study: StudyResult) -> list[tuple[str, Any]]:
    runs = study.tables["runs"]
    meta = study.meta
    return [
        ("kind", study.kind),
        ("scenario", meta.get("scenario")),
        ("model", meta.get("model")),
        ("runs", len(runs)),
        ("failed", int((runs["status"] == "failed").sum())),
        ("inputs", study.input_names),
        ("seed", meta.get("seed")),
    ]


def study_repr(study: StudyResult) -> str:
    """One line: kind, scenario, runs and failures, inputs and the tables with their rows."""
    return one_line("StudyResult", _study_fields(study), tables=study.tables)


def study_html(study: StudyResult) -> str:
    """Return an HTML card: the fields, the metrics' spread, bottlenecks and the tables."""
    metrics = study.quantiles() if study.kind == "monte_carlo" else study.wide()
    sections = {"metrics": metrics, "bottleneck frequency": study.bottleneck_frequency()}
    return html_card(
        "StudyResult",
        _study_fields(study),
        tables=study.tables,
        sections=sections,
        subtitle=str(study.meta.get("title", "")),
    )


def summary_repr(summary: StudySummary) -> str:
    """One line: what the study was, how many runs finished, the tables of answers."""
    ok = summary.runs - len(summary.failed)
    return one_line(
        "StudySummary",
        [("kind", summary.kind), ("title", summary.title), ("finished", f"{ok} of {summary.runs}")],
        tables=_summary_tables(summary),
    )


def _summary_tables(summary: StudySummary) -> dict[str, pd.DataFrame]:
    names = ("metrics", "bottlenecks", "thresholds", "sensitivity", "failed")
    return {name: getattr(summary, name) for name in names}


def summary_html(summary: StudySummary) -> str:
    """Return an HTML card: every table of answers (the first rows of each)."""
    ok = summary.runs - len(summary.failed)
    rows = [("kind", summary.kind), ("finished", f"{ok} of {summary.runs}")]
    return html_card(
        "StudySummary", rows, sections=_summary_tables(summary), subtitle=summary.title
    )

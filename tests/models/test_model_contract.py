"""Every registered model keeps the same contract, whatever its network.

Parametrised over :func:`corridor_sim.models.available_models`, so a new model package is
tested as soon as it exists: it builds, runs each of its examples, returns tables in the
shared schema that save and load back equal, lists the provenance of what it read, and
refuses an unknown override with a "did you mean".
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim.catalogue import facts
from corridor_sim.errors import ScenarioError
from corridor_sim.models import available_models, get_model
from corridor_sim.results.schemas import concat, validate
from tests.helpers import ROOT, example_result

EXAMPLES = ROOT / "examples"
MODELS = available_models()
CASES = [(m, p) for m in MODELS for p in sorted(EXAMPLES.glob(f"{m}_*.toml"))]


def _first_example(model: str) -> cs.Scenario:
    paths = sorted(EXAMPLES.glob(f"{model}_*.toml"))
    assert paths, f"model {model!r} has no examples/{model}_*.toml"
    return cs.Scenario.from_toml(paths[0])


@pytest.mark.parametrize("model", MODELS)
def test_model_builds_and_declares_itself(model: str) -> None:
    entry = get_model(model)
    scn = _first_example(model)
    extra = {"network": scn.network} if scn.network is not None else {}
    assert entry.build(scn.year, **extra) is not None
    assert entry.name == model
    assert entry.description
    assert (ROOT / "docs" / f"{model}.md").is_file()


@pytest.mark.parametrize(("model", "path"), CASES, ids=[p.stem for _, p in CASES])
def test_example_meets_the_contract(model: str, path: Path, tmp_path: Path) -> None:
    result = example_result(path.stem)
    assert result.meta["model"] == model
    validate(result)
    prov = result.table("provenance")
    ids = set(prov["source_id"]) - {"override", "modelling choice"}
    assert ids <= set(facts().index), sorted(ids - set(facts().index))
    back = cs.Result.load(result.save(tmp_path / "saved"))
    assert set(back.tables) == set(result.tables)
    for name, frame in result.tables.items():
        expected = frame.reset_index(drop=True)
        if expected.empty and not len(expected.columns):
            continue
        pd.testing.assert_frame_equal(back.tables[name], expected, check_exact=True, obj=name)
    pd.testing.assert_frame_equal(back.summary(), result.summary(), check_exact=True)


@pytest.mark.parametrize("model", MODELS)
def test_unknown_override_is_refused_with_a_suggestion(model: str) -> None:
    scn = _first_example(model)
    params = get_model(model).parameters(scn.year)
    if params:
        name = next(iter(params))
    else:  # a user network: overrides name "<element>.<field>"
        arc = scn.network["arcs"][0]
        name = f"{arc.get('id', arc['source'] + '->' + arc['target'])}.capacity"
    with pytest.raises(ScenarioError, match="did you mean"):
        scn.with_overrides(**{name[:-1] + "x" + name[-1]: 1.0}).check()


def test_flows_of_two_models_concatenate() -> None:
    oil = example_result("oil_baseline_2025")
    user = example_result("commodity_custom")
    both = concat([("oil", oil), ("user", user)], "flows")
    assert set(both["scenario"]) == {"oil", "user"}
    assert {"element", "period", "snapshot", "flow_kt"} <= set(both.columns)
    assert both["flow_kt"].notna().all()
    assert pd.api.types.is_datetime64_any_dtype(both["snapshot"])
    for table in ("utilisation", "bottlenecks", "prices", "unmet"):
        stacked = concat([("oil", oil), ("user", user)], table)
        assert len(stacked) == len(oil.table(table)) + len(user.table(table))


def _documented(model: str) -> tuple[set[str], list[re.Pattern[str]]]:
    """Names in backticks on docs/<model>.md, and the templates among them.

    ``snapshot_<n>_ac_losses_mw`` and ``gas_new_contract_*`` stand for a family of names.
    """
    page = (ROOT / "docs" / f"{model}.md").read_text("utf-8")
    names = set(re.findall(r"`([a-z0-9_<>|…*]+)`", page))
    templates = [
        re.compile("^" + re.sub(r"<[^>]+>|\\\*", "[a-z0-9_]+", re.escape(t)) + "$")
        for t in names
        if "<" in t or "*" in t
    ]
    return names, templates


def test_every_summary_metric_is_documented_and_has_one_unit() -> None:
    """Each summary metric of each example is on its model's page; one name, one unit.

    A metric name two models share (``unmet_mt``, ``binding_arcs``) means the same quantity
    and carries the same unit everywhere.
    """
    units: dict[str, set[str]] = {}
    missing = []
    for model, path in CASES:
        names, templates = _documented(model)
        for row in example_result(path.stem).summary().itertuples():
            units.setdefault(row.metric, set()).add(row.unit)
            if row.metric not in names and not any(t.match(row.metric) for t in templates):
                missing.append(f"{row.metric} ({path.stem}) not in docs/{model}.md")
    assert not missing, "\n".join(sorted(set(missing)))
    several = {m: u for m, u in units.items() if len(u) > 1}
    assert not several, several

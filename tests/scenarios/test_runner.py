import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim.errors import OptionalDependencyError, ScenarioError, UnknownNameError

NETWORK = {
    "unit": "kt",
    "periods": 2,
    "nodes": [
        {"id": "s", "kind": "supply", "supply": 10.0},
        {"id": "d", "kind": "demand", "demand": 8.0},
    ],
    "arcs": [
        {"source": "s", "target": "d", "capacity": 5.0, "cost": 1.0},
        {"id": "spare", "source": "s", "target": "d", "capacity": 2.0, "cost": 3.0},
    ],
}


def _scn(**kw) -> cs.Scenario:
    return cs.Scenario(model="commodity", year=2025, network=NETWORK, **kw)


def test_run_adds_scenario_meta_and_summary():
    r = cs.run(_scn(name="two-arcs", seed=3))
    assert r.meta["scenario"] == "two-arcs"
    assert r.meta["seed"] == 3
    assert r.metric("delivered") == pytest.approx(14.0)
    assert r.metric("unmet") == pytest.approx(2.0)
    assert set(r.flows.columns) >= {
        "element",
        "source",
        "target",
        "period",
        "snapshot",
        "flow_kt",
        "capacity_kt",
        "shadow_price_cu_per_kt",
    }
    assert r.flows["snapshot"].dt.strftime("%Y-%m").unique().tolist() == ["2025-01", "2025-02"]


def test_events_derate_an_arc():
    base = cs.run(_scn())
    out = cs.run(_scn(events=[{"element": "s->d", "start": 1, "availability": 0.0}]))
    assert out.metric("delivered") == pytest.approx(base.metric("delivered") - 5.0)


def test_sweep_is_tidy_monotone_and_names_bottleneck():
    study = cs.sweep(_scn(), {"s->d.capacity": [0.0, 2.0, 4.0, 6.0, 8.0]}, progress=False)
    assert isinstance(study, cs.StudyResult)
    table = study.to_frame()
    assert list(table.columns) == [
        "run",
        "s->d.capacity",
        "metric",
        "value",
        "unit",
        "element",
        "bottleneck",
    ]
    delivered = table[table.metric == "delivered"]["value"].to_numpy()
    assert (delivered[1:] >= delivered[:-1] - 1e-9).all()
    assert table[table.metric == "delivered"]["bottleneck"].iloc[0] in {"s->d", "spare"}


def test_sweep_over_two_parameters_is_the_product():
    study = cs.sweep(_scn(), {"s->d.capacity": [1.0, 2.0], "spare.capacity": [0.0, 1.0, 2.0]})
    assert study.to_frame()["run"].nunique() == 6
    wide = study.wide()
    assert wide[["s->d.capacity", "spare.capacity"]].drop_duplicates().shape[0] == 6
    # delivered = min(demand 8, both arcs' capacities) in each of the 2 periods
    expected = 2 * (wide["s->d.capacity"] + wide["spare.capacity"]).clip(upper=8.0)
    assert wide["delivered"].tolist() == pytest.approx(expected.tolist())


def test_process_pool_gives_the_same_table():
    grid = {"s->d.capacity": [1.0, 3.0, 9.0]}
    serial = cs.sweep(_scn(), grid)
    pooled = cs.sweep(_scn(), grid, executor="process", max_workers=2)
    for name in ("runs", "values"):
        pd.testing.assert_frame_equal(serial.table(name), pooled.table(name))


def test_dask_executor_without_dask_is_a_clear_error(monkeypatch):
    from corridor_sim.scenarios import executors

    real = executors.importlib.import_module

    def no_dask(name, *args, **kwargs):
        if name.split(".")[0] == "dask":
            raise ModuleNotFoundError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(executors.importlib, "import_module", no_dask)
    with pytest.raises(OptionalDependencyError, match=r"pip install 'corridor_sim\[dask\]'"):
        cs.sweep(_scn(), {"s->d.capacity": [1.0, 2.0]}, executor="dask")


def test_unknown_executor_and_empty_sweep():
    with pytest.raises(ScenarioError, match="executor = 'threads'"):
        cs.sweep(_scn(), {"s->d.capacity": [1.0, 2.0]}, executor="threads")
    with pytest.raises(ScenarioError, match="nothing to sweep"):
        cs.sweep(_scn())


def test_monte_carlo_is_deterministic_with_a_seed():
    dists = {"s->d.capacity": ("uniform", 0.0, 10.0)}
    a = cs.monte_carlo(_scn(seed=11), 5, distributions=dists).to_frame()
    b = cs.monte_carlo(_scn(seed=11), 5, distributions=dists).to_frame()
    c = cs.monte_carlo(_scn(seed=12), 5, distributions=dists).to_frame()
    pd.testing.assert_frame_equal(a, b)
    assert not a["s->d.capacity"].equals(c["s->d.capacity"])
    assert a["draw"].nunique() == 5


def test_monte_carlo_rejects_bad_distributions():
    with pytest.raises(ScenarioError, match="unknown distribution 'unifrom'"):
        cs.monte_carlo(_scn(), 2, distributions={"s->d.capacity": ("unifrom", 0, 1)})
    with pytest.raises(ScenarioError, match="takes 2 argument"):
        cs.monte_carlo(_scn(), 2, distributions={"s->d.capacity": ("normal", 0)})
    with pytest.raises(ScenarioError, match="positive number of draws"):
        cs.monte_carlo(_scn(), 0, distributions={"s->d.capacity": ("normal", 0, 1)})
    with pytest.raises(ScenarioError, match="low 3 is above high 1"):
        cs.monte_carlo(_scn(), 2, distributions={"s->d.capacity": ("uniform", 3, 1)})
    with pytest.raises(ScenarioError, match="spread -1 must not be negative"):
        cs.monte_carlo(_scn(), 2, distributions={"s->d.capacity": ("normal", 2, -1)})
    with pytest.raises(ScenarioError, match="low <= mode <= high"):
        cs.monte_carlo(_scn(), 2, distributions={"s->d.capacity": ("triangular", 3, 1, 2)})
    with pytest.raises(ScenarioError, match="non-empty list"):
        cs.monte_carlo(_scn(), 2, distributions={"s->d.capacity": ("choice", [])})
    with pytest.raises(ScenarioError, match="catalogue=False"):
        cs.monte_carlo(_scn(), 2, catalogue=False)
    with pytest.raises(ScenarioError, match="max_workers = 0"):
        cs.monte_carlo(_scn(), 2, distributions={"s->d.capacity": ("normal", 2, 1)}, max_workers=0)


def test_unknown_model_parameter_is_named():
    with pytest.raises((ScenarioError, UnknownNameError), match="did you mean"):
        cs.run(
            cs.Scenario(
                model="commodity", year=2025, network=NETWORK, overrides={"s->d.capcity": 1.0}
            )
        )


@pytest.mark.parametrize(
    ("resolution", "expected"),
    [("month", [1 - 10 / 31, 1 - 10 / 28]), ("year", [1 - 10 / 365] * 2)],
)
def test_user_network_event_days_count_against_the_period_length(resolution, expected):
    # regression: `days` was ignored and the arc went fully out for the whole period;
    # now the period is cut at the event's end: out for `days`, back for the rest
    event = {"element": "s->d", "start": 0, "duration": 2, "days": 10}
    r = cs.run(_scn(resolution=resolution, events=[event]))
    arc = r.flows[r.flows["element"] == "s->d"]
    assert arc["availability_pu"].tolist() == [0.0, 1.0, 0.0, 1.0]
    assert arc["period_label"].str.endswith(("d0-10", "d10-31", "d10-28", "d10-365")).all()
    per_period = arc.groupby(arc["period"] // 2)["capacity_kt"].sum()
    assert per_period.tolist() == pytest.approx([5.0 * x for x in expected])
    with pytest.raises(ScenarioError, match="days = 40 is longer than period 1"):
        cs.run(_scn(events=[{"element": "s->d", "start": 1, "days": 40}]))
    with pytest.raises(ScenarioError, match="hourly"):
        cs.run(_scn(resolution="hour", events=[{"element": "s->d", "start": 0, "days": 1}]))


def test_user_network_problems_are_found_by_check_and_name_the_file(tmp_path):
    # regression: these passed check() and failed (or were ignored) only in simulate
    path = tmp_path / "net.toml"
    _scn().to_toml(path)
    base = cs.Scenario.from_toml(path)
    cases = [
        ({"overrides": {"s->d.availability": 3.0}}, r"net\.toml: overrides\.s->d\.availability"),
        ({"events": [{"element": "s->d", "start": 5}]}, r"net\.toml: events\[0\].*outside"),
        ({"options": {"week": 3}}, r"net\.toml: options\.week: model 'commodity' takes no"),
        ({"overrides": {"capacity": 3.0}}, r"overrides\.capacity: .*no '\.<field>'"),
        ({"periods": 12}, r"net\.toml: periods = 12: the \[network\] has 2 periods"),
    ]
    for change, match in cases:
        with pytest.raises(ScenarioError, match=match):
            base.replace(**change).check()
    bad_arc = dict(NETWORK, arcs=[{"source": "s", "target": "d"}])
    with pytest.raises(ScenarioError, match=r"arcs\[0\]: missing key 'capacity'"):
        _scn().replace(network=bad_arc).check()
    # a negative cost is a valid arc cost, so it is a valid override too
    assert cs.run(_scn(overrides={"spare.cost": -1.0})).metric("arc_cost") == pytest.approx(6.0)


def test_sweep_names_the_swept_key_and_rejects_a_string_of_values():
    # regression: "12" was swept as the values "1" and "2"; errors said "overrides."
    with pytest.raises(ScenarioError, match=r"sweep\.s->d\.capacity = '12': expected a non-empty"):
        cs.sweep(_scn(), {"s->d.capacity": "12"})
    with pytest.raises(ScenarioError, match=r"sweep\.s->x\.capacity: .*did you mean"):
        cs.sweep(_scn(), {"s->x.capacity": [1.0]})
    with pytest.raises(ScenarioError, match=r"sweep\.s->d\.capacity = -2"):
        cs.sweep(_scn(), {"s->d.capacity": [1.0, -2.0]})


@pytest.mark.parametrize("year", ["2025", 2025.5, True])
def test_sweep_over_year_needs_integers(year):
    # regression: "2025" and 2025.5 were silently run as 2025
    with pytest.raises(ScenarioError, match=r"sweep\.year = .*expected an integer year"):
        cs.sweep(_scn(), {"year": [2025, year]})


def test_sweep_nan_is_named_as_a_sweep_value():
    # regression: the message said "overrides.<key> = nan"
    with pytest.raises(ScenarioError, match=r"sweep\.s->d\.capacity = nan: expected a finite"):
        cs.sweep(_scn(), {"s->d.capacity": [1.0, float("nan")]})


def test_monte_carlo_over_year_needs_integer_draws():
    # regression: ("uniform", 2025, 2030) ran silently with the draws truncated to integers
    with pytest.raises(ScenarioError, match=r"distributions\['year'\].*integer years"):
        cs.monte_carlo(_scn(), 2, distributions={"year": ("uniform", 2025, 2030)})
    table = cs.monte_carlo(_scn(), 2, distributions={"year": ("choice", [2025, 2030])}).to_frame()
    assert set(table["year"]) <= {2025, 2030}

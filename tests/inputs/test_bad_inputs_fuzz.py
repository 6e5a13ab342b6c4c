"""Property-based bad input: random scenario files and commodity networks.

Every generated case ends one of two ways: a ``CorridorSimError`` with a one-line message,
or a result whose tables pass the shared schema. Never another exception.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import corridor_sim as cs
from corridor_sim.engines.commodity import network_from_dict, solve
from corridor_sim.errors import CorridorSimError
from corridor_sim.results.schemas import validate
from corridor_sim.scenarios._toml import dumps

SETTINGS = settings(
    max_examples=int(os.environ.get("CORRIDOR_SIM_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# -- values a careless hand or a broken script puts into a file ---------------------------
NUMBERS = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 0.5, 1e308, -0.0, 10**400]),
)
SCALARS = st.one_of(NUMBERS, st.booleans(), st.text(max_size=8))
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=4))
#: Mostly plausible values, so that runs get through as often as errors are found.
PLAUSIBLE = st.floats(min_value=0.0, max_value=60.0)


def mostly(good: st.SearchStrategy, bad: st.SearchStrategy) -> st.SearchStrategy:
    """`good` three times in four, `bad` otherwise."""
    return st.integers(0, 3).flatmap(lambda i: bad if i == 0 else good)


def _write(text: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fuzz_"))
    path = folder / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _ends_cleanly(run: object) -> str:
    """Run; return "error" (a CorridorSimError, one line) or "result" (schema checked)."""
    try:
        result = run()  # type: ignore[operator]
    except CorridorSimError as err:
        message = str(err)
    else:
        validate(result)
        return "result"
    assert "Traceback" not in message
    return "error"


OIL_PARAMS = [
    "kazakh_volume_mt_per_yr",
    "btc_capacity_mt_per_yr",
    "btc_spare_capacity_mt_per_yr",
    "supsa_capacity_mt_per_yr",
    "tanker_cargo_share",
    "no_such_parameter",
]


@st.composite
def oil_scenarios(draw: st.DrawFn) -> str:
    doc: dict[str, object] = {"model": "oil", "name": "fuzz"}
    doc["year"] = draw(mostly(st.integers(2023, 2026), SCALARS))
    doc["periods"] = draw(mostly(st.integers(1, 3), NUMBERS))
    if draw(st.booleans()):
        doc["seed"] = draw(mostly(st.integers(0, 99), SCALARS))
    overrides = draw(
        st.dictionaries(st.sampled_from(OIL_PARAMS), mostly(PLAUSIBLE, VALUES), max_size=3)
    )
    events = draw(
        mostly(
            st.just([]),
            st.lists(
                st.dictionaries(
                    st.sampled_from(["element", "start", "duration", "days", "availability", "x"]),
                    st.one_of(st.sampled_from(["btc", "supsa", "btcc"]), SCALARS),
                    max_size=5,
                ),
                max_size=1,
            ),
        )
    )
    doc["overrides"] = overrides
    if events:
        doc["events"] = events
    return dumps(doc)


@pytest.mark.filterwarnings("ignore::UserWarning")
@SETTINGS
@given(oil_scenarios())
def test_random_oil_scenario_files_end_cleanly(text):
    path = _write(text)
    event(_ends_cleanly(lambda: cs.run(path)))


@SETTINGS
@given(st.text(max_size=200))
def test_random_text_as_a_scenario_file_ends_cleanly(text):
    path = _write(text)
    _ends_cleanly(lambda: cs.run(path))


NODE_KEYS = ["id", "kind", "supply", "demand", "storage_capacity", "initial_level", "label"]
ARC_KEYS = ["source", "target", "capacity", "cost", "loss", "id", "min_flow"]


@st.composite
def commodity_networks(draw: st.DrawFn) -> dict:
    periods = draw(st.one_of(st.integers(1, 3), SCALARS, st.lists(st.text(max_size=3), max_size=3)))
    ids = ["a", "b", "c"]
    good_node = {
        "a": {"id": "a", "kind": "supply", "supply": 5.0},
        "b": {"id": "b", "kind": "transit"},
        "c": {"id": "c", "kind": "demand", "demand": 3.0},
    }
    nodes = []
    for node_id in ids:
        node = dict(good_node[node_id])
        for key, value in draw(
            st.dictionaries(st.sampled_from(NODE_KEYS), VALUES, max_size=2)
        ).items():
            node[key] = value
        nodes.append(node)
    arcs = []
    for source, target in (("a", "b"), ("b", "c")):
        arc = {"source": source, "target": target, "capacity": 10.0, "cost": 1.0}
        for key, value in draw(
            st.dictionaries(st.sampled_from(ARC_KEYS), VALUES, max_size=2)
        ).items():
            arc[key] = value
        arcs.append(arc)
    return {"unit": draw(st.sampled_from(["kt", "mcm", "", 3])), "periods": periods,
            "nodes": nodes, "arcs": arcs}  # fmt: skip


@SETTINGS
@given(commodity_networks())
def test_random_commodity_networks_end_cleanly(spec):
    try:
        net = network_from_dict(spec)
    except CorridorSimError:
        return
    try:
        sol = solve(net)
    except CorridorSimError:
        return
    validate(sol)
    if next(n for n in net.nodes if n.id == "b").kind != "transit":
        return
    flows = sol.flows
    unit = [c for c in flows.columns if c.startswith("flow_")][0].removeprefix("flow_")
    into = flows[flows["target"] == "b"].groupby("period")[f"received_{unit}"].sum()
    out = flows[flows["source"] == "b"].groupby("period")[f"flow_{unit}"].sum()
    # conservation at the transit node: what arrives leaves, in every period
    assert (into - out.reindex(into.index, fill_value=0.0)).abs().max() < 1e-6

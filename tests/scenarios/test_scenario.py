import math
import pickle
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import corridor_sim as cs
from corridor_sim.errors import ScenarioError
from corridor_sim.scenarios import Event
from corridor_sim.scenarios._toml import dumps

NETWORK = {
    "unit": "kt",
    "periods": 2,
    "nodes": [
        {"id": "s", "kind": "supply", "supply": 10.0},
        {"id": "d", "kind": "demand", "demand": 8.0},
    ],
    "arcs": [{"source": "s", "target": "d", "capacity": 5.0, "cost": 1.0}],
}


def _custom(**kw) -> cs.Scenario:
    return cs.Scenario(model="commodity", year=2025, network=NETWORK, **kw)


keys = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
scalars = st.one_of(
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(max_size=12),
)


@given(
    overrides=st.dictionaries(keys, scalars, max_size=5),
    options=st.dictionaries(keys, st.one_of(scalars, st.lists(scalars, max_size=3)), max_size=4),
    seed=st.integers(0, 2**31),
    events=st.lists(
        st.builds(
            Event,
            element=keys,
            start=st.integers(0, 100),
            duration=st.integers(1, 5),
            availability=st.floats(0, 1),
            days=st.none() | st.floats(0, 31),
        ),
        max_size=3,
    ),
)
def test_toml_round_trip(overrides, options, seed, events):
    s = cs.Scenario(
        model="oil", year=2030, seed=seed, overrides=overrides, options=options, events=events
    )
    back = cs.Scenario.from_dict(tomllib.loads(s.to_toml()))
    assert back == s


def test_save_and_load_file(tmp_path):
    s = _custom(name="x", periods=2, resolution="month", sweep={"s->d.capacity": [1.0, 2.0]})
    path = tmp_path / "x.toml"
    s.to_toml(path)
    assert cs.Scenario.from_toml(path) == s


def test_pickles_for_process_pools():
    s = _custom(overrides={"s->d.capacity": 3.0})
    assert pickle.loads(pickle.dumps(s)) == s


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ('model = "oil"\nyear = 2025\ncolour = "red"\n', r"bad\.toml: colour: unknown key"),
        ('model = "oil"\n', r"bad\.toml: missing key 'year'"),
        ('model = "oil"\nyear = "2025"\n', r"bad\.toml: year = '2025': expected an integer"),
        ('model = "oil"\nyear = 2025\nseed = -1\n', r"seed = -1: expected an integer >= 0"),
        (
            'model = "oil"\nyear = 2025\n[overrides]\nx = nan\n',
            r"overrides\.x = nan: expected a finite",
        ),
        ('model = "oil"\nyear = 2025\nresolution = "week"\n', r"resolution = 'week'"),
        (
            'model = "oil"\nyear = 2025\n[[events]]\nelement = "btc"\n',
            r"events\[0\]: missing key 'start'",
        ),
        (
            'model = "oil"\nyear = 2025\n[[events]]\nelement = "btc"\n'
            "start = 1\navailability = 2\n",
            r"availability = 2: expected a fraction",
        ),
        (
            'model = "oil"\nyear = 2025\n[sweep]\nx = []\n',
            r"sweep\.x = \[\]: expected a non-empty list",
        ),
        ('model = "oil" year', r"bad\.toml: not valid TOML"),
        (
            'model = "oli"\nyear = 2025\n',
            r"bad\.toml: model = 'oli': unknown model, did you mean 'oil'",
        ),
    ],
)
def test_bad_files_name_the_file_key_and_expected_form(tmp_path, text, pattern):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=pattern):
        cs.Scenario.from_toml(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ScenarioError, match="no such scenario file"):
        cs.Scenario.from_toml(tmp_path / "nope.toml")


def test_dumps_reads_back_special_floats_and_quoted_keys():
    doc = {"a": {"x->y.capacity": math.inf, "name": 'q"t'}, "b": [1, 2.5]}
    assert tomllib.loads(dumps(doc)) == doc


def test_user_network_overrides_and_events_are_checked():
    with pytest.raises(
        ScenarioError, match=r"s->d\.capacty: arc field 'capacty' unknown, did you mean 'capacity'"
    ):
        _custom(overrides={"s->d.capacty": 1.0}).check()
    with pytest.raises(ScenarioError, match="expected a number >= 0"):
        _custom(overrides={"s->d.capacity": -1.0}).check()
    with pytest.raises(ScenarioError, match="unknown element"):
        _custom(events=[{"element": "s->x", "start": 0}]).check()
    with pytest.raises(ScenarioError, match=r"needs a \[network\] table"):
        cs.Scenario(model="commodity", year=2025).check()


def test_rng_is_seeded():
    a = _custom(seed=7).rng().random(3)
    b = _custom(seed=7).rng().random(3)
    assert (a == b).all()


def test_unreadable_scenario_files_are_scenario_errors(tmp_path):
    # regression: a directory or a non-UTF-8 file raised a bare OSError / UnicodeDecodeError
    with pytest.raises(ScenarioError, match="cannot read the scenario file"):
        cs.Scenario.from_toml(tmp_path)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'model = "oil"\nyear = 2025\nname = "\xff"\n')
    with pytest.raises(ScenarioError, match=r"latin\.toml: not UTF-8 text"):
        cs.Scenario.from_toml(latin)


def test_network_table_on_a_corridor_model_is_an_error():
    # regression: model = "oil" with a [network] table ran the oil model and ignored the table
    with pytest.raises(ScenarioError, match=r"\[network\]: model 'oil' builds its own network"):
        cs.Scenario(model="oil", year=2025, network=NETWORK).check()

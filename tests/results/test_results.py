import json

import numpy as np
import pandas as pd
import pytest

from corridor_sim import CorridorSimError, Result
from corridor_sim.errors import ResultError, UnknownNameError
from corridor_sim.results import summary_frame


def _result() -> Result:
    flows = pd.DataFrame(
        {
            "arc": ["a", "b", "a", "b"],
            "period_label": ["0", "0", "1", "1"],
            "period": [0, 0, 1, 1],
            "flow_kt": [1.5, 2.0, np.nan, 0.1],
            "binding": [True, False, False, True],
        }
    )
    return Result(
        tables={"flows": flows, "unmet": pd.DataFrame({"node": ["d"], "unmet_kt": [0.0]})},
        summary_table=summary_frame([("delivered", 3.5, "kt"), ("unmet", 0.0, "kt")]),
        meta={"model": "commodity", "year": 2025, "inf": float("inf")},
    )


def test_standard_tables_are_attributes_and_missing_ones_empty():
    r = _result()
    assert list(r.flows.columns) == ["arc", "period_label", "period", "flow_kt", "binding"]
    assert r.storage.empty
    assert r.summary().columns.tolist() == ["metric", "value", "unit", "element"]
    assert r.metric("delivered") == 3.5


def test_unknown_table_and_metric_name_the_alternatives():
    r = _result()
    with pytest.raises(UnknownNameError, match="did you mean 'flows'"):
        r.table("flow")
    with pytest.raises(CorridorSimError, match="delivered"):
        r.metric("delivred")
    with pytest.raises(AttributeError, match="flows"):
        r.flowz  # noqa: B018


def test_save_load_round_trip(tmp_path):
    r = _result()
    r.save(tmp_path / "out")
    back = Result.load(tmp_path / "out")
    assert back.equals(r)
    assert back.flows["binding"].dtype == bool
    assert back.flows["period_label"].tolist() == ["0", "0", "1", "1"]
    assert back.meta["model"] == "commodity"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "flows.csv",
        "meta.json",
        "summary.csv",
        "unmet.csv",
    ]


def test_load_rejects_a_directory_without_meta(tmp_path):
    with pytest.raises(ResultError, match=r"meta\.json"):
        Result.load(tmp_path)


def test_tables_must_be_dataframes():
    with pytest.raises(TypeError, match="flows"):
        Result(tables={"flows": [1, 2]})


def test_save_load_keeps_na_like_names_and_empty_strings(tmp_path):
    # regression: "NA"/"null"/"nan" node names came back as None, "" as None,
    # and an empty summary unit as the string "nan"
    table = pd.DataFrame(
        {
            "node": ["NA", "null", "nan", "a"],
            "label": ["", "Aktau", "", ""],
            "note": ["x", None, "y", None],
            "flow_kt": [1.0, np.nan, np.inf, 0.0],
        }
    )
    r = Result(
        tables={"unmet": table},
        summary_table=summary_frame([("ratio", 0.5, ""), ("NA", np.nan, "kt")]),
    )
    back = Result.load(r.save(tmp_path / "out"))
    pd.testing.assert_frame_equal(back.unmet, table)
    pd.testing.assert_frame_equal(back.summary(), r.summary())
    assert back.equals(r)


def test_save_refuses_a_folder_of_other_files_and_needs_overwrite(tmp_path):
    r = _result()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "flows.csv").write_text("my own data\n")
    with pytest.raises(ResultError, match="not a corridor_sim result"):
        r.save(mine)
    assert (mine / "flows.csv").read_text() == "my own data\n"
    out = r.save(tmp_path / "out")
    with pytest.raises(ResultError, match="overwrite"):
        r.save(out)
    other = Result(tables={"storage": pd.DataFrame({"element": ["s"], "level_kt": [1.0]})})
    other.save(out, overwrite=True)
    back = Result.load(out)
    assert set(back.tables) == {"storage"}
    assert sorted(p.name for p in out.iterdir()) == ["meta.json", "storage.csv", "summary.csv"]


@pytest.mark.parametrize("name", ["../../escaped", "/etc/x", "a/b", "..", ".hidden", "summary"])
def test_table_names_cannot_leave_the_folder(tmp_path, name):
    with pytest.raises(ResultError, match="table name"):
        Result({name: pd.DataFrame({"a": [1]})}).save(tmp_path / "out")
    assert not (tmp_path / "escaped.csv").exists()


def test_load_refuses_a_crafted_or_mixed_folder(tmp_path):
    out = _result().save(tmp_path / "out")
    meta = json.loads((out / "meta.json").read_text())
    (tmp_path / "secret.csv").write_text("a\n1\n")
    meta["tables"].append("../secret")
    (out / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ResultError, match="table"):
        Result.load(out)
    out2 = _result().save(tmp_path / "out2")
    (out2 / "flows.csv").write_text((out2 / "flows.csv").read_text().replace("1.5", "9.5"))
    with pytest.raises(ResultError, match="flows.csv differs"):
        Result.load(out2)


def test_floats_and_dtypes_come_back_exactly(tmp_path):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "element": ["a"] * 50,
            "period": np.arange(50),
            "snapshot": pd.date_range("2025-01-01", periods=50, freq="h"),
            "flow_kt": rng.random(50) * 1e3 / 7.0,
            "binding": rng.random(50) > 0.5,
        }
    )
    r = Result({"flows": frame}, meta={"model": "x"})
    back = Result.load(r.save(tmp_path / "out"))
    pd.testing.assert_frame_equal(back.flows, frame, check_exact=True)


_KILL_SCRIPT = """
import sys, numpy as np, pandas as pd
from corridor_sim import Result
n = int(sys.argv[2])
tables = {f"t{i:02d}": pd.DataFrame({"v": np.full(20000, float(n))}) for i in range(40)}
print("start", flush=True)
Result(tables, meta={"n": n}).save(sys.argv[1], overwrite=True)
print("done", flush=True)
"""


def test_a_save_killed_midway_leaves_the_old_or_the_new_result(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    script = tmp_path / "save.py"
    script.write_text(_KILL_SCRIPT)
    subprocess.run([sys.executable, str(script), str(out), "1"], check=True, cwd=tmp_path)
    for delay in (0.05, 0.3, 0.6, 1.0):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(out), "2"], stdout=subprocess.PIPE, cwd=tmp_path
        )
        assert proc.stdout.readline().strip() == b"start"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        back = Result.load(out)  # whole, or ResultError
        assert back.meta["n"] in (1, 2)
        values = {float(t["v"].iloc[0]) for t in back.tables.values()}
        assert values == {float(back.meta["n"])}

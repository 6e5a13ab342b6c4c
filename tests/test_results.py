import numpy as np
import pandas as pd
import pytest

from corridor_sim import CorridorSimError, Result
from corridor_sim.errors import ScenarioError, UnknownNameError
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
    with pytest.raises(ScenarioError, match=r"meta\.json"):
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

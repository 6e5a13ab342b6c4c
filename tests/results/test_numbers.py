"""Human numbers: what the CLI, ``print`` and the HTML cards show; the CSVs keep every digit."""

from __future__ import annotations

import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim.cli import main
from corridor_sim.results.numbers import format_frame, format_number
from corridor_sim.results.result import summary_frame
from tests.helpers import example_result


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3.684000000000001, "3.684"),
        (2.0, "2"),
        (1984.0, "1,984"),
        (28943.08943089431, "28,943"),
        (43.360433604336045, "43.36"),
        (0.0020926309245332675, "0.002093"),
        (-12.5, "-12.5"),
        (0.0, "0"),
        (-0.0, "0"),
        (1.5e-9, "1.5e-09"),
        (float("nan"), "NaN"),
        (float("inf"), "inf"),
        (7, "7"),
        ("Mt", "Mt"),
    ],
)
def test_format_number(value, text) -> None:
    assert format_number(value) == text


def _result() -> cs.Result:
    rows = [
        ("delivered_mt", 3.684000000000001, "Mt"),
        ("binding_arcs", 2.0, "arcs"),
        ("btc_spare_capacity_mt_per_yr", 28943.08943089431, "Mt/yr", "btc"),
    ]
    return cs.Result(summary_table=summary_frame(rows), meta={"model": "oil", "year": 2025})


def test_print_html_and_csv(tmp_path) -> None:
    result = _result()
    text = str(result)
    assert "3.684 " in text
    assert "28,943" in text
    assert "e+0" not in text
    line = next(x for x in text.splitlines() if x.strip().startswith("binding_arcs"))
    assert line.split()[1] == "2"  # an integer as an integer
    html = result._repr_html_()
    assert "28,943" in html
    assert "3.684<" in html
    result.save(tmp_path / "r")
    saved = pd.read_csv(tmp_path / "r" / "summary.csv")
    assert saved["value"].tolist() == [3.684000000000001, 2.0, 28943.08943089431]


def test_the_cli_prints_readable_numbers(capsys, monkeypatch, tiny) -> None:
    # the oil baseline's summary as `corridor-sim run` prints it (its run, made once)
    baseline = example_result("oil_baseline_2025")
    capsys.readouterr()  # what its run printed, if this test made it
    monkeypatch.setattr("corridor_sim.scenarios.runner.run", lambda *a, **k: baseline)
    assert main(["run", str(tiny)]) == 0
    out = capsys.readouterr().out
    assert "e+00" not in out
    assert "e-16" not in out
    line = next(x for x in out.splitlines() if x.strip().startswith("binding_arcs"))
    assert line.split()[1] == "0"
    line = next(x for x in out.splitlines() if x.strip().startswith("delivered_mt"))
    assert line.split()[1] == "3.684"


def test_format_frame_leaves_other_columns() -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": [0.5, 1234.5678], "c": ["x", "y"]})
    out = format_frame(frame)
    assert out["a"].tolist() == [1, 2]
    assert out["b"].tolist() == ["0.5", "1,235"]
    assert frame["b"].dtype == float

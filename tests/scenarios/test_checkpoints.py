"""Checkpoints that cannot mix: a file that does not belong is set aside and its run re-run.

Every case damages a copy of one clean checkpoint of a 4-draw oil study (0.1 s a draw) and
checks that the next call warns once, naming the file and why, moves it to ``rejected/``,
runs that draw again and gives the tables of a clean run.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim.errors import ScenarioError
from corridor_sim.scenarios import execute as execute_module

OIL = cs.Scenario(model="oil", year=2025, name="oil_checkpoint", seed=5)
N = 4


def _mc(scn=OIL, **kw):
    return cs.monte_carlo(scn, N, progress=False, **kw)


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A clean checkpoint, another study's checkpoint, and the reference tables."""
    root = tmp_path_factory.mktemp("clean")
    study = _mc(checkpoint=root / "ck")
    cs.monte_carlo(OIL.replace(seed=6), 2, progress=False, checkpoint=root / "other")
    return root, study


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _edit_value(data):
    data["summary"]["value"][0] += 1.0


CASES = {
    "empty object": (
        "runs/000001.json",
        lambda ck, other: (ck / "runs/000001.json").write_text("{}"),
        "is not a draw record",
    ),
    "JSON list": (
        "runs/000002.json",
        lambda ck, other: (ck / "runs/000002.json").write_text("[1, 2]"),
        "holds a JSON list, not a draw record",
    ),
    "unreadable": (
        "runs/000003.json",
        lambda ck, other: (ck / "runs/000003.json").write_text('{"key": 3, "sta'),
        "is unreadable",
    ),
    "another scenario's file": (
        "runs/000001.json",
        lambda ck, other: shutil.copy(other / "runs/000001.json", ck / "runs/000001.json"),
        "belongs to another study",
    ),
    "a draw under another number": (
        "runs/000003.json",
        lambda ck, other: shutil.copy(ck / "runs/000000.json", ck / "runs/000003.json"),
        "holds draw 0, not draw 3",
    ),
    "edited values": (
        "runs/000002.json",
        lambda ck, other: _edit(ck / "runs/000002.json", _edit_value),
        "does not match its checksum",
    ),
    "edited base run": (
        "base.json",
        lambda ck, other: _edit(ck / "base.json", _edit_value),
        "does not match its checksum",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_file_that_does_not_belong_is_set_aside_and_its_run_rerun(
    case, clean, tmp_path, monkeypatch
):
    root, whole = clean
    name, damage, why = CASES[case]
    ck = tmp_path / "ck"
    shutil.copytree(root / "ck", ck)
    damage(ck, root / "other")
    ran = []
    real = execute_module.run_task
    monkeypatch.setattr(execute_module, "run_task", lambda p: ran.append(p["key"]) or real(p))
    with pytest.warns(UserWarning, match="checkpoint file") as caught:
        again = _mc(checkpoint=ck)
    lines = [str(w.message) for w in caught if "checkpoint file" in str(w.message)]
    assert len(lines) == 1, lines
    assert str(ck / name) in lines[0]
    assert why in lines[0]
    assert "\n" not in lines[0]
    aside = ck / "rejected" / name.replace("/", "-")
    assert aside.exists()
    key = None if name == "base.json" else int(Path(name).stem)
    assert ran == ([] if key is None else [key])
    for table in ("runs", "values", "inputs", "base"):
        pd.testing.assert_frame_equal(again.table(table), whole.table(table))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the re-run file belongs: no warning the next time
        _mc(checkpoint=ck)


def test_a_study_file_that_is_not_a_study_is_refused_naming_it(clean, tmp_path):
    root, _ = clean
    ck = tmp_path / "ck"
    shutil.copytree(root / "ck", ck)
    (ck / "study.json").write_text("[]")
    with pytest.raises(ScenarioError, match=r"study\.json is not a study description"):
        _mc(checkpoint=ck)


def test_every_saved_file_records_its_study_draw_and_checksum(clean):
    root, _ = clean
    record = json.loads((root / "ck" / "runs" / "000002.json").read_text())
    assert record["key"] == 2
    assert len(record["study"]) == 16
    assert len(record["checksum"]) == 64
    base = json.loads((root / "ck" / "base.json").read_text())
    assert base["study"] == record["study"]
    other = json.loads((root / "other" / "runs" / "000001.json").read_text())
    assert other["study"] != record["study"]


def test_a_checkpoint_behind_an_fsspec_url(clean, tmp_path):
    pytest.importorskip("fsspec")
    _, whole = clean
    url = f"file://{tmp_path}/ck"
    first = _mc(checkpoint=url)
    assert (tmp_path / "ck" / "runs" / "000003.json").exists()
    again = _mc(checkpoint=url)  # resumes: every draw is read back
    for table in ("runs", "values"):
        pd.testing.assert_frame_equal(first.table(table), whole.table(table))
        pd.testing.assert_frame_equal(again.table(table), whole.table(table))


# ------------------------------------------------------------------------- kept tables
def test_kept_tables_are_written_by_the_run_and_read_back_checked(clean, tmp_path):
    _, whole = clean
    ck = tmp_path / "ck"
    stored = _mc(checkpoint=ck, tables=["utilisation", "unmet"])
    in_memory = _mc(tables=["utilisation"])
    record = json.loads((ck / "runs" / "000002.json").read_text())
    ref = record["tables"]["utilisation"]
    assert ref["file"] == "tables/utilisation/000002.csv"
    assert "csv" not in ref  # the record holds a reference, not the table
    assert (ck / ref["file"]).exists()
    pd.testing.assert_frame_equal(stored.table("values"), whole.table("values"))
    one = stored.run_table("utilisation", 2)
    assert len(one) == ref["rows"] > 0
    pd.testing.assert_frame_equal(one, in_memory.run_table("utilisation", 2))
    every = stored.run_table("utilisation")
    assert sorted(set(every["draw"])) == list(range(N))
    assert len(every) == N * len(one)
    # the draws differ (their inputs do), and the kept tables with them
    assert (
        not every[every["draw"] == 0]
        .drop(columns="draw")
        .reset_index(drop=True)
        .equals(every[every["draw"] == 1].drop(columns="draw").reset_index(drop=True))
    )
    text = (ck / ref["file"]).read_text().replace(",", ";", 1)
    (ck / ref["file"]).write_text(text)
    with pytest.raises(cs.CorridorSimError, match=r"000002\.csv: does not match the checksum"):
        stored.run_table("utilisation", 2)
    with pytest.raises(cs.CorridorSimError, match="pass tables=\\['flows'\\]"):
        stored.run_table("flows")


def test_an_unknown_kept_table_is_an_error_before_any_draw():
    with pytest.raises(cs.CorridorSimError, match="no table 'utilization', did you mean"):
        _mc(tables=["utilization"])
    with pytest.raises(ScenarioError, match="is not a table name"):
        _mc(tables=["../x"])

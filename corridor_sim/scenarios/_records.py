"""The ``runs`` and ``values`` tables of a study, built from its runs' records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

__all__ = ["build_tables"]


def build_tables(
    kind: str,
    records: Mapping[int, Mapping[str, Any]],
    input_names: Sequence[str],
) -> dict[str, pd.DataFrame]:
    """Build the ``runs`` and ``values`` tables from run records (key order)."""
    key = "draw" if kind == "monte_carlo" else "run"
    run_rows, frames = [], []
    for k in sorted(records):
        rec = records[k]
        inputs = rec.get("inputs", {})
        row = {key: int(k), **{n: inputs.get(n) for n in input_names}}
        if kind == "monte_carlo":
            row["seed"] = rec.get("seed")
        row.update(
            status=rec["status"], error=rec.get("error", ""), bottleneck=rec.get("bottleneck", "")
        )
        run_rows.append(row)
        summary = rec.get("summary")
        if rec["status"] == "ok" and summary:
            frame = pd.DataFrame(summary, columns=["metric", "value", "unit", "element"])
            for name in reversed(input_names):
                frame.insert(0, name, inputs.get(name))
            frame.insert(0, key, int(k))
            frame["bottleneck"] = rec.get("bottleneck", "")
            frames.append(frame)
    run_cols = [
        key,
        *input_names,
        *(["seed"] if kind == "monte_carlo" else []),
        "status",
        "error",
        "bottleneck",
    ]
    runs = pd.DataFrame(run_rows, columns=run_cols)
    value_cols = [key, *input_names, "metric", "value", "unit", "element", "bottleneck"]
    values = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=value_cols)
    values["value"] = values["value"].astype(float)
    return {"runs": runs, "values": values[value_cols]}

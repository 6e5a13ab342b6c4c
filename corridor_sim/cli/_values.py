"""Values of the command line: numbers, --param grids, --dist specs, workers, years, draws."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from corridor_sim.errors import ScenarioError


def _number(text: str) -> float | int | bool | str:
    low = text.strip().lower()
    if low in {"true", "false"}:
        return low == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text.strip()


def _params(items: Sequence[str]) -> dict[str, list[float | int | bool | str]]:
    grid: dict[str, list[float | int | bool | str]] = {}
    for item in items:
        name, sep, values = item.partition("=")
        if not sep or not name or not values:
            msg = f"--param {item!r}: expected NAME=V1,V2,... e.g. kazakh_volume_mt_per_yr=1.7,3,5"
            raise ScenarioError(msg)
        key = name.strip()
        if key in grid:
            msg = (
                f"--param {key} is given twice; expected one NAME=V1,V2,... per parameter "
                "(list every value once)"
            )
            raise ScenarioError(msg)
        grid[key] = [_number(v) for v in values.split(",") if v.strip()]
    return grid


def _dists(items: Sequence[str]) -> dict[str, tuple[object, ...]]:
    out: dict[str, tuple[object, ...]] = {}
    for item in items:
        name, sep, spec = item.partition("=")
        parts = spec.split(":")
        if not sep or len(parts) < 2:
            msg = (
                f"--dist {item!r}: expected NAME=KIND:A[:B[:C]], "
                "e.g. kazakh_volume_mt_per_yr=uniform:1:3"
            )
            raise ScenarioError(msg)
        kind, *args = parts
        if name in out:
            msg = f"--dist {name} is given twice; expected one distribution per input"
            raise ScenarioError(msg)
        if kind == "choice":
            values = [_number(a) for a in args if a.strip()]
            if not values:
                msg = (
                    f"--dist {item!r}: 'choice' needs at least one value, "
                    "e.g. year=choice:2025:2030"
                )
                raise ScenarioError(msg)
            out[name] = (kind, values)
            continue
        numbers = [_number(a) for a in args]
        bad = [a for a in numbers if isinstance(a, (str, bool))]
        if bad:
            msg = (
                f"--dist {item!r}: {bad[0]!r} is not a number; expected NAME=KIND:A[:B[:C]] "
                "with numbers, e.g. kazakh_volume_mt_per_yr=uniform:1:3"
            )
            raise ScenarioError(msg)
        out[name] = (kind, *[float(a) for a in numbers])
    return out


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"expected a whole number of workers >= 1, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _year(text: str) -> int:
    from corridor_sim.scenarios.scenario import YEAR_RANGE

    low, high = YEAR_RANGE
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        msg = f"expected a year between {low} and {high}, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _draws(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"expected a positive number of draws, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value

"""The ``corridor-sim`` command.

Sub-commands::

    corridor-sim facts [--format table|csv] [--status S] [--subject TEXT]
    corridor-sim models [--year YEAR]
    corridor-sim run SCENARIO.toml [--out DIR] [--no-plots]
    corridor-sim sweep SCENARIO.toml [--param NAME=V1,V2 ...] [--executor E] [--out FILE.csv]
    corridor-sim monte-carlo SCENARIO.toml -n N --dist NAME=KIND:A:B [...] [--out FILE.csv]

Bad input prints one line ``corridor-sim: error: ...`` on stderr and exits with 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from corridor_sim.errors import CorridorSimError, ScenarioError

__all__ = ["main"]

EXIT_ERROR = 2


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
        grid[name.strip()] = [_number(v) for v in values.split(",") if v.strip()]
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
        if kind == "choice":
            out[name] = (kind, [_number(a) for a in args])
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


def _print_table(frame: pd.DataFrame, fmt: str = "table") -> None:
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        with pd.option_context(
            "display.max_rows", 500, "display.max_colwidth", 60, "display.width", 160
        ):
            print(frame.to_string(index=False))


def _cmd_facts(args: argparse.Namespace) -> int:
    from corridor_sim.catalogue import facts

    table = facts(status=args.status, subject=args.subject)
    if args.format == "table":
        table = table[["id", "value", "unit", "year", "status", "source"]]
    _print_table(table, args.format)
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    from corridor_sim.models import available_models, get_model

    for name in available_models():
        entry = get_model(name)
        print(f"{name}: {entry.description} (resolutions: {', '.join(entry.resolutions)})")
        try:
            params = entry.parameters(args.year) or {}
        except CorridorSimError as err:
            print(f"    (no parameters for year {args.year}: {err})")
            continue
        for p in params.values():
            print(f"    {p.name} = {p.default!r} {p.unit}  [{p.source}]  {p.description}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from corridor_sim.scenarios.runner import run

    result = run(Path(args.scenario))
    _print_table(result.summary())
    if args.out:
        out = result.save(args.out)
        written = [f"{name}.csv" for name in result.tables]
        if not args.no_plots:
            import matplotlib as mpl

            mpl.use("Agg")
            import matplotlib.pyplot as plt

            from corridor_sim.plotting import figures

            for stem, fig in figures(result).items():
                fig.savefig(out / f"{stem}.png", dpi=110, bbox_inches="tight")
                plt.close(fig)
                written.append(f"{stem}.png")
        print(f"wrote {len(written)} files to {out}: {', '.join(written)}")
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    from corridor_sim.scenarios.runner import sweep

    grid = _params(args.param) if args.param else None
    table = sweep(Path(args.scenario), grid, executor=args.executor, max_workers=args.workers)
    _write_or_print(table, args.out)
    return 0


def _cmd_monte_carlo(args: argparse.Namespace) -> int:
    from corridor_sim.scenarios.runner import monte_carlo

    table = monte_carlo(
        Path(args.scenario),
        args.n,
        distributions=_dists(args.dist),
        executor=args.executor,
        max_workers=args.workers,
    )
    _write_or_print(table, args.out)
    return 0


def _write_or_print(table: pd.DataFrame, out: str | None) -> None:
    if out:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(path, index=False)
        print(f"wrote {len(table)} rows to {path}")
    else:
        _print_table(table)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="corridor-sim",
        description="Simulate the Caspian energy and oil corridors (corridor_sim).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("facts", help="list the documented figures and assumptions")
    p.add_argument("--format", choices=["table", "csv"], default="table")
    p.add_argument(
        "--status", default=None, help="only this status (actual, planned, assumption, ...)"
    )
    p.add_argument("--subject", default=None, help="only subjects containing this text")
    p.set_defaults(func=_cmd_facts)

    p = sub.add_parser("models", help="list the models and their parameters")
    p.add_argument("--year", type=int, default=2025)
    p.set_defaults(func=_cmd_models)

    p = sub.add_parser("run", help="run a scenario file; print its summary, write tables and plots")
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", default=None, help="directory for the CSV tables and PNG figures")
    p.add_argument("--no-plots", action="store_true", help="write tables only")
    p.set_defaults(func=_cmd_run)

    for name, func, help_text in (
        ("sweep", _cmd_sweep, "run a capacity study over parameter values"),
        ("monte-carlo", _cmd_monte_carlo, "run random draws of uncertain parameters"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("scenario", help="scenario TOML file")
        if name == "sweep":
            p.add_argument(
                "--param",
                action="append",
                default=[],
                help="NAME=V1,V2,... (repeatable; default: the file's [sweep] table)",
            )
        else:
            p.add_argument("-n", type=int, required=True, help="number of draws")
            p.add_argument(
                "--dist", action="append", default=[], required=True, help="NAME=KIND:A:B"
            )
        p.add_argument("--executor", choices=["serial", "process", "dask"], default="serial")
        p.add_argument("--workers", type=int, default=None)
        p.add_argument("--out", default=None, help="CSV file for the tidy table")
        p.set_defaults(func=func)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``corridor-sim``; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # the reader went away (``corridor-sim facts | head``): stop quietly, no error line
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (AttributeError, OSError, ValueError):
            pass
        return 0
    except CorridorSimError as err:
        print(f"corridor-sim: error: {err}", file=sys.stderr)
        if os.environ.get("CORRIDOR_SIM_DEBUG"):
            raise
        return EXIT_ERROR
    except (OSError, ValueError) as err:
        print(f"corridor-sim: error: {type(err).__name__}: {err}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())

"""The ``corridor-sim`` command.

Sub-commands::

    corridor-sim facts [--format table|csv] [--status S] [--subject TEXT]
    corridor-sim models [--year YEAR]
    corridor-sim run SCENARIO.toml [--out DIR] [--no-plots]
    corridor-sim sweep SCENARIO.toml [--param NAME=V1,V2 ...] [--executor E] [--out DIR]
    corridor-sim monte-carlo SCENARIO.toml -n N [--dist NAME=KIND:A:B ...] [--threshold M>X]
                             [--checkpoint DIR] [--out DIR]
    corridor-sim diff A.toml B.toml [--out FILE.csv]

Every command takes ``--quiet`` (no progress bar, warnings and errors only), ``--verbose``
(``-v``: what the library logs at INFO; ``-vv``: DEBUG) and the program takes ``--version``.
Bad input prints one line ``corridor-sim: error: ...`` on stderr and exits with 2; Ctrl-C
prints one line and exits with 130 (a study says how many runs are saved and how to resume).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from corridor_sim import __version__
from corridor_sim.errors import CorridorSimError, ScenarioError

__all__ = ["main"]

EXIT_ERROR = 2
#: Exit status after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


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
                msg = f"--dist {item!r}: 'choice' needs at least one value, e.g. year=choice:2025:2030"
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


def _progress(args: argparse.Namespace) -> bool:
    return not getattr(args, "quiet", False)


def _save_figures(figs: dict[str, Any], out: Path) -> list[str]:
    import matplotlib.pyplot as plt  # noqa: PLC0415

    written = []
    for stem, fig in figs.items():
        fig.savefig(out / f"{stem}.png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        written.append(f"{stem}.png")
    return written


def _use_agg() -> None:
    import matplotlib as mpl  # noqa: PLC0415

    mpl.use("Agg")


def _check_out(args: argparse.Namespace, *, file_ok: bool = False) -> None:
    """Refuse an --out that would overwrite or mix with other files, before any work runs."""
    if not getattr(args, "out", None):
        return
    from corridor_sim.results._store import check_file_target, check_target  # noqa: PLC0415

    path = Path(args.out)
    if file_ok and path.suffix.lower() == ".csv":
        check_file_target(path, overwrite=args.overwrite)
    else:
        check_target(path, overwrite=args.overwrite)


def _cmd_run(args: argparse.Namespace) -> int:
    from corridor_sim.scenarios.runner import run  # noqa: PLC0415

    _check_out(args)
    result = run(Path(args.scenario), progress=_progress(args))
    _print_table(result.summary())
    if args.out:
        written = [f"{name}.csv" for name in result.tables]

        def figures_into(folder: Path) -> None:
            if args.no_plots:
                return
            _use_agg()
            from corridor_sim.plotting import figures  # noqa: PLC0415

            written.extend(_save_figures(figures(result), folder))

        out = result.save(args.out, overwrite=args.overwrite, extra=figures_into)
        print(f"wrote {len(written)} files to {out}: {', '.join(written)}")
    return 0


def _write_study(study: Any, args: argparse.Namespace) -> int:  # noqa: ANN401 - a StudyResult
    """Print the study's summary; write its tables (and figures) where --out says.

    Returns the exit status: 1 when no run finished (every one failed), else 0.
    """
    summary = study.summary()
    print(summary.to_text())
    runs = study.table("runs")
    status = 0
    if len(runs) and (runs["status"] == "failed").all():
        print(
            f"corridor-sim: error: all {len(runs)} runs failed; the first: {runs['error'].iloc[0]}",
            file=sys.stderr,
        )
        status = 1
    if not args.out:
        return status
    path = Path(args.out)
    if path.suffix.lower() == ".csv":  # the tidy long table alone, as before
        from corridor_sim.results._store import write_file_atomically  # noqa: PLC0415

        frame = study.to_frame()
        write_file_atomically(path, lambda tmp: frame.to_csv(tmp, index=False), overwrite=True)
        print(f"wrote {len(frame)} rows to {path}")
        return status
    written: list[str] = []

    def figures_into(folder: Path) -> None:
        if args.no_plots:
            return
        _use_agg()
        from corridor_sim.plotting.study import figures  # noqa: PLC0415

        written.extend(_save_figures(figures(study), folder))

    out = study.save(path, overwrite=args.overwrite, extra=figures_into)
    tables = sorted(p.name for p in out.iterdir() if p.suffix in (".csv", ".json"))
    written = tables + written
    print(f"wrote {len(written)} files to {out}: {', '.join(written)}")
    return status


def _cmd_sweep(args: argparse.Namespace) -> int:
    from corridor_sim.scenarios.runner import sweep  # noqa: PLC0415

    _check_out(args, file_ok=True)
    grid = _params(args.param) if args.param else None
    study = sweep(
        Path(args.scenario),
        grid,
        executor=args.executor,
        max_workers=args.workers,
        checkpoint=args.checkpoint,
        progress=_progress(args),
        model_study=args.model_study,
        thresholds=args.threshold,
    )
    return _write_study(study, args)


def _cmd_monte_carlo(args: argparse.Namespace) -> int:
    from corridor_sim.scenarios.runner import monte_carlo  # noqa: PLC0415

    _check_out(args, file_ok=True)
    study = monte_carlo(
        Path(args.scenario),
        args.n,
        distributions=_dists(args.dist),
        catalogue=not args.no_catalogue,
        thresholds=args.threshold,
        executor=args.executor,
        max_workers=args.workers,
        checkpoint=args.checkpoint,
        progress=_progress(args),
        model_study=args.model_study,
    )
    return _write_study(study, args)


def _cmd_diff(args: argparse.Namespace) -> int:
    from corridor_sim.results._store import check_file_target, write_file_atomically  # noqa: PLC0415
    from corridor_sim.scenarios.diff import diff  # noqa: PLC0415

    if args.out:
        check_file_target(Path(args.out), overwrite=args.overwrite)
    result = diff(Path(args.a), Path(args.b), progress=_progress(args))
    print(result.to_text())
    if args.out:
        path = Path(args.out)
        write_file_atomically(
            path, lambda tmp: result.metrics.to_csv(tmp, index=False), overwrite=True
        )
        print(f"wrote {len(result.metrics)} rows to {path}")
    return 0


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
    from corridor_sim.scenarios.scenario import YEAR_RANGE  # noqa: PLC0415

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


def _common() -> argparse.ArgumentParser:
    """Options every sub-command takes (also accepted before the sub-command)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="no progress bar; print warnings and errors only",
    )
    common.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="log what the library does (-v: info, -vv: debug)",
    )
    return common


def _study_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--threshold",
        action="append",
        default=[],
        metavar="METRIC>VALUE",
        help="probability of a condition, e.g. 'unmet_mt>0' (repeatable; >, >=, <, <=)",
    )
    p.add_argument("--executor", choices=["serial", "process", "dask"], default="serial")
    p.add_argument("--workers", type=_workers, default=None, help="worker processes")
    p.add_argument(
        "--checkpoint",
        default=None,
        metavar="DIR",
        help="save each finished run in DIR; the same command again resumes from it",
    )
    p.add_argument(
        "--model-study",
        action="store_true",
        help="keep options.study (the model's own capacity study) in every run",
    )
    p.add_argument(
        "--out",
        default=None,
        help="folder for the tables (CSV) and figures (PNG); a .csv name writes the long table",
    )
    p.add_argument("--no-plots", action="store_true", help="write tables only")
    _overwrite_option(p)


def _overwrite_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an earlier corridor_sim result at --out (other files are never touched)",
    )


def _parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="corridor-sim",
        description="Simulate the Caspian energy and oil corridors (corridor_sim).",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"corridor-sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "facts", help="list the documented figures and assumptions", parents=[common]
    )
    p.add_argument("--format", choices=["table", "csv"], default="table")
    p.add_argument(
        "--status", default=None, help="only this status (actual, planned, assumption, ...)"
    )
    p.add_argument("--subject", default=None, help="only subjects containing this text")
    p.set_defaults(func=_cmd_facts)

    p = sub.add_parser("models", help="list the models and their parameters", parents=[common])
    p.add_argument("--year", type=_year, default=2025)
    p.set_defaults(func=_cmd_models)

    p = sub.add_parser(
        "run",
        help="run a scenario file; print its summary, write tables and plots",
        parents=[common],
    )
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", default=None, help="directory for the CSV tables and PNG figures")
    p.add_argument("--no-plots", action="store_true", help="write tables only")
    _overwrite_option(p)
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser(
        "sweep", help="run a scenario over a grid of parameter values", parents=[common]
    )
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        help="NAME=V1,V2,... (repeatable; default: the file's [sweep] table)",
    )
    _study_options(p)
    p.set_defaults(func=_cmd_sweep)

    p = sub.add_parser(
        "monte-carlo",
        help="draw the uncertain inputs (the catalogue's ranges, or --dist) and summarise",
        parents=[common],
    )
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("-n", type=_draws, required=True, help="number of draws")
    p.add_argument(
        "--dist",
        action="append",
        default=[],
        help="NAME=KIND:A:B (repeatable): a parameter, 'year' or a catalogue id; "
        "overrides the catalogue's range",
    )
    p.add_argument(
        "--no-catalogue",
        action="store_true",
        help="draw only the --dist inputs, not the catalogue's ranges",
    )
    _study_options(p)
    p.set_defaults(func=_cmd_monte_carlo)

    p = sub.add_parser(
        "diff",
        help="run two scenarios; show the inputs that differ and every metric's change",
        parents=[common],
    )
    p.add_argument("a", help="scenario A (TOML)")
    p.add_argument("b", help="scenario B (TOML)")
    p.add_argument("--out", default=None, help="CSV file for the metric comparison")
    _overwrite_option(p)
    p.set_defaults(func=_cmd_diff)
    return parser


def _show_warning(message: Warning | str, category: type[Warning], *_: Any) -> None:  # noqa: ANN401
    print(f"corridor-sim: warning: {message}", file=sys.stderr)


def _configure_logging(args: argparse.Namespace) -> tuple[logging.Handler, int]:
    """Show the library's log records on stderr at the level the flags ask for."""
    verbose = getattr(args, "verbose", 0) or 0
    if getattr(args, "quiet", False):
        level = logging.ERROR
    elif verbose >= 2:
        level = logging.DEBUG
    elif verbose == 1:
        level = logging.INFO
    else:
        level = logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("corridor-sim: %(levelname)s: %(message)s"))
    logger = logging.getLogger("corridor_sim")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    if verbose < 2:
        # pandapower warns on every power flow that numba is missing; -vv shows it
        logging.getLogger("pandapower").setLevel(logging.ERROR)
    return handler, previous


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``corridor-sim``; returns the exit code."""
    try:
        args = _parser().parse_args(argv)
    except KeyboardInterrupt:
        print("corridor-sim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    handler, previous = _configure_logging(args)
    try:
        with warnings.catch_warnings():
            if getattr(args, "quiet", False):
                warnings.simplefilter("ignore")
            warnings.showwarning = _show_warning
            return int(args.func(args))
    except KeyboardInterrupt as err:
        text = str(err) if str(err) else "interrupted"
        print(f"corridor-sim: {text}", file=sys.stderr)
        return EXIT_INTERRUPTED
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
    finally:
        logger = logging.getLogger("corridor_sim")
        logger.removeHandler(handler)
        logger.setLevel(previous)


if __name__ == "__main__":
    raise SystemExit(main())

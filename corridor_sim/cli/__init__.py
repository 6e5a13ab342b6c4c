"""The ``corridor-sim`` command.

Sub-commands::

    corridor-sim facts [--format table|csv] [--status S] [--subject TEXT]
    corridor-sim models [--year YEAR]
    corridor-sim run SCENARIO.toml [--out DIR] [--no-plots]
    corridor-sim sweep SCENARIO.toml [--param NAME=V1,V2 ...] [--executor E] [--out DIR]
    corridor-sim monte-carlo SCENARIO.toml -n N [--dist NAME=KIND:A:B ...] [--threshold M>X]
                             [--checkpoint DIR] [--out DIR]
    corridor-sim diff A B [--out FILE.csv]   (A, B: scenario TOMLs or result folders)

Every command takes ``--quiet`` (no progress bar, warnings and errors only), ``--verbose``
(``-v``: what the library logs at INFO; ``-vv``: DEBUG) and the program takes ``--version``.
Bad input prints one line ``corridor-sim: error: ...`` on stderr and exits with 2; Ctrl-C
prints one line and exits with 130 (a study says how many runs are saved and how to resume).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import warnings
from collections.abc import Sequence
from typing import TextIO

from corridor_sim import __version__, _sigint
from corridor_sim.cli._commands import (
    _cmd_diff,
    _cmd_facts,
    _cmd_models,
    _cmd_monte_carlo,
    _cmd_run,
    _cmd_sweep,
)
from corridor_sim.cli._values import _draws, _workers, _year
from corridor_sim.errors import CorridorSimError

__all__ = ["main"]

EXIT_ERROR = 2
#: Exit status after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = _sigint.EXIT_INTERRUPTED


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
        help=(
            "compare two scenarios (run here) or saved result folders (not run again): "
            "the inputs that differ, changed metrics, bottlenecks and flows"
        ),
        parents=[common],
    )
    p.add_argument("a", help="A: a scenario TOML or a result folder (run --out)")
    p.add_argument("b", help="B: a scenario TOML or a result folder (run --out)")
    p.add_argument("--out", default=None, help="CSV file for the metric comparison")
    _overwrite_option(p)
    p.set_defaults(func=_cmd_diff)
    return parser


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """``warnings.showwarning`` for the command line: the message only, on stderr."""
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
    """Entry point of ``corridor-sim``; returns the exit code.

    Run as the command, SIGINT raises KeyboardInterrupt only while this runs (so a study
    can save its checkpoint and say how to resume); before and after, it ends the process
    at once with one line and status 130 (:mod:`corridor_sim._sigint`).
    """
    command = signal.getsignal(signal.SIGINT) is _sigint.quit_now
    try:
        if command:
            signal.signal(signal.SIGINT, _sigint.raise_and_watch)
        code = _main(argv)
    except KeyboardInterrupt:  # between the two lines above, or a second Ctrl-C
        _sigint.announce()
        code = EXIT_INTERRUPTED
    finally:
        if command:
            signal.signal(signal.SIGINT, _sigint.quit_now)
    if command and code == EXIT_INTERRUPTED:
        _sigint.exit_now(code)
    return code


def _interrupted(err: KeyboardInterrupt) -> int:
    text = str(err) if str(err) else "interrupted"
    _sigint.announce(f"corridor-sim: {text}")
    return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
    except KeyboardInterrupt as err:
        return _interrupted(err)
    handler, previous = _configure_logging(args)
    try:
        with warnings.catch_warnings():
            if getattr(args, "quiet", False):
                warnings.simplefilter("ignore")
            warnings.showwarning = _show_warning
            return int(args.func(args))
    except KeyboardInterrupt as err:
        return _interrupted(err)
    except BrokenPipeError:
        # the reader went away (``corridor-sim facts | head``): stop quietly, no error line
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (AttributeError, OSError, ValueError):
            pass
        return 0
    except CorridorSimError as err:
        if _sigint.interrupted_in(err):
            return _interrupted(KeyboardInterrupt())
        print(f"corridor-sim: error: {err}", file=sys.stderr)
        if os.environ.get("CORRIDOR_SIM_DEBUG"):
            raise
        return EXIT_ERROR
    except (OSError, ValueError) as err:
        if _sigint.interrupted_in(err):
            return _interrupted(KeyboardInterrupt())
        print(f"corridor-sim: error: {type(err).__name__}: {err}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as err:
        if _sigint.interrupted_in(err):  # a Ctrl-C that a C extension turned into SystemError
            return _interrupted(KeyboardInterrupt())
        raise
    finally:
        logger = logging.getLogger("corridor_sim")
        logger.removeHandler(handler)
        logger.setLevel(previous)

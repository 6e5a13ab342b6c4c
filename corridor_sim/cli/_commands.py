"""What each sub-command does; the parser in :mod:`corridor_sim.cli` points at these.

Each command imports what it needs when it runs (pandas, the models, the runners), so the
command takes Ctrl-C from its first moment: ``python -X importtime -c 'import
corridor_sim.cli'`` lists no third-party module.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor_sim.cli._values import _dists, _params
from corridor_sim.errors import CorridorSimError

if TYPE_CHECKING:
    import pandas as pd


def _print_table(frame: pd.DataFrame, fmt: str = "table") -> None:
    """Print `frame`: CSV in full precision, or a table with numbers for reading."""
    import pandas as pd

    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        from corridor_sim.results.numbers import format_frame

        frame = format_frame(frame)
        with pd.option_context(
            "display.max_rows", 500, "display.max_colwidth", 60, "display.width", 160
        ):
            print(frame.to_string(index=False))


def _cmd_facts(args: argparse.Namespace) -> int:
    from corridor_sim.catalogue import facts

    table = facts(status=args.status, subject=args.subject)
    if table.empty:
        asked = " and ".join(
            f"--{flag} {value!r}"
            for flag, value in (("status", args.status), ("subject", args.subject))
            if value is not None
        )
        print(
            f"corridor-sim: no facts match {asked} (subject or id containing the text, "
            f"any case; {len(facts())} facts in all: corridor-sim facts lists them)",
            file=sys.stderr,
        )
        return 0
    if args.format == "table":
        table = table[["id", "value", "unit", "year", "status", "source"]]
    _print_table(table, args.format)
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    from corridor_sim.models import available_models, get_model

    for name in available_models():
        entry = get_model(name)
        print(f"{name}: {entry.description} (resolutions: {', '.join(entry.resolutions)})")
        if entry.years is not None:
            first, last = entry.years
            if args.year < first:
                note = f"no parameters for year {args.year}: its figures cover {first}..{last}"
                print(f"    ({note})")
                continue
            if args.year > last:
                print(f"    (year {args.year} carries the figures of {first}..{last} forward)")
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
    """Save each figure as ``<stem>.png`` in `out` through the house style; return the names.

    :func:`corridor_sim.plotting.style.save_figure` gives every file the same resolution,
    cropping and white background (and warns about text under 8 pt); each figure is closed.
    """
    import matplotlib.pyplot as plt

    from corridor_sim.plotting import style  # matplotlib on use

    written = []
    for stem, fig in figs.items():
        style.save_figure(fig, out / f"{stem}.png")
        plt.close(fig)
        written.append(f"{stem}.png")
    return written


def _use_agg() -> None:
    import matplotlib as mpl

    mpl.use("Agg")


def _check_out(args: argparse.Namespace, *, file_ok: bool = False) -> None:
    """Refuse an --out that would overwrite or mix with other files, before any work runs."""
    if not getattr(args, "out", None):
        return
    from corridor_sim.results._store import check_file_target, check_target

    path = Path(args.out)
    if file_ok and path.suffix.lower() == ".csv":
        check_file_target(path, overwrite=args.overwrite)
    else:
        check_target(path, overwrite=args.overwrite)


def _cmd_run(args: argparse.Namespace) -> int:
    from corridor_sim.scenarios.runner import run

    _check_out(args)
    result = run(Path(args.scenario), progress=_progress(args))
    _print_table(result.summary())
    if args.out:
        written = [f"{name}.csv" for name in result.tables]

        def figures_into(folder: Path) -> None:
            if args.no_plots:
                return
            _use_agg()
            from corridor_sim.plotting import figures

            written.extend(_save_figures(figures(result), folder))

        out = result.save(args.out, overwrite=args.overwrite, extra=figures_into)
        print(f"wrote {len(written)} files to {out}: {', '.join(written)}")
    return 0


def _write_study(study: Any, args: argparse.Namespace) -> int:  # a StudyResult
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
        from corridor_sim.results._store import write_file_atomically

        frame = study.to_frame()
        write_file_atomically(path, lambda tmp: frame.to_csv(tmp, index=False), overwrite=True)
        print(f"wrote {len(frame)} rows to {path}")
        return status
    written: list[str] = []

    def figures_into(folder: Path) -> None:
        if args.no_plots:
            return
        _use_agg()
        from corridor_sim.plotting.study import figures

        written.extend(_save_figures(figures(study), folder))

    out = study.save(path, overwrite=args.overwrite, extra=figures_into)
    tables = sorted(p.name for p in out.iterdir() if p.suffix in (".csv", ".json"))
    written = tables + written
    print(f"wrote {len(written)} files to {out}: {', '.join(written)}")
    return status


def _cmd_sweep(args: argparse.Namespace) -> int:
    from corridor_sim.scenarios.runner import sweep

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
    from corridor_sim.scenarios.runner import monte_carlo

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
    from corridor_sim.results._store import check_file_target, write_file_atomically
    from corridor_sim.scenarios.diff import diff

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

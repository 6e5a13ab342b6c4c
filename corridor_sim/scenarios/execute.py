"""Run the scenarios of a study: one task per run, saved and counted as each finishes.

:func:`run_task` is what a worker executes for one sweep point or draw: the scenario, run
inside :func:`corridor_sim.catalogue.overriding` with the draw's catalogue values, turned
into a plain record (JSON types only). A run that raises is a record with
``status = "failed"`` and the error message, not the end of the study.
:func:`execute` hands the missing tasks to an executor, saves each record in the
checkpoint as it arrives, drives the progress bar, and turns Ctrl-C into
:class:`~corridor_sim.scenarios.checkpoint.StudyInterrupted`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from corridor_sim._sigint import interrupted_in
from corridor_sim.scenarios._kept import keep_tables
from corridor_sim.scenarios.checkpoint import Checkpoint, StudyInterrupted, jsonable
from corridor_sim.scenarios.executors import iter_runs, limit_threads
from corridor_sim.scenarios.progress import study_bar

__all__ = ["Payloads", "execute", "failed_record", "normalise", "record_of", "run_task"]

logger = logging.getLogger(__name__)


def normalise(record: Mapping[str, Any]) -> dict[str, Any]:
    """`record` as it reads back from a checkpoint (JSON types, exact floats)."""
    return json.loads(json.dumps(jsonable(record), sort_keys=True))


def record_of(result: Any) -> dict[str, Any]:  # a Result
    """Return the summary rows and bottleneck of a finished run, as plain lists."""
    summary = result.summary()
    return {
        "status": "ok",
        "error": "",
        "bottleneck": str(result.meta.get("bottleneck", "") or ""),
        "summary": {
            "metric": [str(m) for m in summary["metric"]],
            "value": [float(v) for v in summary["value"]],
            "unit": [str(u) for u in summary["unit"]],
            "element": [str(e) for e in summary["element"].fillna("")],
        },
    }


def run_task(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Run one sweep point or draw (in any process); never raises for a failing model run.

    Parameters
    ----------
    payload : mapping
        ``key``, ``scenario`` (a Scenario), ``catalogue`` (id -> drawn value), ``inputs``
        (the input values to report), ``seed``, ``limit_threads`` (a Dask worker: one
        BLAS thread), ``tables`` (names of the result's tables to keep) and ``store`` (the
        checkpoint where the worker writes them; None: they come back in the record).

    Returns
    -------
    dict
        ``key, inputs, seed, status, error, bottleneck, summary, unread`` (``unread``: drawn
        catalogue rows the run did not read, which a cache in a model would cause) and
        ``tables`` (references to the kept tables, :mod:`corridor_sim.scenarios._kept`).
    """
    from corridor_sim.catalogue import overriding, recording
    from corridor_sim.scenarios.single import run  # the models load on use

    if payload.get("limit_threads"):
        limit_threads()
    catalogue = dict(payload.get("catalogue") or {})
    head: dict[str, Any] = {
        "key": int(payload["key"]),
        "inputs": dict(payload.get("inputs") or {}),
        "seed": payload.get("seed"),
    }
    try:
        with recording() as read, overriding(catalogue):
            result = run(payload["scenario"])
        record = {**head, **record_of(result)}
        if payload.get("tables"):
            record["tables"] = keep_tables(
                result, payload["tables"], int(payload["key"]), payload.get("store")
            )
        record["unread"] = sorted(i for i in catalogue if i not in read)
    except Exception as err:  # a failing run is recorded, the study goes on
        if interrupted_in(err):  # a Ctrl-C that a C extension turned into SystemError
            raise KeyboardInterrupt from err
        message = " ".join(str(err).split()) or type(err).__name__
        return failed_record(payload, f"{type(err).__name__}: {message}")
    return normalise(record)


def failed_record(payload: Mapping[str, Any], error: str) -> dict[str, Any]:
    """Return the record of a run that failed with `error` (one line)."""
    record: dict[str, Any] = {
        "key": int(payload["key"]),
        "inputs": dict(payload.get("inputs") or {}),
        "seed": payload.get("seed"),
        "status": "failed",
        "error": " ".join(error.split()),
        "bottleneck": "",
        "summary": None,
        "unread": [],
    }
    return normalise(record)


class Payloads(Sequence[dict[str, Any]]):
    """The payloads of a study, each made when an executor asks for it.

    Payload ``i`` is ``make(i)`` (its ``key`` is ``i``); nothing is built up front, so a
    study of a million draws holds only the payloads in flight.
    """

    def __init__(self, count: int, make: Callable[[int], dict[str, Any]]) -> None:
        self._count = int(count)
        self._make = make

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: int) -> dict[str, Any]:  # type: ignore[override]
        if not 0 <= i < self._count:
            raise IndexError(i)
        return self._make(i)


class _Todo(Sequence[dict[str, Any]]):
    """The payloads of `keys` (those not in the checkpoint), with `extra` fields added."""

    def __init__(
        self, payloads: Sequence[Mapping[str, Any]], keys: list[int], extra: dict[str, Any]
    ) -> None:
        self._payloads, self._keys, self._extra = payloads, keys, extra

    def __len__(self) -> int:
        return len(self._keys)

    def __getitem__(self, i: int) -> dict[str, Any]:  # type: ignore[override]
        return {**self._payloads[self._keys[i]], **self._extra}


def execute(
    payloads: Sequence[Mapping[str, Any]],
    records: dict[int, dict[str, Any]],
    *,
    checkpoint: Checkpoint | None,
    executor: str,
    max_workers: int | None,
    progress: bool,
    desc: str,
    unit: str,
    partial: Callable[[dict[int, dict[str, Any]]], Any],
) -> dict[int, dict[str, Any]]:
    """Run the payloads whose key is not in `records`; add each record as it finishes.

    `payloads` is indexed by key (payload ``k`` has ``key == k``); a :class:`Payloads`
    makes each one only when an executor takes it.

    Raises
    ------
    StudyInterrupted
        On Ctrl-C: the finished records are in the checkpoint (if any) and in the
        exception's ``partial`` (built by `partial`).
    """
    total = len(payloads)
    extra = {"limit_threads": True} if executor == "dask" else {}
    todo = _Todo(payloads, [k for k in range(total) if k not in records], extra)
    if len(todo) < total:
        logger.info(
            "%d of %d %ss found in the checkpoint; running %d",
            total - len(todo),
            total,
            unit,
            len(todo),
        )
    failed = sum(1 for r in records.values() if r["status"] == "failed")
    unread: set[str] = set()
    runs = iter_runs(
        run_task, todo, executor=executor, max_workers=max_workers, on_lost=failed_record
    )
    try:
        with study_bar(
            total, done=total - len(todo), desc=desc, unit=unit, enabled=progress
        ) as bar:
            for _, record in runs:
                if checkpoint is not None:
                    checkpoint.save(record)
                records[int(record["key"])] = record
                unread.update(record.get("unread") or [])
                if record["status"] == "failed":
                    failed += 1
                    logger.info("%s %s failed: %s", unit, record["key"], record["error"])
                    bar.set_postfix_str(f"{failed} failed")
                bar.update(1)
    except KeyboardInterrupt:
        done = {k: r for k, r in records.items() if k < total}
        where = checkpoint.directory if checkpoint is not None else None
        raise StudyInterrupted(len(done), total, where, partial(done), unit) from None
    finally:
        runs.close()
    if unread:
        logger.warning(
            "drawn catalogue rows were not read in some runs (a cache in the model would keep "
            "their first value): %s",
            ", ".join(sorted(unread)),
        )
    return records

"""Tables a study keeps from each run: written by the worker, read back on demand.

``monte_carlo(..., tables=["flows"])`` keeps the named tables of every run. The worker
that ran the draw writes each one as CSV into the checkpoint's store
(``DIR/tables/flows/000012.csv``, a shared folder or an fsspec URL every worker reaches)
and returns only a reference (file, rows, SHA-256): the table never passes through the
scheduler or the client. Without a checkpoint the CSV text rides back in the run's record.
:meth:`corridor_sim.scenarios.study.StudyResult.run_table` reads them back, checking each
file against its checksum.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from corridor_sim.errors import ResultError, ScenarioError, UnknownNameError, suggest
from corridor_sim.scenarios._store import Store

__all__ = ["check_table_names", "keep_tables", "kept_table", "read_kept"]

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def check_table_names(tables: Iterable[str] | str | None) -> list[str]:
    """Return the table names a study keeps, checked (letters, digits, ``_.-``)."""
    if tables is None:
        return []
    names = [tables] if isinstance(tables, str) else list(tables)
    for name in names:
        if not isinstance(name, str) or not _NAME.match(name):
            msg = f"tables = {tables!r}: {name!r} is not a table name, e.g. 'flows'"
            raise ScenarioError(msg)
    return list(dict.fromkeys(names))


def keep_tables(
    result: Any,  # a Result
    names: Sequence[str],
    key: int,
    store: str | None,
) -> dict[str, dict[str, Any]]:
    """Write the tables `names` of `result` for run `key`; return their references."""
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        frame = result.table(name)
        text = frame.to_csv(index=False)
        ref: dict[str, Any] = {
            "rows": len(frame),
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        }
        if store is None:
            ref["csv"] = text
        else:
            place = Store(store)
            place.makedirs(f"tables/{name}")
            ref["file"] = f"tables/{name}/{int(key):06d}.csv"
            place.write_text(ref["file"], text)
        out[name] = ref
    return out


def read_kept(ref: Mapping[str, Any], store: str | None) -> pd.DataFrame:
    """Read one kept table back (from the record, or the store), checking its checksum."""
    if "csv" in ref:
        text, where = str(ref["csv"]), "the run's record"
    else:
        if store is None:
            msg = f"kept table {ref.get('file')!r}: the study has no checkpoint to read it from"
            raise ResultError(msg)
        place = Store(store)
        where = place.path(str(ref["file"]))
        try:
            text = place.read_text(str(ref["file"]))
        except OSError as err:
            msg = f"kept table {where}: unreadable ({err})"
            raise ResultError(msg) from err
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != ref["sha256"]:
        msg = f"kept table {where}: does not match the checksum its run recorded (edited?)"
        raise ResultError(msg)
    return pd.read_csv(io.StringIO(text))


def kept_table(
    kept: Mapping[str, Mapping[int, Mapping[str, Any]]],
    name: str,
    key_name: str,
    key: int | None,
    store: str | None,
) -> pd.DataFrame:
    """Read the kept table `name` of run `key` (None: every run, the key first)."""
    if name not in kept:
        msg = (
            f"study result: table {name!r} was not kept from the runs, "
            f"{suggest(name, kept)}; pass tables=[{name!r}] to the study"
        )
        raise UnknownNameError(msg)
    refs = kept[name]
    if key is not None:
        if key not in refs:
            msg = f"study result: no finished {key_name} {key!r} kept table {name!r}"
            raise UnknownNameError(msg)
        return read_kept(refs[key], store)
    frames = []
    for k in sorted(refs):
        frame = read_kept(refs[k], store)
        frame.insert(0, key_name, k)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[key_name])

"""Violations of :func:`~corridor_sim.engines.power.n_minus_1` in memory or in a directory.

The streaming kernel (``_power_lodf.scan``) hands every violating (outage, element) pair of
a block of hours, and optionally every violating (outage, hour, element) row, to a sink:
:class:`MemorySink` keeps them as arrays, :class:`StoreSink` writes them as ``.npy`` chunks
to ``store_dir`` and reads them back on demand. Both turn them into the same tables
(:func:`pair_frame`, :func:`row_frame`), so a stored screen's tables equal an in-memory
one's exactly.

Layout of a store directory (``n1_store.json`` describes it)::

    n1_store.json         format, version, sizes, threshold, complete flag
    keys.npz              outage_element, outage_index, element, element_index (positions)
    hours.npy             the hour labels (when numbers or naive datetimes)
    pairs/pairs-OOOOOO.npy   violating pairs of outages from position OOOOOO (PAIR_DTYPE)
    rows/rows-HHHHH-NNNNNN.npy  violating rows, when kept (ROW_DTYPE)

Positions index ``keys.npz``; hours are positions in ``hours.npy``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from corridor_sim.errors import CorridorSimError, SpecError

__all__ = [
    "PAIR_DTYPE",
    "ROW_DTYPE",
    "VIOLATION_COLUMNS",
    "VIOLATION_COUNT_COLUMNS",
    "Keys",
    "MemorySink",
    "StoreSink",
    "pair_frame",
    "row_frame",
]

#: One violating (outage, element) pair: positions, hours above the threshold, the worst.
PAIR_DTYPE = np.dtype(
    [("outage", "<i4"), ("element", "<i4"), ("n_hours", "<i4"), ("loading_pct", "<f8"),
     ("hour", "<i4"), ("p_mw", "<f8")]
)  # fmt: skip
#: One violating (outage, hour, element) row (positions).
ROW_DTYPE = np.dtype(
    [("outage", "<i4"), ("hour", "<i4"), ("element", "<i4"), ("p_mw", "<f8"),
     ("loading_pct", "<f8")]
)  # fmt: skip

VIOLATION_COUNT_COLUMNS = [
    "outage_element",
    "outage_index",
    "element",
    "element_index",
    "n_hours",
    "loading_pct",
    "p_mw",
    "hour",
]
VIOLATION_COLUMNS = [
    "outage_element",
    "outage_index",
    "hour",
    "element",
    "element_index",
    "p_mw",
    "loading_pct",
]

_MANIFEST = "n1_store.json"
_FORMAT = "corridor_sim.n_minus_1 store"
_VERSION = 1
_OURS = (_MANIFEST, "keys.npz", "hours.npy", "pairs", "rows")

#: Rows buffered before a chunk is written (bytes).
_ROW_CHUNK_BYTES = 32 * 2**20


@dataclass(frozen=True, slots=True, eq=False)
class Keys:
    """The pandapower references behind the positions of the kernel."""

    kind: np.ndarray  # per monitored: "line" / "trafo"
    index: np.ndarray  # per monitored: element index
    out_kind: np.ndarray  # per outage
    out_index: np.ndarray
    hours: np.ndarray  # hour labels


def _records(arrays: tuple[np.ndarray, ...], dtype: np.dtype) -> np.ndarray:
    out = np.empty(arrays[0].size, dtype=dtype)
    for name, values in zip(dtype.names or (), arrays, strict=True):
        out[name] = values
    return out


def merge_pairs(parts: list[np.ndarray]) -> np.ndarray:
    """One record per (outage, element) from records of successive blocks of hours.

    Hours above the threshold add up; the worst loading is the largest, with the hour and
    flow of the earliest block that reached it (as a single scan over all hours reports).
    """
    rec = np.concatenate(parts) if len(parts) != 1 else parts[0]
    if len(parts) == 1 or not rec.size:
        return rec
    order = np.lexsort((np.arange(rec.size), rec["element"], rec["outage"]))
    rec = rec[order]
    new = np.r_[True, (rec["outage"][1:] != rec["outage"][:-1])
                | (rec["element"][1:] != rec["element"][:-1])]  # fmt: skip
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    peak = np.maximum.reduceat(rec["loading_pct"], starts)
    at_peak = np.flatnonzero(rec["loading_pct"] == peak[group])
    first = at_peak[np.r_[True, group[at_peak][1:] != group[at_peak][:-1]]]
    out = rec[first]
    out["n_hours"] = np.add.reduceat(rec["n_hours"].astype(np.int64), starts)
    return out


def pair_frame(rec: np.ndarray, keys: Keys) -> pd.DataFrame:
    """``violation_counts``: one row per violating pair, sorted by outage then element."""
    if not rec.size:
        return pd.DataFrame(columns=VIOLATION_COUNT_COLUMNS)
    o, m = rec["outage"].astype(np.int64), rec["element"].astype(np.int64)
    # sorted on integer keys before the frame is built: sorting the frame would copy it
    # whole (with its object columns), doubling the peak memory of a large table
    out_code = np.unique(keys.out_kind.astype(str), return_inverse=True)[1].ravel()
    kind_code = np.unique(keys.kind.astype(str), return_inverse=True)[1].ravel()
    order = np.lexsort((keys.index[m], kind_code[m], keys.out_index[o], out_code[o]))
    rec, o, m = rec[order], o[order], m[order]
    return pd.DataFrame(
        {
            "outage_element": keys.out_kind[o],
            "outage_index": keys.out_index[o],
            "element": keys.kind[m],
            "element_index": keys.index[m],
            "n_hours": rec["n_hours"].astype(np.int64),
            "loading_pct": rec["loading_pct"],
            "p_mw": rec["p_mw"],
            "hour": keys.hours[rec["hour"]],
        }
    )


def row_frame(rec: np.ndarray, keys: Keys) -> pd.DataFrame:
    """``violations``: every violating (outage, hour, element) row, sorted."""
    if not rec.size:
        return pd.DataFrame(columns=VIOLATION_COLUMNS)
    o, m = rec["outage"].astype(np.int64), rec["element"].astype(np.int64)
    frame = pd.DataFrame(
        {
            "outage_element": keys.out_kind[o],
            "outage_index": keys.out_index[o],
            "hour": keys.hours[rec["hour"]],
            "element": keys.kind[m],
            "element_index": keys.index[m],
            "p_mw": rec["p_mw"],
            "loading_pct": rec["loading_pct"],
        }
    ).sort_values(["outage_element", "outage_index", "hour", "element", "element_index"])
    return frame.reset_index(drop=True)


class _Rows:
    """Row bookkeeping shared by both sinks: the limit of ``violations="auto"``."""

    def __init__(self, keep_rows: bool, max_rows: int) -> None:
        self.keep_rows, self.max_rows = keep_rows, max_rows
        self.n_rows, self.dropped = 0, False

    def _over_limit(self, n: int) -> bool:
        self.n_rows += n
        if self.n_rows > self.max_rows:
            self.keep_rows, self.dropped = False, True  # too many: the compact table only
            return True
        return False


class MemorySink(_Rows):
    """Keeps the pairs and rows as arrays (the default, ``store_dir=None``)."""

    def __init__(self, keep_rows: bool, max_rows: int) -> None:
        super().__init__(keep_rows, max_rows)
        self.parts: list[np.ndarray] = []
        self.blocks: set[int] = set()
        self.row_parts: list[np.ndarray] | None = [] if keep_rows else None

    def pairs(self, block: int, first: int, arrays: tuple[np.ndarray, ...]) -> None:
        """Keep one outage block's pairs of one block of hours."""
        self.parts.append(_records(arrays, PAIR_DTYPE))
        self.blocks.add(block)

    def rows(self, arrays: tuple[np.ndarray, ...]) -> None:
        """Keep violating rows until the limit."""
        if self._over_limit(arrays[0].size):
            self.row_parts = None
            return
        assert self.row_parts is not None
        self.row_parts.append(_records(arrays, ROW_DTYPE))

    def pair_records(self) -> np.ndarray:
        """Every pair, merged over the blocks of hours."""
        if not self.parts:
            return np.zeros(0, dtype=PAIR_DTYPE)
        if len(self.blocks) == 1:  # one block of hours: every pair is there once
            return np.concatenate(self.parts)
        return merge_pairs(self.parts)

    def row_records(self) -> np.ndarray | None:
        """Every kept row, or None when not kept."""
        if self.row_parts is None:
            return None
        return np.concatenate(self.row_parts) if self.row_parts else np.zeros(0, ROW_DTYPE)


def check_store_dir(store_dir: object, *, overwrite: bool) -> Path:
    """Return `store_dir` as a Path, ready to be written (created, or emptied of a store).

    Raises :class:`SpecError` naming ``store_dir`` when it is not a path, is a file, holds
    files that are not an N-1 store, holds a store and `overwrite` is False, or cannot be
    written.
    """
    if not isinstance(overwrite, bool):
        msg = f"overwrite = {overwrite!r}: expected True or False"
        raise SpecError(msg)
    if not isinstance(store_dir, str | os.PathLike) or not str(store_dir):
        msg = f"store_dir = {store_dir!r}: expected a directory path (str or pathlib.Path)"
        raise SpecError(msg)
    path = Path(store_dir)
    if path.exists() and not path.is_dir():
        msg = f"store_dir = {str(path)!r} is an existing file; expected a directory path"
        raise SpecError(msg)
    if path.is_dir():
        entries = sorted(p.name for p in path.iterdir())
        if entries and _MANIFEST not in entries:
            msg = (
                f"store_dir = {str(path)!r} holds other files ({', '.join(entries[:3])}); "
                "expected a new or empty directory, or an N-1 store with overwrite=True"
            )
            raise SpecError(msg)
        if entries and not overwrite:
            msg = (
                f"store_dir = {str(path)!r} holds an N-1 store already; pass "
                "overwrite=True to replace it, or choose a new directory"
            )
            raise SpecError(msg)
        for name in entries:
            if name in _OURS:
                target = path / name
                shutil.rmtree(target) if target.is_dir() else target.unlink()
    try:
        (path / "pairs").mkdir(parents=True, exist_ok=True)
        (path / "rows").mkdir(exist_ok=True)
        _write_manifest(path, {"complete": False})
    except OSError as err:
        msg = f"store_dir = {str(path)!r} cannot be written ({err}); expected a writable directory"
        raise SpecError(msg) from err
    return path


def _write_manifest(path: Path, fields: dict) -> None:
    body = {"format": _FORMAT, "version": _VERSION, **fields}
    (path / _MANIFEST).write_text(json.dumps(body, indent=1) + "\n")


class StoreSink(_Rows):
    """Writes the pairs and rows to a store directory and reads them back on demand."""

    def __init__(
        self, path: Path, keys: Keys, keep_rows: bool, max_rows: int, hours_per_block: int
    ) -> None:
        super().__init__(keep_rows, max_rows)
        self.path, self.keys, self.hours_per_block = path, keys, hours_per_block
        self._buffer: list[np.ndarray] = []
        self._buffered = 0
        self._chunks = 0
        self._parts: dict[int, list[Path]] = {}
        self._rows_kept = keep_rows
        np.savez(
            path / "keys.npz",
            element=keys.kind.astype(str),
            element_index=keys.index,
            outage_element=keys.out_kind.astype(str),
            outage_index=keys.out_index,
        )
        if keys.hours.dtype.kind in "iufM":
            np.save(path / "hours.npy", keys.hours)

    def pairs(self, block: int, first: int, arrays: tuple[np.ndarray, ...]) -> None:
        """Write one outage block's pairs of one block of hours (merged at the end)."""
        name = self.path / "pairs" / f"part-{first:06d}-{block:05d}.npy"
        np.save(name, _records(arrays, PAIR_DTYPE))
        self._parts.setdefault(first, []).append(name)

    def rows(self, arrays: tuple[np.ndarray, ...]) -> None:
        """Buffer violating rows; write a chunk every ~32 MB; drop them all past the limit."""
        if self._over_limit(arrays[0].size):
            self._buffer, self._rows_kept = [], False
            shutil.rmtree(self.path / "rows")
            (self.path / "rows").mkdir()
            return
        self._buffer.append(_records(arrays, ROW_DTYPE))
        self._buffered += self._buffer[-1].nbytes
        if self._buffered >= _ROW_CHUNK_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            np.save(
                self.path / "rows" / f"rows-{self._chunks:06d}.npy", np.concatenate(self._buffer)
            )
            self._chunks += 1
        self._buffer, self._buffered = [], 0

    def finish(self, threshold_pct: float) -> None:
        """Merge each outage block's parts over the blocks of hours; mark the store complete."""
        if self._rows_kept:
            self._flush()
        for first, parts in sorted(self._parts.items()):
            final = self.path / "pairs" / f"pairs-{first:06d}.npy"
            if len(parts) == 1:
                parts[0].rename(final)
                continue
            np.save(final, merge_pairs([np.load(p) for p in parts]))
            for p in parts:
                p.unlink()
        n_pairs = sum(int(np.load(f, mmap_mode="r").shape[0]) for f in self._files_unchecked())
        self._parts = {}
        _write_manifest(
            self.path,
            {
                "complete": True,
                "threshold_pct": float(threshold_pct),
                "n_outages": int(self.keys.out_kind.size),
                "n_monitored": int(self.keys.kind.size),
                "n_hours": int(self.keys.hours.size),
                "hours_per_block": int(self.hours_per_block),
                "n_pairs": n_pairs,
                "rows_kept": bool(self._rows_kept),
                "pair_dtype": PAIR_DTYPE.descr,
                "row_dtype": ROW_DTYPE.descr,
            },
        )

    def _files_unchecked(self) -> list[Path]:
        return sorted((self.path / "pairs").glob("pairs-*.npy"))

    # -- reading --------------------------------------------------------------------
    def _files(self, folder: str) -> list[Path]:
        try:
            manifest = json.loads((self.path / _MANIFEST).read_text())
            files = sorted((self.path / folder).glob(f"{folder}-*.npy"))
        except (OSError, ValueError) as err:
            msg = f"N-1 store {str(self.path)!r} cannot be read ({err}); was it moved or deleted?"
            raise CorridorSimError(msg) from err
        if not manifest.get("complete"):
            msg = f"N-1 store {str(self.path)!r} is incomplete (its screen did not finish)"
            raise CorridorSimError(msg)
        return files

    def iter_pairs(self) -> Iterator[np.ndarray]:
        """Yield the stored pairs, one outage block at a time."""
        for f in self._files("pairs"):
            yield np.load(f)

    def pair_records(
        self, outages: np.ndarray | None = None, elements: np.ndarray | None = None
    ) -> np.ndarray:
        """Return the stored pairs of the outage / element positions given (boolean masks)."""
        parts = []
        for rec in self.iter_pairs():
            keep = np.ones(rec.size, dtype=bool)
            if outages is not None:
                keep &= outages[rec["outage"]]
            if elements is not None:
                keep &= elements[rec["element"]]
            parts.append(rec if keep.all() else rec[keep])
        return np.concatenate(parts) if parts else np.zeros(0, dtype=PAIR_DTYPE)

    def row_records(self) -> np.ndarray | None:
        """Every stored row, or None when rows were not kept."""
        files = self._files("rows")
        if not self._rows_kept:
            return None
        return np.concatenate([np.load(f) for f in files]) if files else np.zeros(0, ROW_DTYPE)

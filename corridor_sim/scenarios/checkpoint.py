"""Checkpoints of a study: each finished run saved as it completes, resumed on the next call.

A checkpoint is a folder::

    DIR/study.json          what the study is (kind, scenario, inputs, seed, ...): a later
                            call with the same folder must describe the same study
    DIR/base.json           the base run(s) of a Monte Carlo study (values, rows read)
    DIR/runs/000012.json    one finished run or draw: its inputs, seed, status, error,
                            bottleneck and summary rows

Every file is written to a temporary name and moved into place, so a study killed at any
moment leaves only whole files. JSON keeps floats exactly (Python writes the shortest
repr that reads back to the same double), so a resumed study gives the same tables as one
that was never interrupted. The number of draws is not part of the study: a later call
with a larger ``n`` extends it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from corridor_sim.errors import ScenarioError

__all__ = ["Checkpoint", "StudyInterrupted", "jsonable"]

_FORMAT = 1


class StudyInterrupted(KeyboardInterrupt):
    """A study stopped by Ctrl-C (or SIGINT); finished runs are kept.

    Attributes
    ----------
    done, total : int
        Finished runs (saved in the checkpoint, if any) and runs asked for.
    checkpoint : Path or None
        The checkpoint folder; a second call with it runs only what is missing.
    partial : StudyResult or None
        The finished runs as a study result.
    """

    def __init__(
        self,
        done: int,
        total: int,
        checkpoint: Path | None,
        partial: Any = None,
        unit: str = "run",
    ) -> None:
        self.unit = unit
        self.done = int(done)
        self.total = int(total)
        self.checkpoint = checkpoint
        self.partial = partial
        super().__init__(self.message())

    def message(self) -> str:
        """One line: what is saved and how to go on."""
        if self.checkpoint is None:
            return (
                f"interrupted: {self.done} of {self.total} {self.unit}s finished and not saved "
                "(give checkpoint=DIR / --checkpoint DIR to make a study resumable; "
                "the finished runs are in the exception's .partial)"
            )
        return (
            f"interrupted: {self.done} of {self.total} {self.unit}s saved in {self.checkpoint}; "
            "run the same study with the same checkpoint to resume"
        )

    def __str__(self) -> str:
        return self.message()


def jsonable(value: Any) -> Any:
    """`value` with numpy scalars and tuples made plain JSON types (recursively)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    return value


def _write_atomic(path: Path, data: Any) -> None:
    text = json.dumps(jsonable(data), sort_keys=True, indent=None)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        msg = f"checkpoint file {path}: unreadable ({err}); delete it to run that part again"
        raise ScenarioError(msg) from err


class Checkpoint:
    """A study's checkpoint folder (see the module docstring).

    Parameters
    ----------
    directory : str or Path
        The folder; created if missing.
    spec : mapping
        What the study is (JSON-able). A folder made for another study is an error.

    Raises
    ------
    ScenarioError
        If the folder holds a different study, naming the keys that differ.
    """

    def __init__(self, directory: str | Path, spec: Mapping[str, Any]) -> None:
        self.directory = Path(directory)
        self.runs_dir = self.directory / "runs"
        try:
            self.runs_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            msg = f"checkpoint = {str(directory)!r}: cannot create the folder ({err})"
            raise ScenarioError(msg) from err
        spec = jsonable({"format": _FORMAT, **spec})
        spec = json.loads(json.dumps(spec, sort_keys=True))
        study = self.directory / "study.json"
        if study.exists():
            saved = _read(study)
            if saved != spec:
                keys = sorted(k for k in set(saved) | set(spec) if saved.get(k) != spec.get(k))
                msg = (
                    f"checkpoint = {str(directory)!r} holds another study (differs in "
                    f"{', '.join(keys)}); use a new folder, or delete this one to start over"
                )
                raise ScenarioError(msg)
        else:
            _write_atomic(study, spec)

    def _path(self, key: int) -> Path:
        return self.runs_dir / f"{int(key):06d}.json"

    def load(self, keys: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Return the saved runs among `keys` (key -> record)."""
        out = {}
        for key in keys:
            path = self._path(key)
            if path.exists():
                out[int(key)] = _read(path)
        return out

    def save(self, record: Mapping[str, Any]) -> None:
        """Save one finished run (its ``key`` names the file)."""
        _write_atomic(self._path(int(record["key"])), record)

    def load_base(self) -> dict[str, Any] | None:
        """Return the saved base run(s), or None."""
        path = self.directory / "base.json"
        return _read(path) if path.exists() else None

    def save_base(self, base: Mapping[str, Any]) -> None:
        """Save the base run(s) of a Monte Carlo study."""
        _write_atomic(self.directory / "base.json", base)

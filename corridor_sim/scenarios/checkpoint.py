"""Checkpoints of a study: each finished run saved as it completes, resumed on the next call.

A checkpoint is a folder (or an fsspec URL, :mod:`corridor_sim.scenarios._store`)::

    DIR/study.json          what the study is (kind, scenario, inputs, seed, ...): a later
                            call with the same folder must describe the same study
    DIR/base.json           the base run(s) of a Monte Carlo study (values, rows read)
    DIR/runs/000012.json    one finished run or draw: its inputs, seed, status, error,
                            bottleneck and summary rows
    DIR/rejected/           files set aside because they do not belong (see below)

Every file is written whole (to a temporary name and moved into place), so a study killed
at any moment leaves only whole files. JSON keeps floats exactly (Python writes the
shortest repr that reads back to the same double), so a resumed study gives the same tables
as one that was never interrupted. The number of draws is not part of the study: a later
call with a larger ``n`` extends it.

Files cannot mix studies: ``base.json`` and every run file record the study's id (a hash
of ``study.json``), the run's number, and a SHA-256 checksum of their content. A file that
is not a run record (``{}``, a JSON list, unreadable JSON), that belongs to another study,
that holds another run than its name says, or whose values were edited is moved to
``DIR/rejected/`` with one warning naming it and why, and its run is run again.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from corridor_sim.errors import ScenarioError
from corridor_sim.scenarios._store import Store, is_url

__all__ = ["Checkpoint", "StudyInterrupted", "checksum", "jsonable"]

#: Checkpoint layout version; 2 adds the study id and checksum to every file.
_FORMAT = 2
#: Fields every run file holds.
_RUN_FIELDS = ("key", "status", "study", "checksum")


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

    Examples
    --------
    A ``KeyboardInterrupt``, so a plain Ctrl-C handler still catches it; catch it by name
    to keep the finished runs:

    >>> err = StudyInterrupted(3, 10, None)
    >>> isinstance(err, KeyboardInterrupt), err.done, err.total
    (True, 3, 10)
    >>> str(err).split(" (")[0]
    'interrupted: 3 of 10 runs finished and not saved'

    In a notebook::

        try:
            study = cs.monte_carlo(scenario, 500, checkpoint="mc_ckpt")
        except StudyInterrupted as err:
            study = err.partial  # the finished draws; run again with the same
                                 # checkpoint to finish the rest
    """

    def __init__(
        self,
        done: int,
        total: int,
        checkpoint: Path | str | None,
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


def _canonical(data: Any) -> str:
    return json.dumps(jsonable(data), sort_keys=True, indent=None)


def checksum(record: Mapping[str, Any]) -> str:
    """SHA-256 of `record` without its ``checksum`` field (canonical JSON)."""
    body = {k: v for k, v in record.items() if k != "checksum"}
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


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
        self.directory: str | Path = directory if is_url(directory) else Path(directory)
        self.store = Store(directory)
        try:
            self.store.makedirs("runs")
        except OSError as err:
            msg = f"checkpoint = {str(directory)!r}: cannot create the folder ({err})"
            raise ScenarioError(msg) from err
        spec = json.loads(_canonical({"format": _FORMAT, **spec}))
        self.unit = "draw" if spec.get("kind") == "monte_carlo" else "run"
        #: The study's id: every file of this study records it.
        self.study_id = hashlib.sha256(_canonical(spec).encode("utf-8")).hexdigest()[:16]
        if self.store.exists("study.json"):
            saved = self._read_study(directory)
            if saved != spec:
                keys = sorted(k for k in set(saved) | set(spec) if saved.get(k) != spec.get(k))
                old = saved.get("format")
                why = (
                    f"written by another corridor_sim (checkpoint format {old}, this one "
                    f"writes {_FORMAT})"
                    if old != _FORMAT
                    else f"holds another study (differs in {', '.join(keys)})"
                )
                msg = (
                    f"checkpoint = {str(directory)!r} {why}; use a new folder, or delete this "
                    "one to start over"
                )
                raise ScenarioError(msg)
        else:
            self.store.write_text("study.json", _canonical(spec))

    def _read_study(self, directory: str | Path) -> dict[str, Any]:
        try:
            saved = json.loads(self.store.read_text("study.json"))
        except (OSError, ValueError) as err:
            saved = err
        if not isinstance(saved, dict):
            msg = (
                f"checkpoint = {str(directory)!r}: {self.store.path('study.json')} is not a "
                "study description; use a new folder, or delete this one to start over"
            )
            raise ScenarioError(msg)
        return saved

    def _name(self, key: int) -> str:
        return f"runs/{int(key):06d}.json"

    def _sealed(self, data: Mapping[str, Any]) -> dict[str, Any]:
        sealed = {**json.loads(_canonical(data)), "study": self.study_id}
        sealed["checksum"] = checksum(sealed)
        return sealed

    def _fault(self, data: Any, key: int | None) -> str | None:
        """Why `data` (read from the file of run `key`, or base.json) does not belong."""
        if not isinstance(data, dict):
            return f"holds a JSON {type(data).__name__}, not a {self.unit} record"
        fields = _RUN_FIELDS if key is not None else ("study", "checksum")
        missing = [f for f in fields if f not in data]
        if missing:
            return f"is not a {self.unit} record (no {', '.join(map(repr, missing))})"
        if data["study"] != self.study_id:
            return f"belongs to another study (id {data['study']!r}, this study {self.study_id!r})"
        if key is not None and data["key"] != key:
            return f"holds {self.unit} {data['key']!r}, not {self.unit} {key}"
        if data["checksum"] != checksum(data):
            return "does not match its checksum (edited values)"
        return None

    def _checked(self, name: str, key: int | None) -> dict[str, Any] | None:
        """Return the content of `name` if it belongs to this study; else set it aside (None)."""
        fault: str | None
        try:
            data = json.loads(self.store.read_text(name))
        except (OSError, ValueError) as err:
            fault = f"is unreadable ({type(err).__name__})"
        else:
            fault = self._fault(data, key)
        if fault is None:
            return {k: v for k, v in data.items() if k not in ("study", "checksum")}
        self.store.makedirs("rejected")
        aside = "rejected/" + name.replace("/", "-")
        self.store.move(name, aside)
        what = f"{self.unit} {key}" if key is not None else "the base run"
        warnings.warn(
            f"checkpoint file {self.store.path(name)} {fault}: set aside as "
            f"{self.store.path(aside)}; {what} runs again",
            UserWarning,
            stacklevel=3,
        )
        return None

    def load(self, keys: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Return the saved runs among `keys` (key -> record) that belong to this study."""
        out = {}
        for key in keys:
            name = self._name(key)
            if self.store.exists(name):
                record = self._checked(name, int(key))
                if record is not None:
                    out[int(key)] = record
        return out

    def save(self, record: Mapping[str, Any]) -> None:
        """Save one finished run (its ``key`` names the file), sealed with the study id."""
        self.store.write_text(self._name(int(record["key"])), _canonical(self._sealed(record)))

    def load_base(self) -> dict[str, Any] | None:
        """Return the saved base run(s), or None."""
        if not self.store.exists("base.json"):
            return None
        return self._checked("base.json", None)

    def save_base(self, base: Mapping[str, Any]) -> None:
        """Save the base run(s) of a Monte Carlo study."""
        self.store.write_text("base.json", _canonical(self._sealed(base)))

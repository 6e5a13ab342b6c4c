"""Where a study's checkpoint lives: a local folder, or any fsspec URL (``s3://``, ``gs://``...).

A :class:`Store` reads and writes text files by relative name under one root. On a local
path (or ``file://``) a file is written to a temporary name and moved into place, so a
study killed at any moment leaves only whole files; on an object store each upload is
whole by itself. The workers of a cluster write the tables a study keeps straight into the
store, so a shared folder or a bucket that every worker can reach is what a cluster needs.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from pathlib import Path
from typing import Any

from corridor_sim.errors import OptionalDependencyError, ScenarioError

__all__ = ["Store", "is_url"]


def is_url(location: str | Path) -> bool:
    """Tell whether `location` is an fsspec URL (``PROTOCOL://...``), not a plain path."""
    return isinstance(location, str) and "://" in location


class Store:
    """Text files under one root, local or behind an fsspec URL.

    Parameters
    ----------
    location : str or Path
        A folder, or an fsspec URL such as ``"s3://bucket/studies/storm"`` (needs fsspec
        and the protocol's package, e.g. s3fs).
    """

    def __init__(self, location: str | Path) -> None:
        self.location = str(location)
        self._fs: Any = None
        if is_url(location):
            try:
                fsspec = importlib.import_module("fsspec")
            except ModuleNotFoundError as err:
                msg = (
                    f"checkpoint = {self.location!r}: a URL needs fsspec, which is not "
                    "installed: pip install fsspec (and the package of the protocol, e.g. s3fs)"
                )
                raise OptionalDependencyError(msg) from err
            try:
                self._fs, self._root = fsspec.core.url_to_fs(self.location)
            except (ImportError, ValueError) as err:
                msg = f"checkpoint = {self.location!r}: {err}"
                raise ScenarioError(msg) from err
            self._root = self._root.rstrip("/")
        else:
            self._root = str(Path(location))

    def path(self, name: str) -> str:
        """Return the full path or URL of `name`."""
        if self._fs is None:
            return str(Path(self._root) / name)
        return f"{self.location.rstrip('/')}/{name}"

    def _full(self, name: str) -> str:
        return f"{self._root}/{name}" if self._fs is not None else str(Path(self._root) / name)

    def makedirs(self, name: str = "") -> None:
        """Create the folder `name` (and the root)."""
        full = self._full(name) if name else self._root
        if self._fs is None:
            Path(full).mkdir(parents=True, exist_ok=True)
        else:
            self._fs.makedirs(full, exist_ok=True)

    def exists(self, name: str) -> bool:
        """Tell whether the file `name` exists."""
        full = self._full(name)
        return Path(full).exists() if self._fs is None else bool(self._fs.exists(full))

    def read_text(self, name: str) -> str:
        """Return the text of `name` (UTF-8)."""
        full = self._full(name)
        if self._fs is None:
            return Path(full).read_text(encoding="utf-8")
        return bytes(self._fs.cat_file(full)).decode("utf-8")

    def write_text(self, name: str, text: str) -> None:
        """Write `name` whole: to a temporary name first, then moved into place (locally)."""
        full = self._full(name)
        if self._fs is not None:
            self._fs.pipe_file(full, text.encode("utf-8"))
            return
        target = Path(full)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def move(self, name: str, new: str) -> None:
        """Rename `name` to `new` (replacing it)."""
        if self._fs is None:
            Path(self._full(name)).replace(self._full(new))
        else:
            self._fs.mv(self._full(name), self._full(new))

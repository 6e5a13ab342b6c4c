"""Folders of saved results: written whole or not at all, checked when read back.

A result folder holds one CSV file per table, ``summary.csv`` and ``meta.json``; the
manifest in ``meta.json`` lists every file with its rows and SHA-256. A save writes a new
folder beside the target and moves it into place in one step (Linux ``renameat2`` with
``RENAME_EXCHANGE`` when a result is replaced), so a process killed during a save leaves
either the old result or the new one, complete. A folder that holds anything but an
earlier corridor_sim result is never written into.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from corridor_sim.errors import ResultError

__all__ = [
    "MANIFEST",
    "check_file_target",
    "check_name",
    "check_target",
    "is_result_dir",
    "sha256",
    "write_atomically",
    "write_file_atomically",
]

#: ``format`` values of the manifests this module writes (results and studies).
FORMATS = ("corridor_sim.result", "corridor_sim.study")

#: File naming the result and listing its files (written last).
MANIFEST = "meta.json"
#: Names a table may have: a file stem inside the folder, nothing that leaves it.
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
#: Names of the files every result folder holds besides its tables.
_RESERVED = frozenset({"summary", "meta"})
#: Linux renameat2 flag: swap two paths atomically.
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_name(name: object, *, where: str = "table name") -> str:
    """Return `name` if it can be a file stem inside a result folder, else raise.

    Raises
    ------
    ResultError
        For names with path separators, ``..``, leading dots, reserved names, or over
        100 characters.
    """
    if not isinstance(name, str) or not _NAME.match(name) or name in (".", ".."):
        msg = (
            f"{where} {name!r}: expected letters, digits, '_', '-' or '.' (not first), at "
            "most 100 characters, and no path separator"
        )
        raise ResultError(msg)
    if name in _RESERVED:
        msg = f"{where} {name!r} is reserved for the result's own {name} file"
        raise ResultError(msg)
    return name


def sha256(path: Path) -> str:
    """SHA-256 of the file at `path` (hex)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_result_dir(path: Path) -> bool:
    """Whether `path` is a folder written by :meth:`corridor_sim.Result.save`."""
    meta = path / MANIFEST
    if not meta.is_file():
        return False
    try:
        payload = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(payload, dict) and payload.get("format") in FORMATS


def check_target(path: str | Path, *, overwrite: bool = False, what: str = "--out") -> Path:
    """Check that a result may be written at `path` before any work runs.

    A missing folder or an empty one is fine; an earlier corridor_sim result needs
    `overwrite`; anything else (a file, a folder with other files) is refused.

    Raises
    ------
    ResultError
        Naming the folder and what to do.
    """
    target = Path(os.path.abspath(path))  # noqa: PTH100 - "a/../.." without resolving links
    if not target.exists():
        parent = target.resolve().parent
        if parent.exists() and not parent.is_dir():
            msg = f"{what} {target}: {parent} is a file, not a folder"
            raise ResultError(msg)
        return target
    if not target.is_dir():
        msg = f"{what} {target}: a file of that name exists; expected a folder for the result"
        raise ResultError(msg)
    if not any(target.iterdir()):
        return target
    if is_result_dir(target):
        if not overwrite:
            msg = (
                f"{what} {target}: holds an earlier result; pass --overwrite "
                "(overwrite=True) to replace it, or choose another folder"
            )
            raise ResultError(msg)
        return target
    msg = (
        f"{what} {target}: the folder holds files that are not a corridor_sim result; "
        "expected a new or empty folder (nothing there is touched)"
    )
    raise ResultError(msg)


def check_file_target(path: Path, *, overwrite: bool = False, what: str = "--out") -> Path:
    """Check that a single output file may be written at `path` before any work runs.

    Raises
    ------
    ResultError
        If `path` is a folder, or an existing file without `overwrite`.
    """
    if path.is_dir():
        msg = f"{what} {path}: is a folder; expected a file name ending in .csv"
        raise ResultError(msg)
    if path.exists() and not overwrite:
        msg = f"{what} {path}: the file exists; pass --overwrite (overwrite=True) to replace it"
        raise ResultError(msg)
    parent = path.resolve().parent
    if parent.exists() and not parent.is_dir():
        msg = f"{what} {path}: {parent} is a file, not a folder"
        raise ResultError(msg)
    return path


def write_file_atomically(path: Path, write: Callable[[Path], None], *, overwrite: bool) -> Path:
    """Write one file with `write(tmp)` beside `path`, then rename it into place."""
    check_file_target(path, overwrite=overwrite, what="write to")
    parent = path.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.new-", dir=parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the call is missing."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def write_atomically(target: Path, write: Callable[[Path], None], *, overwrite: bool) -> Path:
    """Write a result folder with `write(tmp)` in a temporary folder, then move it into place.

    Returns
    -------
    Path
        `target`.
    """
    target = check_target(target, overwrite=overwrite, what="save to")
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=parent))
    try:
        write(tmp)
        _fsync_dir(tmp)
        if target.exists() and any(target.iterdir()):
            if _exchange(tmp, target):  # tmp now holds the old result
                shutil.rmtree(tmp, ignore_errors=True)
            else:  # two renames: a crash between them leaves the old result at .old-*
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=parent))
                old.rmdir()
                target.rename(old)
                tmp.rename(target)
                shutil.rmtree(old, ignore_errors=True)
        else:
            if target.exists():
                target.rmdir()
            tmp.rename(target)
        _fsync_dir(parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

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
import errno
import glob
import hashlib
import json
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corridor_sim.errors import ResultError

__all__ = [
    "FORMAT_VERSION",
    "MANIFEST",
    "check_file_target",
    "check_format",
    "check_name",
    "check_target",
    "is_result_dir",
    "sha256",
    "write_atomically",
    "write_file_atomically",
]

#: ``format`` values of the manifests this module writes (results and studies).
FORMATS = ("corridor_sim.result", "corridor_sim.study")
#: ``format_version`` written into every manifest, ``MAJOR.MINOR``. A reader takes its own
#: major version: an older minor silently, a newer minor with a warning (fields it does not
#: know are ignored); another major is refused. A manifest without the field was written
#: before versions were recorded and reads as ``"1.0"``.
FORMAT_VERSION = "1.0"

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


def _version(text: object) -> tuple[int, int] | None:
    parts = str(text).split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def check_format(manifest: Path, payload: dict[str, Any], expected: str) -> None:
    """Refuse a manifest of another format or major version; warn for a newer minor one.

    Raises
    ------
    ResultError
        Naming the manifest, the format and version it holds, and the ones expected.
    """
    found = payload.get("format")
    if found != expected:
        msg = (
            f"{manifest}: format = {found!r}; expected {expected!r} (a folder written by "
            f"corridor_sim's {'Result' if expected.endswith('result') else 'StudyResult'}.save)"
        )
        raise ResultError(msg)
    raw = payload.get("format_version", "1.0")
    version, ours = _version(raw), _version(FORMAT_VERSION)
    assert ours is not None
    if version is None or version[0] != ours[0]:
        msg = (
            f"{manifest}: {found} format version {raw!r}; this corridor_sim reads version "
            f"{FORMAT_VERSION} (major {ours[0]}) only: load it with the corridor_sim that "
            "wrote it, or save it again"
        )
        raise ResultError(msg)
    if version[1] > ours[1]:
        warnings.warn(
            f"{manifest}: {found} format version {raw} is newer than the version this "
            f"corridor_sim reads ({FORMAT_VERSION}); it loads, ignoring what it does not know",
            UserWarning,
            stacklevel=3,
        )


def _link_target(path: Path, what: str) -> Path:
    """`path`, or where it links to (a save writes through a symbolic link)."""
    if not path.is_symlink():
        return path
    real = path.resolve()
    if not real.exists():
        msg = (
            f"{what} {path}: a symbolic link to {real}, which does not exist; expected a link "
            "to a folder (or remove the link)"
        )
        raise ResultError(msg)
    return real


def _check_writable(path: Path, what: str) -> None:
    """Make and remove a folder where `path` will be written; refuse if that fails."""
    place = path.parent
    while not place.exists() and place != place.parent:
        place = place.parent
    if not place.is_dir():
        msg = f"{what} {path}: {place} is a file, not a folder"
        raise ResultError(msg)
    try:
        probe = tempfile.mkdtemp(prefix=f".{path.name}.probe-", dir=place)
        os.rmdir(probe)  # noqa: PTH106
    except OSError as err:
        msg = (
            f"{what} {path}: cannot write in {place} ({err.strerror or err}); expected a "
            "folder this user can write to"
        )
        raise ResultError(msg) from err


def check_target(path: str | Path, *, overwrite: bool = False, what: str = "--out") -> Path:
    """Check that a result may be written at `path` before any work runs.

    A missing folder or an empty one is fine; an earlier corridor_sim result needs
    `overwrite`; anything else (a file, a folder with other files) is refused.

    Raises
    ------
    ResultError
        Naming the folder and what to do.
    """
    given = Path(os.path.abspath(path))  # noqa: PTH100 - "a/../.." without resolving links
    target = _link_target(given, what)
    if not target.exists():
        parent = target.resolve().parent
        if parent.exists() and not parent.is_dir():
            msg = f"{what} {given}: {parent} is a file, not a folder"
            raise ResultError(msg)
        _check_writable(target, what)
        return target
    if not target.is_dir():
        msg = f"{what} {given}: a file of that name exists; expected a folder for the result"
        raise ResultError(msg)
    if not any(target.iterdir()):
        _check_writable(target, what)
        return target
    if is_result_dir(target):
        if not overwrite:
            msg = (
                f"{what} {given}: holds an earlier result; pass --overwrite "
                "(overwrite=True) to replace it, or choose another folder"
            )
            raise ResultError(msg)
        _check_writable(target, what)
        return target
    msg = (
        f"{what} {given}: the folder holds files that are not a corridor_sim result; "
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
    given = path
    path = _link_target(Path(os.path.abspath(path)), what)  # noqa: PTH100
    if path.is_dir():
        msg = f"{what} {given}: is a folder; expected a file name ending in .csv"
        raise ResultError(msg)
    if path.exists() and not overwrite:
        msg = f"{what} {given}: the file exists; pass --overwrite (overwrite=True) to replace it"
        raise ResultError(msg)
    parent = path.resolve().parent
    if parent.exists() and not parent.is_dir():
        msg = f"{what} {given}: {parent} is a file, not a folder"
        raise ResultError(msg)
    _check_writable(path, what)
    return path


def write_file_atomically(path: Path, write: Callable[[Path], None], *, overwrite: bool) -> Path:
    """Write one file with `write(tmp)` beside `path`, then rename it into place."""
    given = path
    path = check_file_target(path, overwrite=overwrite, what="write to")
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(parent, path.name)
        fd, name = tempfile.mkstemp(prefix=_temp_prefix(path.name, "new"), dir=parent)
        os.close(fd)
    except OSError as err:
        raise _write_error(given, err) from err
    tmp = Path(name)
    try:
        write(tmp)
        tmp.replace(path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise _write_error(given, err) from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return given


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
    given = target
    target = check_target(target, overwrite=overwrite, what="save to")
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(parent, target.name)
        tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(target.name, "new"), dir=parent))
    except OSError as err:
        raise _write_error(given, err) from err
    try:
        write(tmp)
        _fsync_dir(tmp)
        if target.exists() and any(target.iterdir()):
            if _exchange(tmp, target):  # tmp now holds the old result
                shutil.rmtree(tmp, ignore_errors=True)
            else:  # two renames: a crash between them leaves the old result at .old-*
                old = Path(tempfile.mkdtemp(prefix=_temp_prefix(target.name, "old"), dir=parent))
                old.rmdir()
                target.rename(old)
                tmp.rename(target)
                shutil.rmtree(old, ignore_errors=True)
        else:
            if target.exists():
                target.rmdir()
            tmp.rename(target)
        _fsync_dir(parent)
    except OSError as err:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _write_error(given, err) from err
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Path(os.path.abspath(given))  # noqa: PTH100 - the user's path, links kept


def _temp_prefix(name: str, kind: str) -> str:
    """Prefix of a temporary file or folder of a save: ``.NAME.new-PID-`` (or ``old``)."""
    return f".{name}.{kind}-{os.getpid()}-"


def _remove_leftovers(parent: Path, name: str) -> None:
    """Remove temporary folders and files of earlier saves to `name` whose process is gone.

    A save killed with SIGKILL cannot clean up; its ``.NAME.new-PID-*`` stays until the
    next save to the same place. A save still running (its process alive) is left alone.
    """
    for kind in ("new", "old"):
        for leftover in parent.glob(f".{glob.escape(name)}.{kind}-*-*"):
            pid = leftover.name[len(f".{name}.{kind}-") :].split("-", 1)[0]
            if not pid.isdigit() or _alive(int(pid)):
                continue
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _write_error(path: str | Path, err: OSError) -> ResultError:
    """Return the error of a failed write, naming the user's path (not the temporary one)."""
    reason = err.strerror or str(err)
    if err.errno == errno.EFBIG:
        reason += " (the process's file-size limit, ulimit -f)"
    elif err.errno == errno.ENOSPC:
        reason += " (the disk is full)"
    msg = f"could not write {path}: {reason}; nothing was changed there"
    return ResultError(msg)


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

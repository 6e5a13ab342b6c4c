"""Ctrl-C while the ``corridor-sim`` command starts or ends: one line and exit status 130.

Python turns SIGINT into :class:`KeyboardInterrupt`. Raised while a module is imported
(pandas takes a second or more on a busy machine) or while the interpreter exits, it
prints a traceback from inside someone else's code, and the process ends by the signal
itself (status -2 in :mod:`subprocess`), not with 130.

When this process *is* the command (the ``corridor-sim`` script or
``python -m corridor_sim.cli``), :func:`guard_start`, the first thing ``import
corridor_sim`` runs, installs :func:`quit_now`: one line on stderr and exit 130 at once
(nothing has been written yet, or everything has). :func:`corridor_sim.cli.main` turns
SIGINT back into KeyboardInterrupt while a command runs (a study turns it into a saved
checkpoint and a one-line message) and installs :func:`quit_now` again when the command
returns. There is no moment in which SIGINT is ignored or lost.

In any other process (a notebook, a test, a script that imports the library, a worker
process) nothing is changed. An ignored SIGINT inherited from the parent (a background
job of a shell without job control, ``nohup``) stays ignored, as the shell asked.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from types import FrameType

__all__ = ["EXIT_INTERRUPTED", "announce", "guard_start", "is_command", "quit_now"]

#: Exit status after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130

_LINE = "corridor-sim: interrupted"
_ANNOUNCED: list[bool] = []  # set once the command has printed its interrupted line


def is_command() -> bool:
    """Whether this process is the ``corridor-sim`` command (not a library user or worker)."""
    argv = getattr(sys, "argv", None) or [""]
    mp = sys.modules.get("multiprocessing")
    if mp is not None and mp.parent_process() is not None:
        return False  # a spawned worker re-imports the library with the parent's argv
    name = os.path.basename(argv[0])  # noqa: PTH119 - no pathlib before the heavy imports
    if name in ("corridor-sim", "corridor-sim.exe"):
        return True
    return argv[0] == "-m" and "corridor_sim.cli" in getattr(sys, "orig_argv", [])


def announce(text: str = _LINE) -> None:
    """Print the command's interrupted line on stderr; :func:`quit_now` then adds none."""
    _ANNOUNCED.append(True)
    print(text, file=sys.stderr, flush=True)


def quit_now(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001
    """SIGINT handler outside a command: one line (unless said already) and exit 130."""
    with contextlib.suppress(OSError, ValueError, RuntimeError):  # closed, or mid-write
        sys.stdout.flush()
    if not _ANNOUNCED:
        os.write(2, f"{_LINE}\n".encode())
    os._exit(EXIT_INTERRUPTED)


def guard_start() -> None:
    """Install :func:`quit_now` if this process is the command and SIGINT is not ignored."""
    if threading.current_thread() is not threading.main_thread() or not is_command():
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, quit_now)

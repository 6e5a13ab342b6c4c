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

__all__ = [
    "EXIT_INTERRUPTED",
    "announce",
    "exit_now",
    "guard_start",
    "interrupted_in",
    "is_command",
    "quit_now",
    "raise_and_watch",
]

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


def exit_now(code: int = EXIT_INTERRUPTED) -> None:
    """Flush stdout and stderr and end the process with `code`, without interpreter teardown.

    After a Ctrl-C the teardown is slow (seconds for pandas, pandapower and SciPy) and, if
    the KeyboardInterrupt passed through C code that runs Python source (Cython's module
    set-up does), CPython ends by re-raising SIGINT: status -2, not 130.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, RuntimeError, AttributeError):
            stream.flush()  # closed, or a write was interrupted
    os._exit(code)


def quit_now(signum: int, frame: FrameType | None) -> None:
    """SIGINT handler outside a command: one line (unless said already) and exit 130."""
    if not _ANNOUNCED:
        with contextlib.suppress(OSError, ValueError, RuntimeError):
            sys.stdout.flush()
        os.write(2, f"{_LINE}\n".encode())
    exit_now(EXIT_INTERRUPTED)


def guard_start() -> None:
    """Install :func:`quit_now` if this process is the command and SIGINT is not ignored."""
    if threading.current_thread() is not threading.main_thread() or not is_command():
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, quit_now)


def interrupted_in(err: BaseException) -> bool:
    """Whether `err` comes from a Ctrl-C: a KeyboardInterrupt among its causes or contexts.

    A KeyboardInterrupt raised in a Python callback of a C extension that does not check
    for it comes back as ``SystemError: ... returned a result with an exception set``;
    caught as an ordinary error, the Ctrl-C would be lost (a study would record a failed
    run and go on).
    """
    seen: set[int] = set()
    node: BaseException | None = err
    while node is not None and id(node) not in seen:
        if isinstance(node, KeyboardInterrupt):
            return True
        seen.add(id(node))
        node = node.__cause__ or node.__context__
    return False


#: Seconds a command has, after Ctrl-C, to end by itself before :func:`raise_and_watch`
#: ends it: a KeyboardInterrupt raised inside a finaliser or a callback that swallows it
#: would otherwise be lost and the work would run on.
GRACE_S = 2.0
_WATCH: list[threading.Timer] = []


def _give_up() -> None:
    """End the command (and its workers) that did not end within GRACE_S of a Ctrl-C."""
    mp = sys.modules.get("multiprocessing")
    if mp is not None:
        for child in mp.active_children():
            with contextlib.suppress(OSError, ValueError, AttributeError):
                child.terminate()
    if not _ANNOUNCED:
        os.write(2, f"{_LINE}\n".encode())
    exit_now(EXIT_INTERRUPTED)


def raise_and_watch(signum: int, frame: FrameType | None) -> None:
    """SIGINT handler while a command runs: KeyboardInterrupt, and end it all in GRACE_S."""
    if not _WATCH:
        timer = threading.Timer(GRACE_S, _give_up)
        timer.daemon = True
        _WATCH.append(timer)
        timer.start()
    raise KeyboardInterrupt

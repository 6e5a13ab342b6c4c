"""Child processes that must receive SIGINT, whatever the shell that started the suite.

A shell without job control (``bash -c 'pytest & wait'``, ``nohup``, many CI runners)
starts a background job with SIGINT ignored; Python keeps an inherited ignored signal
ignored, and so would every child the tests start. :func:`popen` and :func:`run` give the
child the default SIGINT disposition again (Python then installs its own handler), so a
test's SIGINT reaches it. :func:`wait_until` waits on a condition, never a fixed time.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

#: Longest wait for a condition that needs the child to start Python and import the
#: library (over 3 s on a busy two-core machine), or for a draw of an example study.
START_TIMEOUT_S = 180.0
#: Longest wait for a child to end once interrupted: the library promises 2 s; the rest is
#: headroom for a machine whose every core is busy.
EXIT_TIMEOUT_S = 30.0


def default_sigint() -> None:
    """``preexec_fn``: SIGINT back to its default disposition in the child."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def popen(cmd: Sequence[str], **kwargs: Any) -> subprocess.Popen:
    """:class:`subprocess.Popen` whose child receives SIGINT (see the module docstring)."""
    return subprocess.Popen(list(cmd), preexec_fn=default_sigint, **kwargs)


def run(cmd: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess:
    """:func:`subprocess.run` whose child receives SIGINT."""
    return subprocess.run(list(cmd), preexec_fn=default_sigint, check=False, **kwargs)


def wait_until(
    condition: Callable[[], bool],
    proc: subprocess.Popen,
    what: str,
    timeout: float = START_TIMEOUT_S,
) -> None:
    """Poll `condition` until true; fail if `proc` ends first or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            err = proc.stderr.read() if proc.stderr else ""
            pytest.fail(f"the process ended (status {proc.returncode}) before {what}: {err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"no {what} within {timeout:g} s")
        time.sleep(0.01)


def maps_mention(pid: int, text: str) -> bool:
    """Whether process `pid` has a file whose path contains `text` mapped (Linux)."""
    try:
        return text in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False

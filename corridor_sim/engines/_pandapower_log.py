"""Keep pandapower's "numba cannot be imported" warning out of corridor_sim's own calls.

pandapower logs that warning (logger ``pandapower.auxiliary``) on every ``rundcpp`` and on
every ``runpp`` with ``numba=True`` when numba is not installed; ``rundcpp`` ignores
``numba=False``. corridor_sim keeps numba optional (``docs/benchmarks.md``, "numba and
the AC power flow": it saves 2-15 ms per warm AC run and costs 11-15 s of compilation per
process) and runs ``runpp`` with ``numba=False``, so the warning says nothing a user of
corridor_sim can act on. :func:`install` adds a filter to that logger that drops this one
message when a corridor_sim module is on the call stack; the same message from a user's own
pandapower call, and every other pandapower message, pass as before.
"""

from __future__ import annotations

import logging
import sys

__all__ = ["NumbaWarningFilter", "install"]

#: Start of pandapower's message (``pandapower.auxiliary._check_if_numba_is_installed``).
NUMBA_MESSAGE = "numba cannot be imported"
#: The logger pandapower writes it to.
LOGGER = "pandapower.auxiliary"


class NumbaWarningFilter(logging.Filter):
    """Drop pandapower's numba warning when corridor_sim made the call."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Return False (drop) for the numba warning raised under a corridor_sim frame."""
        if not str(record.msg).startswith(NUMBA_MESSAGE):
            return True
        frame = sys._getframe(1)
        while frame is not None:
            name = frame.f_globals.get("__name__", "")
            if name == "corridor_sim" or name.startswith("corridor_sim."):
                return False
            frame = frame.f_back
        return True


def install() -> None:
    """Add :class:`NumbaWarningFilter` to pandapower's logger (once)."""
    logger = logging.getLogger(LOGGER)
    if not any(isinstance(f, NumbaWarningFilter) for f in logger.filters):
        logger.addFilter(NumbaWarningFilter())

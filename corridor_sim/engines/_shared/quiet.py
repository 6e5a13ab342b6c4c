"""Keep pandapower's numba notice out of the user's notebook and terminal.

Every ``rundcpp``/``runpp`` (and pandapower's conversion that the engines call) logs
"numba cannot be imported ..." at WARNING when numba is absent, even with ``numba=False``
for the DC power flow. numba is optional here (the ``bench`` extra): the engines do their
own sparse solves, and the AC checks are a handful of ``runpp`` calls (docs/benchmarks.md,
"numba"). :func:`pandapower_quietly` drops that one notice, and nothing else, while the
library calls pandapower; a user's own pandapower calls are untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["pandapower_quietly"]

_NOTICE = "numba cannot be imported"
_LOGGER = "pandapower.auxiliary"


class _DropNumbaNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_NOTICE)


@contextmanager
def pandapower_quietly() -> Iterator[None]:
    """Run the block without pandapower's "numba cannot be imported" notice.

    pandapower logs that notice on its first power flow when numba is absent; the models
    run pandapower inside this block so a notebook shows no warning. Other messages pass.

    Yields
    ------
    None
        The filter holds while the block runs.

    Examples
    --------
    >>> import pandapower as pp, pandapower.networks as pn
    >>> with pandapower_quietly():
    ...     pp.rundcpp(pn.case9())
    """
    logger = logging.getLogger(_LOGGER)
    drop = _DropNumbaNotice()
    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)

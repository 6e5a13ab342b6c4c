"""Largest counts a study may ask for, derived from this machine's memory or from time.

A count (Monte Carlo draws, sweep points, a model's own robustness draws) is checked
against these before any work runs, and the message gives the figure it was derived from,
so ``-n 1000000000000`` ends at once with one line instead of filling memory for minutes.

- **Runs of a study** (:func:`max_study_runs`): a study keeps one record per run and
  builds its ``runs`` and ``values`` tables from them. Measured for a commodity network of
  10 summary metrics (``tracemalloc`` over 2,000 records): 4.3 kB per run kept, 15.2 kB
  at the peak while the tables are built; :data:`BYTES_PER_RUN` takes 20 kB
  (``tests/scenarios/test_limits.py`` measures it again). The limit is the memory this
  process may use (physical memory, or a lower ``ulimit -v``) divided by that figure.
- **Repeated model runs inside one run** (:func:`max_repeats`): each repeat takes at
  least a stated number of seconds; the limit keeps a single run within
  :data:`MAX_RUN_S` (one week of one core).
"""

from __future__ import annotations

import os

from corridor_sim.errors import ScenarioError

__all__ = [
    "BYTES_PER_RUN",
    "MAX_RUN_S",
    "check_count",
    "max_repeats",
    "max_study_runs",
    "usable_memory_bytes",
]

#: Memory one run of a study needs at the peak (record and table rows), bytes; measured.
BYTES_PER_RUN = 20_000
#: Longest one run may be asked to take: a week of one core, seconds.
MAX_RUN_S = 7 * 24 * 3600
#: Memory assumed where the system does not say (8 GiB).
_FALLBACK_BYTES = 8 * 2**30


def usable_memory_bytes() -> int:
    """Memory this process may use: physical memory, or a lower address-space limit."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        total = _FALLBACK_BYTES
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        soft = -1
    if soft > 0:
        total = min(total, soft)
    return max(int(total), 1)


def _gb(n_bytes: float) -> str:
    return f"{n_bytes / 1e9:.1f} GB"


def max_study_runs() -> tuple[int, str]:
    """Largest number of runs a study may hold, and the reason (with the figures)."""
    memory = usable_memory_bytes()
    limit = max(memory // BYTES_PER_RUN, 1)
    reason = (
        f"a study keeps about {BYTES_PER_RUN / 1e3:.0f} kB per run in memory (its record and "
        f"table rows), and this process may use {_gb(memory)}"
    )
    return int(limit), reason


def max_repeats(seconds_each: float) -> int:
    """Largest number of repeats of `seconds_each` that fit in :data:`MAX_RUN_S`."""
    return max(int(MAX_RUN_S // seconds_each), 1)


def check_count(
    where: str, value: int, maximum: int, reason: str, unit: str, *, minimum: int = 1
) -> int:
    """Return `value` if it is at most `maximum`, else raise naming the figure.

    Raises
    ------
    ScenarioError
        ``"<where> = <value>: <reason>, so at most <maximum> <unit>; expected ..."``.
    """
    if value > maximum:
        msg = (
            f"{where} = {value}: {reason}, so at most {maximum:,} {unit}; "
            f"expected a number from {minimum} to {maximum:,}"
        )
        raise ScenarioError(msg)
    return value

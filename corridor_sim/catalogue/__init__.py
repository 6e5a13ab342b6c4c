"""The facts catalogue: documented seed figures and labelled assumptions, one table.

Every number a model uses is a row here, read by id:

>>> from corridor_sim.catalogue import fact, value
>>> value("oil.abc.volume_2023", unit="Mt")
1.06
>>> fact("oil.abc.volume_2023").status
<Status.ACTUAL: 'actual'>

The rows live in ``corridor_sim/catalogue/data/*.csv`` (``seeds.csv`` for figures
quoted from the seed texts, ``assumptions_<domain>.csv`` for assumptions); all
files are read and concatenated, and ids are unique across them. See
``docs/facts.md``.
"""

from corridor_sim.catalogue._files import COLUMNS, DISTRIBUTIONS, RANGE_COLUMNS, Fact, Status
from corridor_sim.catalogue._loader import (
    clear_cache,
    fact,
    facts,
    overrides,
    overriding,
    recording,
    value,
)
from corridor_sim.catalogue._ranges import draw_value, ranges

__all__ = [
    "COLUMNS",
    "DISTRIBUTIONS",
    "RANGE_COLUMNS",
    "Fact",
    "Status",
    "clear_cache",
    "draw_value",
    "fact",
    "facts",
    "overrides",
    "overriding",
    "ranges",
    "recording",
    "value",
]

"""How the engines' results show themselves: one ``repr`` line and an HTML card.

Each engine result implements :class:`ShowsItself` (its display fields, its tables and what
its card adds) and calls :func:`engine_repr` / :func:`engine_html` from ``__repr__`` and
``_repr_html_``: :class:`~corridor_sim.engines.power.DCFlowResult`,
:class:`~corridor_sim.engines.power.N1Result`,
:class:`~corridor_sim.engines.dispatch.DispatchResult` and
:class:`~corridor_sim.engines.commodity.MaxFlowResult`. The fields are cheap to compute (no
tidy tables are built), so showing a year of hours stays instant. The layout comes from
:mod:`corridor_sim.results.display`.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from corridor_sim.engines._shared.tidy import ids_of
from corridor_sim.results.display import html_card, one_line

__all__ = ["CARD_WORST_ROWS", "ShowsItself", "element_name", "engine_html", "engine_repr",
           "max_of", "span"]  # fmt: skip

#: Rows of the worst-case table shown in an N-1 card.
CARD_WORST_ROWS = 10


@runtime_checkable
class ShowsItself(Protocol):
    """What an engine result gives :func:`engine_repr` and :func:`engine_html`."""

    def display_fields(self) -> list[tuple[str, Any]]:
        """(name, value) pairs shown in the repr line and the card."""
        ...

    def display_tables(self, *, brief: bool = False) -> dict[str, pd.DataFrame]:
        """Return the tables by name (`brief`: those worth naming in the repr line)."""
        ...

    def display_card(self) -> tuple[list[tuple[str, Any]], dict[str, pd.DataFrame]]:
        """Extra fields and short tables ("sections") of the HTML card."""
        ...


def span(hours: pd.Index) -> str:
    """``"48 (2030-01-01 00:00 … 2030-01-02 23:00)"`` or ``"24 (0 … 23)"``."""
    if len(hours) == 0:
        return "0"
    first, last = hours[0], hours[-1]
    if isinstance(first, pd.Timestamp):
        return f"{len(hours)} ({first:%Y-%m-%d %H:%M} … {last:%Y-%m-%d %H:%M})"
    return f"{len(hours)} ({first} … {last})"


def max_of(frames: list[pd.DataFrame]) -> tuple[float, str, int] | None:
    """Largest value over `frames` (line, trafo: hours x element), its table and column."""
    best: tuple[float, str, int] | None = None
    for kind, frame in zip(("line", "trafo"), frames, strict=True):
        values = frame.to_numpy(dtype=float)
        if values.size == 0 or np.isnan(values).all():
            continue
        flat = int(np.nanargmax(values))
        top = float(values.flat[flat])
        if best is None or top > best[0]:
            best = (top, kind, int(frame.columns[flat % values.shape[1]]))
    return best


def element_name(ids: Any, kind: str, index: int) -> str:  # ElementIds mapping
    """Id of element `index` of table `kind` (``"line 3"`` style without ids)."""
    return str(ids_of(ids, np.array([kind]), np.array([index]))[0])


def engine_repr(obj: ShowsItself) -> str:
    """One line: what the result is, its size, its key figure, its tables with sizes."""
    shown = obj.display_tables(brief=True)
    return one_line(type(obj).__name__, obj.display_fields(), tables=shown or None)


def engine_html(obj: ShowsItself) -> str:
    """Return an HTML card: the fields, a short table of the key rows and the list of tables."""
    extra, sections = obj.display_card()
    tables = obj.display_tables()
    return html_card(
        type(obj).__name__,
        [*obj.display_fields(), *extra],
        tables=tables or None,
        sections=sections,
    )

"""How objects show themselves: a short ``repr`` line and an HTML card for notebooks.

A leaf module (pandas and the standard library only), so any layer's objects can use it:
:class:`~corridor_sim.Result`, :class:`~corridor_sim.Scenario`, commodity networks,
power-flow and study results. Two helpers:

- :func:`one_line` — ``Kind(field=value, ...; tables: flows[96], nodes[8])``, cut to
  :data:`REPR_LIMIT` characters, for ``__repr__``;
- :func:`html_card` — what it is, its fields, a summary table and the list of its tables
  (rows, columns), for ``_repr_html_``. Everything is escaped.

Examples
--------
>>> import pandas as pd
>>> tables = {"flows": pd.DataFrame({"element": ["a", "b"], "flow_kt": [1.0, 2.0]})}
>>> one_line("Result", [("model", "oil"), ("year", 2025)], tables=tables)
"Result(model='oil', year=2025; tables: flows[2])"
>>> "flows" in html_card("Result", [("model", "oil")], tables=tables)
True
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from corridor_sim.results.numbers import format_number

__all__ = ["REPR_LIMIT", "html_card", "one_line", "table_list"]

#: Longest ``repr`` line (characters).
REPR_LIMIT = 240
#: Summary rows shown in a card before "... more".
CARD_SUMMARY_ROWS = 25
#: Column names listed per table in a card before "...".
CARD_COLUMNS = 8

#: Styles of the card, scoped to its class; colours inherit (light and dark notebooks).
_CSS = (
    "<style>"
    ".cs-card{border:1px solid rgba(127,127,127,.45);border-radius:6px;padding:6px 10px;"
    "margin:2px 0;max-width:60em;font-size:.92em;line-height:1.35}"
    ".cs-card table{border-collapse:collapse;margin:2px 0}"
    ".cs-card th,.cs-card td{padding:1px 8px 1px 0;text-align:left;vertical-align:top}"
    ".cs-card .cs-k,.cs-card .cs-m{opacity:.7;font-weight:normal}"
    ".cs-card .cs-n{text-align:right}"
    "</style>"
)


def _short(value: Any, width: int = 60) -> str:
    """Compact text of a field value (floats by :func:`format_number`, cut at `width`)."""
    if isinstance(value, float):
        text = format_number(value) if math.isfinite(value) else str(value)
    elif isinstance(value, pd.DataFrame):
        text = f"<DataFrame {len(value)}×{value.shape[1]}>"
    elif isinstance(value, Mapping):
        text = "{" + ", ".join(f"{k}: {_short(v, 20)}" for k, v in value.items()) + "}"
    elif isinstance(value, (list, tuple)) and len(value) > 6:
        text = f"[{', '.join(_short(v, 15) for v in value[:3])}, … {len(value)} items]"
    else:
        text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def table_list(tables: Mapping[str, pd.DataFrame], limit: int = 160) -> str:
    """``name[rows], ...`` of `tables`, cut to about `limit` characters with a count of the rest.

    Examples
    --------
    >>> import pandas as pd
    >>> table_list({f"t{i}": pd.DataFrame({"x": range(i)}) for i in range(40)}, limit=30)
    't0[0], t1[1], … (+38 more)'
    """
    parts = [f"{name}[{len(frame)}]" for name, frame in tables.items()]
    if len(", ".join(parts)) <= limit:
        return ", ".join(parts)
    out: list[str] = []
    for i, part in enumerate(parts):
        rest = f", … (+{len(parts) - i} more)"
        if len(", ".join([*out, part])) + len(rest) > limit:
            return (", ".join(out) + rest).removeprefix(", ")
        out.append(part)
    return ", ".join(out)  # pragma: no cover - the whole list fitted above


def one_line(
    kind: str,
    fields: Sequence[tuple[str, Any]] | Mapping[str, Any],
    *,
    tables: Mapping[str, pd.DataFrame] | None = None,
    limit: int = REPR_LIMIT,
) -> str:
    """One ``repr`` line: ``Kind(a=1, b='x'; tables: flows[96], ...)`` of at most `limit` chars.

    Fields whose value is ``None`` or empty are left out; strings are quoted.
    """
    items = fields.items() if isinstance(fields, Mapping) else fields
    shown = []
    for key, value in items:
        if value is None or (isinstance(value, (str, Sequence, Mapping)) and not value):
            continue
        text = repr(value) if isinstance(value, str) else _short(value, 50)
        if isinstance(value, str) and len(text) > 50:
            text = text[:48] + "…'"
        shown.append(f"{key}={text}")
    head = f"{kind}(" + ", ".join(shown)
    if tables is not None:
        room = max(limit - len(head) - 12, 40)
        head += ("; " if shown else "") + "tables: " + (table_list(tables, room) or "none")
    line = head + ")"
    return line if len(line) <= limit else line[: limit - 2] + "…)"


def _rows_html(rows: Sequence[tuple[str, Any]]) -> str:
    cells = "".join(
        f"<tr><th class='cs-k'>{html.escape(str(k))}</th>"
        f"<td>{html.escape(_short(v, 120))}</td></tr>"
        for k, v in rows
        if v is not None and not (isinstance(v, (str, Sequence, Mapping)) and not v)
    )
    return f"<table>{cells}</table>" if cells else ""


def _frame_html(frame: pd.DataFrame, max_rows: int) -> str:
    shown = frame.head(max_rows)
    header = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_short(v, 40))}</td>" for v in row) + "</tr>"
        for row in shown.itertuples(index=False)
    )
    more = (
        f"<div class='cs-m'>… {len(frame) - max_rows} more rows</div>"
        if len(frame) > max_rows
        else ""
    )
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>{more}"


def _tables_html(tables: Mapping[str, pd.DataFrame], access: str) -> str:
    rows = []
    for name, frame in tables.items():
        cols = [str(c) for c in frame.columns]
        listed = ", ".join(cols[:CARD_COLUMNS]) + (" …" if len(cols) > CARD_COLUMNS else "")
        rows.append(
            f"<tr><td><code>{html.escape(access.format(name=name))}</code></td>"
            f"<td class='cs-n'>{len(frame):,}</td><td class='cs-n'>{len(cols)}</td>"
            f"<td class='cs-m'>{html.escape(listed)}</td></tr>"
        )
    head = "".join(f"<th>{h}</th>" for h in ("table", "rows", "columns", "column names"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def html_card(
    title: str,
    rows: Sequence[tuple[str, Any]] | Mapping[str, Any],
    *,
    tables: Mapping[str, pd.DataFrame] | None = None,
    summary: pd.DataFrame | None = None,
    sections: Mapping[str, pd.DataFrame] | None = None,
    subtitle: str = "",
    access: str = ".{name}",
    max_summary_rows: int = CARD_SUMMARY_ROWS,
) -> str:
    """Return an HTML card for ``_repr_html_``: title, fields, summary and table list.

    Parameters
    ----------
    title : str
        What the object is (``"Result"``, ``"Scenario"``, ``"CommodityNetwork"``).
    rows : sequence of (name, value) or mapping
        Fields shown as a two-column table; ``None`` and empty values are left out.
    tables : mapping of str to DataFrame, optional
        Tables listed with their rows, columns and column names.
    summary : DataFrame, optional
        Shown in full up to `max_summary_rows` rows.
    sections : mapping of str to DataFrame, optional
        Further small tables shown like the summary, under their names (a scenario's
        overrides and events); empty ones are left out.
    subtitle : str
        One line under the title (the scenario's description, say).
    access : str, default ``".{name}"``
        How a table is reached, shown in the table list (``".table('{name}')"``).
    max_summary_rows : int
        Rows of `summary` shown before "... more rows".

    Returns
    -------
    str
        HTML with a style block scoped to the card's class (no script), every text escaped.
    """
    items = list(rows.items()) if isinstance(rows, Mapping) else list(rows)
    parts = [f"{_CSS}<div class='cs-card'><b>{html.escape(title)}</b>"]
    if subtitle:
        parts.append(f" <span class='cs-m'>{html.escape(subtitle)}</span>")
    parts.append(_rows_html(items))
    blocks = {"summary": summary, **dict(sections or {})}
    for name, frame in blocks.items():
        if frame is not None and not frame.empty:
            parts.append(
                f"<details open><summary>{html.escape(name)} ({len(frame)} rows)</summary>"
                f"{_frame_html(frame, max_summary_rows)}</details>"
            )
    if tables:
        is_open = " open" if len(tables) <= 12 else ""
        parts.append(
            f"<details{is_open}><summary>tables ({len(tables)})</summary>"
            f"{_tables_html(tables, access)}</details>"
        )
    parts.append("</div>")
    return "".join(parts)

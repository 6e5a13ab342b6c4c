"""The site verdict as a planner signs it: the ties it relies on, under both tie states.

:func:`tie_table` lists every tie line with its border's status and reference and whether
the study credits it (in service) or treats it as open; :func:`tie_states_table` stacks
the site comparison of each state of the disputed ties (Serbia–Kosovo: open by default,
credited when a scenario says so); :func:`site_verdict` says it in one paragraph.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from corridor_sim.models.serbia.grid.network import GridSpec
from corridor_sim.models.serbia.grid.tables import grid_tables
from corridor_sim.models.serbia.grid.ties import disputed_borders, tie_status_table
from corridor_sim.models.serbia.params import SITE_LABELS

__all__ = ["relied_on", "site_verdict", "state_label", "tie_states_table", "tie_table"]

_COLUMNS = [
    "n1_secure",
    "n1_area_violation_hours",
    "worst_area_n1_loading_pct",
    "worst_area_n1_element",
    "n1_site_violation_hours",
    "worst_site_n1_loading_pct",
    "worst_site_n1_element",
    "n1_violation_hours",
]


def state_label(open_ties: frozenset[str]) -> str:
    """Return the state of the disputed ties, e.g. ``"RS-XK open"`` or ``"RS-XK credited"``."""
    return ", ".join(
        f"{b} {'open' if b in open_ties else 'credited'}" for b in sorted(disputed_borders())
    )


def tie_table(grid: GridSpec) -> pd.DataFrame:
    """Every tie line of `grid` with its status, reference and whether the study credits it.

    Returns
    -------
    pandas.DataFrame
        One row per tie (``element`` = the line id events name): ``name``, ``border``,
        ``vn_kv``, ``length_km``, ``circuits``, ``status``, ``disputed``,
        ``n1_credit_default``, ``in_study`` (in service in this study: credited),
        ``fact`` and ``reference``.
    """
    lines = grid_tables(
        grid.year, None, planned=grid.planned, draw=grid.draw, open_ties=grid.open_ties
    ).lines
    ties = lines[lines["border"] != ""]
    status = tie_status_table().rename(columns={"n1_credit": "n1_credit_default"})
    out = ties.merge(status, on="border", how="left", validate="many_to_one")
    return pd.DataFrame(
        {
            "element": out["id"],
            "name": out["name"],
            "border": out["border"],
            "vn_kv": out["vn_kv"],
            "length_km": out["length_km"],
            "circuits": out["parallel"],
            "status": out["status"],
            "disputed": out["disputed"].astype(bool),
            "n1_credit_default": out["n1_credit_default"].astype(bool),
            "in_study": out["in_service"].astype(bool),
            "fact": out["fact"],
            "reference": out["reference"],
        }
    )


def tie_states_table(states: Sequence[tuple[GridSpec, pd.DataFrame, str]]) -> pd.DataFrame:
    """Site comparison rows per state of the disputed ties; the first is the scenario's own.

    Parameters
    ----------
    states : sequence of (GridSpec, site comparison, best site)
        The scenario's study first, then (optionally) the other state of the disputed ties.
    """
    frames = []
    for k, (grid, comp, best) in enumerate(states):
        frame = comp[["site", *_COLUMNS]].copy()
        frame.insert(0, "tie_state", state_label(grid.open_ties))
        frame.insert(1, "scenario_state", k == 0)
        frame["best"] = frame["site"] == best
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def relied_on(ties: pd.DataFrame) -> list[str]:
    """Borders whose ties the verdict relies on (in service in the study), sorted."""
    return sorted(set(ties.loc[ties["in_study"], "border"]))


def _label(site: str) -> str:
    return SITE_LABELS.get(site, site)


def site_verdict(tie_states: pd.DataFrame, ties: pd.DataFrame) -> str:
    """One paragraph: best site and secure sites per tie state, and the ties relied on.

    Examples
    --------
    >>> states = pd.DataFrame(
    ...     {
    ...         "tie_state": ["RS-XK open"] * 2 + ["RS-XK credited"] * 2,
    ...         "scenario_state": [True, True, False, False],
    ...         "site": ["trupale", "krusevac"] * 2,
    ...         "n1_secure": [True, False, True, True],
    ...         "best": [True, False, True, False],
    ...     }
    ... )
    >>> ties = pd.DataFrame(
    ...     {"border": ["RS-BG", "RS-XK"], "in_study": [True, False], "disputed": [False, True]}
    ... )
    >>> print(site_verdict(states, ties))  # doctest: +NORMALIZE_WHITESPACE
    With RS-XK open: best site Trupale; N-1 secure: Trupale; not secure: Kruševac. Relies
    on the ties to RS-BG; no credit for RS-XK (disputed). With RS-XK credited: best site
    Trupale; N-1 secure: Trupale, Kruševac.
    """
    parts = []
    for k, (state, rows) in enumerate(tie_states.groupby("tie_state", sort=False)):
        plants = rows[rows["site"] != "none"]
        best = rows.loc[rows["best"], "site"]
        secure = [_label(s) for s in plants.loc[plants["n1_secure"].astype(bool), "site"]]
        unsafe = [_label(s) for s in plants.loc[~plants["n1_secure"].astype(bool), "site"]]
        text = f"With {state}: best site {_label(best.iloc[0]) if len(best) else '-'}"
        text += f"; N-1 secure: {', '.join(secure) or 'none'}"
        if unsafe:
            text += f"; not secure: {', '.join(unsafe)}"
        text += "."
        if k == 0:
            credited = relied_on(ties)
            opened = sorted(set(ties.loc[~ties["in_study"], "border"]))
            text += f" Relies on the ties to {', '.join(credited)}"
            disputed_on = sorted(set(ties.loc[ties["in_study"] & ties["disputed"], "border"]))
            if disputed_on:
                text += f", including the disputed {', '.join(disputed_on)} (credited)"
            if opened:
                notes = [
                    f"{b} (disputed)" if ties.loc[ties["border"] == b, "disputed"].any() else b
                    for b in opened
                ]
                text += f"; no credit for {', '.join(notes)}"
            text += "."
        parts.append(text)
    return " ".join(parts)

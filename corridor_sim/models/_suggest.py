"""Did you mean: a parameter found by spelling, by its declared aliases and by its meaning.

:func:`suggest_parameter` ranks the declared parameters for a name the user typed: a
declared alias (``Param.aliases``) that matches exactly comes first, then parameters whose
name and description share the most words with it (``tanker_fleet_size`` -> words
*tanker*, *fleet* -> ``asco_fleet_tankers``, "ASCO tanker fleet"), then close spellings.

Examples
--------
>>> from corridor_sim.models.oil.params import PARAMS
>>> suggest_parameter("tanker_fleet_size", PARAMS, n=1)
"did you mean 'asco_fleet_tankers' (ASCO tanker fleet (bounds lane tankers plus reinforcement))?"
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["suggest_parameter"]

#: Words that say nothing about what a parameter is (units, joiners).
_STOP = {
    "a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "per", "the", "to", "with",
    "mt", "kt", "t", "yr", "mw", "gw", "twh", "gwh", "mwh", "km", "h", "d", "usd", "eur",
    "pct", "pu", "size", "number", "count", "value",
}  # fmt: skip


def _words(text: str) -> set[str]:
    """Content words of `text`, lower case, plural ``s`` dropped."""
    out = set()
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        if word in _STOP or len(word) < 2:
            continue
        out.add(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return out


def suggest_parameter(name: str, params: Iterable[Any], *, n: int = 3) -> str:
    """Return a "did you mean" phrase for `name` among declared parameters.

    Parameters
    ----------
    name : str
        What the user typed (an unknown override).
    params : iterable of Param
        The declarations: ``name``, ``description`` and ``aliases`` are read.
    n : int, default 3
        Most suggestions.

    Returns
    -------
    str
        ``"did you mean 'x' (its description), 'y' (...)?"``, or the list of valid names
        when nothing matches (as :func:`corridor_sim.errors.suggest`).
    """
    from corridor_sim.errors import suggest

    declared = list(params)
    ranked: list[Any] = [p for p in declared if name in getattr(p, "aliases", ())]
    typed = _words(name)
    if typed:
        scored = []
        for p in declared:
            words = _words(p.name) | _words(p.description) | _words(" ".join(p.aliases or ()))
            shared = len(typed & words)
            if shared and shared >= min(2, len(typed)):
                scored.append((-shared, len(words), p.name, p))
        ranked += [p for *_, p in sorted(scored, key=lambda s: s[:3])]
    by_name = {p.name: p for p in declared}
    close = difflib.get_close_matches(name, list(by_name), n=n, cutoff=0.6)
    ranked += [by_name[c] for c in close]
    picked = list(dict.fromkeys(p.name for p in ranked))[:n]
    if not picked:
        return suggest(name, by_name)
    return "did you mean " + ", ".join(f"{c!r} ({by_name[c].description})" for c in picked) + "?"

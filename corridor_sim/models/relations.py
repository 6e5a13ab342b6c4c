"""Rules between two parameters of a model, checked after the overrides are applied.

Bounds check one value at a time (:class:`~corridor_sim.models.params.Param`); some figures
only make sense together: the BTC capacity left to Kazakh crude cannot exceed the
pipeline's whole capacity. A :class:`Relation` states such a rule once, in the model's
:class:`~corridor_sim.models.params.ParamTable`, and every resolve checks it, so an
override that breaks it is an error naming both parameters and their values instead of
a silently inconsistent network.

Examples
--------
>>> rule = Relation("spare_mt", "<=", "capacity_mt", "spare capacity is part of the capacity")
>>> rule.problem({"spare_mt": 5.0, "capacity_mt": 4.0}, label="overrides")  # doctest: +ELLIPSIS
'overrides: spare_mt = 5.0 is above capacity_mt = 4.0; expected spare_mt <= ...'
>>> rule.problem({"spare_mt": 3.0, "capacity_mt": 4.0}) is None
True
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from corridor_sim.errors import SpecError

__all__ = ["Relation"]

_OPS = {
    "<=": (operator.le, "above"),
    "<": (operator.lt, "not below"),
    ">=": (operator.ge, "below"),
    ">": (operator.gt, "not above"),
}


@dataclass(frozen=True)
class Relation:
    """``left <op> right`` between two parameters of one model.

    Parameters
    ----------
    left, right : str
        Parameter names of the model.
    op : {"<=", "<", ">=", ">"}
        The comparison that must hold.
    reason : str
        Why it must hold (shown in the error).
    """

    left: str
    op: str
    right: str
    reason: str

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            msg = f"Relation {self.left} {self.op} {self.right}: op must be one of {sorted(_OPS)}"
            raise SpecError(msg)

    def problem(self, values: Mapping[str, Any], *, label: str = "overrides") -> str | None:
        """Return the error message when `values` break the rule, else ``None``."""
        a, b = values[self.left], values[self.right]
        compare, word = _OPS[self.op]
        if compare(a, b):
            return None
        return (
            f"{label}: {self.left} = {a!r} is {word} {self.right} = {b!r}; "
            f"expected {self.left} {self.op} {self.right} ({self.reason})"
        )

"""An outage or derating of one element of a model: :class:`Event`."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from corridor_sim.errors import ScenarioError, is_number

__all__ = ["Event"]


@dataclass(frozen=True, slots=True)
class Event:
    """An outage or derating of one element over a span of periods.

    Parameters
    ----------
    element : str
        Element id in the model (an arc, a line, a cable), e.g. ``"btc"``.
    start : int
        First affected period, 0-based (month 0 = January for monthly models,
        hour 0 = 1 January 00:00 for hourly ones).
    duration : int, default 1
        Number of affected periods.
    availability : float, default 0.0
        Fraction of the element's capacity available during the event, 0..1.
    days : float, optional
        For monthly or daily horizons: the outage lasts this many days inside
        each affected period; the model turns it into an availability
        (``1 - days / days_in_period``). Overrides `availability`.

    Raises
    ------
    ScenarioError
        An empty element, a negative start, a duration below 1, an availability outside
        0..1 or negative days, naming the event and the field.

    Examples
    --------
    BTC out for the first 10 days of June in the oil model (a monthly horizon):

    >>> import corridor_sim as cs
    >>> btc = Event("btc", start=5, days=10)
    >>> s = cs.Scenario(model="oil", year=2025, events=[btc])
    >>> s.events[0].element, s.events[0].days
    ('btc', 10)
    >>> Event("btc", start=5, availability=1.5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    corridor_sim.errors.ScenarioError: event 'btc': availability = 1.5...
    """

    element: str
    start: int
    duration: int = 1
    availability: float = 0.0
    days: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.element, str) or not self.element:
            msg = f"event.element = {self.element!r}: expected a non-empty element id string"
            raise ScenarioError(msg)
        for name in ("start", "duration"):
            val = getattr(self, name)
            if not isinstance(val, (int, np.integer)) or isinstance(val, bool):
                msg = f"event {self.element!r}: {name} = {val!r}: expected an integer period count"
                raise ScenarioError(msg)
        if self.start < 0:
            msg = f"event {self.element!r}: start = {self.start}: expected a period index >= 0"
            raise ScenarioError(msg)
        if self.duration < 1:
            msg = f"event {self.element!r}: duration = {self.duration}: expected >= 1 period"
            raise ScenarioError(msg)
        if not is_number(self.availability) or not 0.0 <= float(self.availability) <= 1.0:
            msg = (
                f"event {self.element!r}: availability = {self.availability!r}: "
                "expected a fraction between 0 and 1"
            )
            raise ScenarioError(msg)
        if self.days is not None and (
            not is_number(self.days) or not math.isfinite(self.days) or self.days < 0
        ):
            msg = f"event {self.element!r}: days = {self.days!r}: expected a number of days >= 0"
            raise ScenarioError(msg)

    @property
    def periods(self) -> range:
        """The affected period indices."""
        return range(self.start, self.start + self.duration)

    def to_dict(self) -> dict[str, Any]:
        """Return the event as a TOML-ready dict (``days`` left out when unset)."""
        out = dataclasses.asdict(self)
        if self.days is None:
            del out["days"]
        return out

"""What a Monte Carlo study draws, and how draw `i` gets its values.

Inputs of a study are of three kinds:

- a model **parameter** (an ``[overrides]`` name) with an explicit distribution: each draw
  overrides it, clipped to the parameter's documented bounds;
- ``"year"``, with an explicit ``("choice", [years])``;
- a **catalogue row** (a dotted catalogue id): from the row's own range (``low``,
  ``high``, ``distribution`` in the catalogue) or from an explicit distribution. Each draw
  runs inside :func:`corridor_sim.catalogue.overriding`, so every reader of the row (a
  parameter's fact or rule default, or code reading it as a fixed value) sees the drawn value.

Reproducible and extendable: the value of input ``name`` in draw ``i`` comes from its own
generator, ``numpy.random.SeedSequence(seed, spawn_key=(i, 1, crc32(name)))``, and the
draw's scenario seed from ``spawn_key=(i, 0)``. So draw ``i`` depends only on the seed, ``i``
and the input's name: ``n=20`` extends ``n=10``, adding an input leaves the others' values
alone, and every executor and worker count gives the same values.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from corridor_sim.catalogue import draw_value, fact
from corridor_sim.errors import ScenarioError, UnknownNameError, is_number, suggest

__all__ = ["DISTRIBUTIONS", "Input", "draw_seed", "explicit_inputs", "input_rng", "parse_spec"]

#: Explicit distributions and their number of arguments.
DISTRIBUTIONS = {"uniform": 2, "normal": 2, "triangular": 3, "lognormal": 2, "choice": 1}

_MAX_SEED = 2**31 - 1


def parse_spec(name: str, spec: Sequence[Any]) -> tuple[Any, ...]:
    """Check an explicit distribution and return it as a tuple.

    Raises
    ------
    ScenarioError
        Naming ``distributions[name]``, the spec and what was expected.
    """
    where = f"distributions[{name!r}] = {spec!r}"
    if isinstance(spec, (str, bytes)) or not isinstance(spec, Sequence) or not spec:
        msg = f"{where}: expected e.g. ('uniform', low, high)"
        raise ScenarioError(msg)
    kind, *args = spec
    if kind not in DISTRIBUTIONS:
        hint = suggest(str(kind), DISTRIBUTIONS)
        msg = f"distributions[{name!r}]: unknown distribution {kind!r}, {hint}"
        raise ScenarioError(msg)
    if len(args) != DISTRIBUTIONS[kind]:
        msg = f"{where}: {kind!r} takes {DISTRIBUTIONS[kind]} argument(s), got {len(args)}"
        raise ScenarioError(msg)
    if kind == "choice":
        options = args[0]
        if isinstance(options, (str, bytes)) or not isinstance(options, Sequence) or not options:
            msg = f"{where}: 'choice' takes a non-empty list of values"
            raise ScenarioError(msg)
        return ("choice", list(options))
    if not all(is_number(a) and math.isfinite(float(a)) for a in args):
        msg = f"{where}: expected finite numbers after {kind!r}"
        raise ScenarioError(msg)
    nums = [float(a) for a in args]
    if kind == "uniform" and nums[0] > nums[1]:
        msg = f"{where}: low {nums[0]:g} is above high {nums[1]:g}"
        raise ScenarioError(msg)
    if kind == "triangular" and not nums[0] <= nums[1] <= nums[2]:
        msg = f"{where}: expected low <= mode <= high"
        raise ScenarioError(msg)
    if kind in ("normal", "lognormal") and nums[1] < 0:
        msg = f"{where}: the spread {nums[1]:g} must not be negative"
        raise ScenarioError(msg)
    return (kind, *nums)


def _draw_spec(spec: tuple[Any, ...], rng: np.random.Generator) -> Any:
    kind, *args = spec
    if kind == "choice":
        value = args[0][int(rng.integers(0, len(args[0])))]
        return value.item() if hasattr(value, "item") else value
    if kind == "uniform":
        return float(rng.uniform(args[0], args[1]))
    if kind == "normal":
        return float(rng.normal(args[0], args[1]))
    if kind == "lognormal":
        return float(rng.lognormal(args[0], args[1]))
    return float(rng.triangular(args[0], args[1], args[2]))


def input_rng(seed: int, i: int, name: str) -> np.random.Generator:
    """Return the generator of input `name` in draw `i` of a study seeded with `seed`."""
    key = (int(i), 1, zlib.crc32(name.encode("utf-8")))
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=key))


def draw_seed(seed: int, i: int) -> int:
    """Return the scenario seed of draw `i` (the model's own randomness: weather profiles)."""
    state = np.random.SeedSequence(int(seed), spawn_key=(int(i), 0)).generate_state(1)
    return int(state[0]) % _MAX_SEED


@dataclass(frozen=True)
class Input:
    """One uncertain input of a Monte Carlo study.

    Attributes
    ----------
    name : str
        Parameter name, ``"year"`` or catalogue id; the column of the study's tables.
    kind : {"parameter", "year", "catalogue"}
        What a drawn value replaces.
    spec : tuple or None
        The explicit distribution; ``None`` for a catalogue row drawn from its own range.
    minimum, maximum : float or None
        Bounds a parameter's numeric draws are clipped to.
    unit : str
        Unit of the value.
    """

    name: str
    kind: str
    spec: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""

    def draw(self, seed: int, i: int) -> Any:
        """Return the value of this input in draw `i`."""
        rng = input_rng(seed, i, self.name)
        if self.spec is None:
            return draw_value(fact(self.name, record=False), rng)
        value = _draw_spec(self.spec, rng)
        if is_number(value) and self.spec[0] != "choice":
            low = -np.inf if self.minimum is None else self.minimum
            high = np.inf if self.maximum is None else self.maximum
            value = float(np.clip(value, low, high))
        return value

    def describe(self) -> dict[str, Any]:
        """One row of the study's input table: name, kind, distribution, range, reason."""
        if self.spec is None:
            row = fact(self.name, record=False)
            return {
                "input": self.name,
                "kind": self.kind,
                "unit": row.unit,
                "distribution": row.distribution or "triangular",
                "low": row.low,
                "high": row.high,
                "base": row.value,
                "source": "catalogue range",
                "reason": row.range_reason,
            }
        kind, *args = self.spec
        numeric = kind != "choice"
        return {
            "input": self.name,
            "kind": self.kind,
            "unit": self.unit,
            "distribution": kind,
            "low": min(args) if numeric else None,
            "high": max(args) if numeric else None,
            "base": None,
            "source": "explicit",
            "reason": f"{kind}{tuple(args)!r}" if numeric else f"choice of {args[0]!r}",
        }


def _support(spec: tuple[Any, ...]) -> tuple[float, float]:
    """Smallest and largest value a distribution can draw."""
    kind, *args = spec
    if kind == "choice":
        nums = [float(v) for v in args[0] if is_number(v)]
        return (min(nums), max(nums)) if nums else (math.nan, math.nan)
    if kind == "uniform":
        return args[0], args[1]
    if kind == "triangular":
        return args[0], args[2]
    if kind == "lognormal":
        return 0.0, math.inf
    return -math.inf, math.inf


def _check_support(
    name: str, spec: tuple[Any, ...], low: float | None, high: float | None, unit: str
) -> None:
    """Refuse a distribution lying wholly outside the parameter's bounds.

    Clipped to the bounds, such a distribution would draw one constant.
    """
    lo, hi = _support(spec)
    if math.isnan(lo):
        return
    below = low is not None and hi < low
    above = high is not None and lo > high
    if below or above:
        bounds = (
            f"[{'-inf' if low is None else f'{low:g}'}, {'inf' if high is None else f'{high:g}'}]"
        )
        msg = (
            f"distributions[{name!r}] = {spec!r}: every draw lies outside the parameter's "
            f"bounds {bounds} {unit}; expected a distribution overlapping them"
        )
        raise ScenarioError(msg)


def explicit_inputs(
    distributions: Mapping[str, Sequence[Any]],
    params: Mapping[str, Any] | None,
    model: str,
    catalogue_ids: Sequence[str],
) -> list[Input]:
    """Return the explicit distributions as :class:`Input`s, each name checked.

    A name is a parameter of the model, ``"year"``, or a catalogue id (with dots); for a
    model without a parameter table (the commodity network) any other name is an override
    that :meth:`Scenario.check` verifies.

    Raises
    ------
    ScenarioError
        For a bad spec or a non-integer year choice.
    UnknownNameError
        For a name that is neither a parameter nor a catalogue id (with suggestions).
    """
    out = []
    known = set(catalogue_ids)
    for name in sorted(distributions):
        spec = parse_spec(name, distributions[name])
        if name == "year":
            if spec[0] != "choice" or not all(
                isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in spec[1]
            ):
                msg = (
                    f"distributions['year'] = {distributions[name]!r}: draws must be integer "
                    "years; expected ('choice', [2025, 2030, ...])"
                )
                raise ScenarioError(msg)
            out.append(Input(name, "year", spec, unit="year"))
        elif params and name in params:
            p = params[name]
            _check_support(name, spec, p.minimum, p.maximum, p.unit)
            out.append(Input(name, "parameter", spec, p.minimum, p.maximum, p.unit))
        elif name in known:
            if spec[0] == "choice" and not all(is_number(v) for v in spec[1]):
                msg = f"distributions[{name!r}]: a catalogue row takes numbers only"
                raise ScenarioError(msg)
            out.append(Input(name, "catalogue", spec, unit=fact(name, record=False).unit))
        elif params:
            msg = (
                f"distributions: {name!r} is not a parameter of model {model!r} nor a "
                f"catalogue id, {suggest(name, [*params, *known])}"
            )
            raise UnknownNameError(msg)
        else:
            out.append(Input(name, "parameter", spec))
    return out

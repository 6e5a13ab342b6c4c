"""Study options of a model (``[options]`` of a scenario), each declared once.

:class:`OptionTable` holds one :class:`Option` row per key: its type, bounds, default and
description. ``OptionTable.resolve(options)`` checks a scenario's options (unknown keys
with a "did you mean", types, bounds that may depend on the run) and fills in defaults;
``OptionTable.markdown()`` is the options table of the model's docs page.

Examples
--------
>>> table = OptionTable("demo", [Option("week", "int", "week to plot", minimum=0)])
>>> table.resolve({"week": 3})
{'week': 3}
>>> table.resolve({"wek": 3})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
corridor_sim.errors.UnknownNameError: options.wek: unknown option ... did you mean 'week'?
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from corridor_sim.errors import SpecError, UnknownNameError, is_number, suggest

__all__ = ["Option", "OptionTable"]


_OPTION_KINDS = ("int", "float", "bool", "str", "int_list", "float_list", "str_list")


@dataclass(frozen=True, slots=True)
class Option:
    """The declaration of one study option (``[options]`` of a scenario).

    Parameters
    ----------
    name : str
        Key in ``[options]``.
    kind : {"int", "float", "bool", "str", "int_list", "float_list", "str_list"}
        Value type; a list kind needs a non-empty list.
    description : str
        One line of what it does.
    default : object, optional
        Value when the option is not given (``None``: the model decides).
    minimum, maximum : float or None
        Bounds of a number or of every list item.
    choices : tuple of str
        Accepted strings.
    example : str
        An example value for messages, e.g. ``"[0, 1300, 2600]"``.

    Examples
    --------
    >>> steps = Option("relief_steps", "int", "bottleneck stages to find", default=4,
    ...                minimum=1, maximum=8)
    >>> OptionTable("demo", [steps]).resolve({})
    {'relief_steps': 4}
    """

    name: str
    kind: str
    description: str
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    example: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _OPTION_KINDS:
            msg = f"option {self.name!r}: kind = {self.kind!r}; {suggest(self.kind, _OPTION_KINDS)}"
            raise SpecError(msg)

    def coerce(
        self,
        raw: Any,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> Any:
        """Check `raw`; return it in the option's type (bounds may be narrowed by the run)."""
        low = self.minimum if minimum is None else minimum
        high = self.maximum if maximum is None else maximum
        if self.kind.endswith("_list"):
            item_kind = self.kind.removesuffix("_list")
            if isinstance(raw, (str, bytes, Mapping)) or not isinstance(raw, Sequence) or not raw:
                self._fail(raw, f"a non-empty list of {self._what(item_kind, low, high)}")
            return [self._one(v, item_kind, low, high, whole=raw) for v in raw]
        return self._one(raw, self.kind, low, high, whole=raw)

    def _one(
        self,
        v: Any,
        kind: str,
        low: float | None,
        high: float | None,
        *,
        whole: Any,
    ) -> Any:
        what = self._what(kind, low, high)
        many = self.kind.endswith("_list")
        expected = f"a non-empty list of {what}" if many else what
        if kind == "bool":
            if not isinstance(v, bool):
                self._fail(whole, expected)
            return v
        if kind == "str":
            if not isinstance(v, str) or (self.choices and v not in self.choices):
                self._fail(whole, expected)
            return v
        if not is_number(v) or not math.isfinite(float(v)):
            self._fail(whole, expected)
        if kind == "int" and not isinstance(v, (int, np.integer)):
            self._fail(whole, expected)
        if (low is not None and v < low) or (high is not None and v > high):
            self._fail(whole, expected)
        return int(v) if kind == "int" else float(v)

    def _what(self, kind: str, low: float | None, high: float | None) -> str:
        if kind == "bool":
            return "true or false"
        if kind == "str":
            return (
                "one of " + ", ".join(repr(c) for c in self.choices) if self.choices else "a string"
            )
        noun = "integers" if kind == "int" else "numbers"
        if not self.kind.endswith("_list"):
            noun = "an integer" if kind == "int" else "a number"
        if low is not None and high is not None:
            return f"{noun} within {low:g}..{high:g}"
        if low is not None:
            return f"{noun} >= {low:g}"
        if high is not None:
            return f"{noun} <= {high:g}"
        return noun

    def _fail(self, raw: Any, expected: str) -> None:
        example = f", e.g. {self.example}" if self.example else ""
        msg = f"options.{self.name} = {raw!r}: expected {expected}{example}"
        raise SpecError(msg)


def _kind_text(kind: str) -> str:
    """``"float_list"`` -> ``"list of float"`` (docs tables)."""
    return f"list of {kind.removesuffix('_list')}" if kind.endswith("_list") else kind


@dataclass(frozen=True)
class OptionTable:
    """A model's study options, declared once.

    Parameters
    ----------
    model : str
        The model's registry name (used in messages).
    options : sequence of Option
        One row per option.

    Examples
    --------
    >>> from corridor_sim.models import oil
    >>> table = oil.OPTIONS
    >>> "study" in table, table.resolve({"study": "bottleneck_sequence"})["study"]
    (True, 'bottleneck_sequence')
    >>> table.resolve({"study": "everything"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    corridor_sim.errors.SpecError: options.study = 'everything'...
    """

    model: str
    options: Sequence[Option] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(self.options))

    def __iter__(self) -> Iterator[Option]:
        return iter(self.options)

    def __contains__(self, name: object) -> bool:
        return any(o.name == name for o in self.options)

    def __len__(self) -> int:
        return len(self.options)

    @property
    def names(self) -> tuple[str, ...]:
        """Option names in declaration order."""
        return tuple(o.name for o in self.options)

    def descriptions(self) -> dict[str, str]:
        """Option name -> one-line description (``corridor-sim models``)."""
        return {o.name: o.description for o in self.options}

    def resolve(
        self,
        options: Mapping[str, Any] | None,
        *,
        bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
    ) -> dict[str, Any]:
        """Every option's value: given ones checked, the others at their defaults.

        Parameters
        ----------
        options : mapping
            The scenario's ``[options]``.
        bounds : mapping of str to (min, max), optional
            Bounds that depend on the run (a week index within the horizon).

        Raises
        ------
        UnknownNameError
            An option the model does not have (with a "did you mean").
        SpecError
            A value of the wrong type or out of bounds.
        """
        options = dict(options or {})
        bounds = dict(bounds or {})
        by_name = {o.name: o for o in self.options}
        for key in options:
            if key not in by_name:
                if not by_name:
                    msg = f"options.{key}: model {self.model!r} takes no options; remove [options]"
                else:
                    msg = (
                        f"options.{key}: unknown option of model {self.model!r}, "
                        f"{suggest(key, by_name)}"
                    )
                raise UnknownNameError(msg)
        out = {}
        for name, opt in by_name.items():
            if name in options:
                low, high = bounds.get(name, (None, None))
                out[name] = opt.coerce(options[name], minimum=low, maximum=high)
            else:
                out[name] = opt.default
        return out

    def markdown(self) -> str:
        """Return the options table of the model's docs page (Markdown)."""
        lines = ["| option | type | default | description |", "|---|---|---|---|"]
        for o in self.options:
            default = "—" if o.default is None else f"`{o.default!r}`"
            lines.append(f"| `{o.name}` | {_kind_text(o.kind)} | {default} | {o.description} |")
        return "\n".join(lines) + "\n"

"""Read and write the small TOML dialect scenario files use.

Reading is the standard library's :mod:`tomllib`. Writing covers what a
:class:`~corridor_sim.Scenario` holds: strings, numbers, booleans, lists of
scalars, tables and arrays of tables (no dates, no inline-table nesting).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["dumps"]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else _string(name)


def _string(text: str) -> str:
    escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
    out = []
    for char in text:
        if char in escapes:
            out.append(escapes[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:  # other control characters
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _scalar(value: Any) -> str:  # any TOML scalar
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_key(str(k))} = {_scalar(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    # numpy scalars and the like
    if hasattr(value, "item"):
        return _scalar(value.item())
    msg = f"cannot write a {type(value).__name__} ({value!r}) to TOML"
    raise TypeError(msg)


def _is_table_array(value: Any) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) > 0
        and all(isinstance(v, Mapping) for v in value)
    )


def _emit(data: Mapping[str, Any], prefix: str, lines: list[str]) -> None:
    scalars = {
        k: v for k, v in data.items() if not isinstance(v, Mapping) and not _is_table_array(v)
    }
    for key, value in scalars.items():
        lines.append(f"{_key(key)} = {_scalar(value)}")
    for key, value in data.items():
        path = f"{prefix}.{_key(key)}" if prefix else _key(key)
        if isinstance(value, Mapping):
            lines.append("")
            lines.append(f"[{path}]")
            _emit(value, path, lines)
        elif _is_table_array(value):
            for item in value:
                lines.append("")
                lines.append(f"[[{path}]]")
                _emit(item, path, lines)


def dumps(data: Mapping[str, Any]) -> str:
    """Serialise a mapping to TOML text that :func:`tomllib.loads` reads back equal.

    Examples
    --------
    >>> import tomllib
    >>> doc = {"model": "oil", "year": 2025, "overrides": {"x_mt": 1.5},
    ...        "events": [{"element": "btc"}]}
    >>> tomllib.loads(dumps(doc)) == doc
    True
    """
    lines: list[str] = []
    _emit(data, "", lines)
    return "\n".join(lines).strip() + "\n"

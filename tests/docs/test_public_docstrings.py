"""Every public function and class is documented: numpydoc Parameters, Returns and Examples.

For every module listed in docs/api.md, every function and class in its ``__all__`` (defined
in corridor_sim) must have a ``Parameters`` section (classes: ``Parameters`` or
``Attributes``) when it takes arguments, a ``Returns`` (or ``Yields``) section when it is a
function, and an ``Examples`` section.

Every name has them; a new public name must come documented.
"""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

from tests.helpers import ROOT

MODULES = re.findall(
    r"^   (corridor_sim[\w.]*)$", (ROOT / "docs" / "api.md").read_text("utf-8"), re.M
)


def _section(doc: str, *names: str) -> bool:
    return any(re.search(rf"^{name}\n-{{3,}}", doc, re.M) for name in names)


def missing_sections(obj: object) -> list[str]:
    """The numpydoc sections `obj` lacks: ``Parameters``, ``Returns``, ``Examples``."""
    doc = inspect.getdoc(obj) or ""
    missing = []
    if inspect.isfunction(obj):
        takes = [p for p in inspect.signature(obj).parameters if p not in ("self", "cls")]
        if takes and not _section(doc, "Parameters"):
            missing.append("Parameters")
        if not _section(doc, "Returns", "Yields"):
            missing.append("Returns")
    elif not _section(doc, "Parameters", "Attributes"):
        missing.append("Parameters")
    if not _section(doc, "Examples"):
        missing.append("Examples")
    return missing


def _public() -> dict[str, object]:
    names = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.ismethod(obj):  # a model's function bound to its corridor
                obj = obj.__func__
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if str(getattr(obj, "__module__", "")).split(".")[0] != "corridor_sim":
                continue
            names[f"{module_name}.{name}"] = obj
    return names


PUBLIC = _public()


def test_every_public_name_has_parameters_returns_and_an_example() -> None:
    undocumented = {
        name: missing_sections(obj) for name, obj in PUBLIC.items() if missing_sections(obj)
    }
    assert not undocumented, f"public names without numpydoc sections: {undocumented}"


def test_the_check_sees_every_public_module() -> None:
    assert len(MODULES) >= 20
    assert "corridor_sim.scenarios.example_scenario" in PUBLIC


@pytest.mark.parametrize(
    "name",
    [
        "corridor_sim.monte_carlo",
        "corridor_sim.diff",
        "corridor_sim.plotting.study.sweep_plot",
        "corridor_sim.plotting.study.fan_chart",
        "corridor_sim.plotting.study.tornado",
        "corridor_sim.plotting.diff.diff_bars",
    ],
)
def test_the_functions_an_analyst_reaches_first_are_documented(name: str) -> None:
    assert missing_sections(PUBLIC[name]) == []

"""Engine results show themselves through the display protocol of ``engines._shared``."""

from __future__ import annotations

from pathlib import Path

from corridor_sim.engines._shared import display
from corridor_sim.engines.commodity import MaxFlowResult
from corridor_sim.engines.dispatch import DispatchResult
from corridor_sim.engines.power import DCFlowResult, N1Result


def test_engine_results_implement_the_display_protocol() -> None:
    """Each engine result shows itself through its own methods, not a switch on class names."""
    for cls in (DCFlowResult, N1Result, DispatchResult, MaxFlowResult):
        assert issubclass(cls, display.ShowsItself), cls.__name__
    source = Path(display.__file__).read_text(encoding="utf-8")
    assert "__name__ ==" not in source
    assert 'kind == "' not in source

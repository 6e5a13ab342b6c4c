"""Shared test set-up: headless plotting, paths, hypothesis profile."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib as mpl
import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("MPLBACKEND", "Agg")
mpl.use("Agg")

ROOT = Path(__file__).resolve().parents[1]

# The default run draws the same examples every time (derandomize): a suite that passes
# passes however often it is started. CORRIDOR_SIM_HYPOTHESIS=explore draws new ones (to
# hunt for edge cases; add what it finds as an @example).
settings.register_profile(
    "ci",
    deadline=None,
    max_examples=30,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore", deadline=None, max_examples=30, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("CORRIDOR_SIM_HYPOTHESIS", "ci"))


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-node commodity scenario file (:data:`tests.helpers.TINY_SCENARIO`), alone in its
    own folder (not in the test's ``tmp_path``)."""
    from tests.helpers import tiny_scenario

    return tiny_scenario(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")

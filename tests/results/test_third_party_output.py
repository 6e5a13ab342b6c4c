"""The engines print nothing of their solvers' own: no numba note, no HiGHS banner.

A notebook through the models showed pandapower's "numba cannot be imported" note on every
power flow the engines run (``rundcpp`` logs it even with ``numba=False``) and HiGHS's
start-up banner on stdout. The note is dropped only around the engines' own pandapower
calls (``pandapower_quietly``); a user's own call still logs it, other records pass.
"""

from __future__ import annotations

import importlib.util
import logging
import subprocess
import sys

import pandapower as pp
import pandapower.networks as pn
import pytest

from corridor_sim.engines.power import DCModel, dc_flow, n_minus_1, pandapower_quietly

NUMBA = importlib.util.find_spec("numba") is not None


def _numba_records(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "numba" in r.getMessage()]


def test_engine_calls_log_no_numba_note(caplog: pytest.LogCaptureFixture) -> None:
    net = pn.case9()
    with caplog.at_level(logging.DEBUG, logger="pandapower"):
        model = DCModel.from_net(net, check=True)  # pandapower's conversion and rundcpp
        dc_flow(net, model=model)
        n_minus_1(net, model=model, ac_check="worst", ac_top_k=2)  # runpp on the worst cases
    assert _numba_records(caplog) == []


@pytest.mark.skipif(NUMBA, reason="with numba installed pandapower has no note to log")
def test_only_the_note_and_only_inside_the_block(caplog: pytest.LogCaptureFixture) -> None:
    net = pn.case9()
    with caplog.at_level(logging.DEBUG, logger="pandapower"):
        with pandapower_quietly():
            pp.rundcpp(net)
            logging.getLogger("pandapower.auxiliary").warning("another pandapower warning")
        assert _numba_records(caplog) == []
        assert "another pandapower warning" in caplog.text
        pp.rundcpp(net)  # the user's own call, outside the block: pandapower's note is back
    assert len(_numba_records(caplog)) == 1
    assert logging.getLogger("pandapower.auxiliary").filters == []


def test_solve_highs_prints_no_banner() -> None:
    code = (
        "import numpy as np, scipy.sparse as sp\n"
        "from corridor_sim.engines._shared.highs import LPArrays, solve_highs\n"
        "sol = solve_highs(LPArrays(np.array([1.0, 2.0]), sp.csr_matrix([[1.0, 1.0]]),"
        " np.array([3.0]), np.array([np.inf]), np.zeros(2), np.full(2, np.inf)))\n"
        "assert sol.status.label == 'optimal', sol.status\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "", f"HiGHS printed: {done.stdout!r}"
    assert done.stderr == ""

"""The Caspian sizing warm-started from the dispatch without expansion equals the cold one."""

from __future__ import annotations

import numpy as np
import pytest

from corridor_sim.models import caspian
from corridor_sim.models.caspian.sizing import optimise


def test_warm_sizing_equals_the_cold_one_on_a_week() -> None:
    prof = caspian.profiles(2032, seed=1).iloc[4000:4168].reset_index(drop=True)
    prof = prof.rename_axis("hour")
    cold = optimise(2032, prof=prof, npv=False)
    warm = optimise(2032, prof=prof, npv=False, warm_start=True)
    assert not cold.meta["warm_start"]
    assert warm.meta["warm_start"]
    assert warm.meta["warm_start_s"] > 0
    rows = [{m: v for m, v, _, _ in s.rows} for s in (cold, warm)]
    assert rows[1]["sizing_annual_cost_meur"] == pytest.approx(
        rows[0]["sizing_annual_cost_meur"], rel=1e-9
    )
    a, b = (s.table.set_index("element")["rating_mw"] for s in (cold, warm))
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), atol=1e-3)  # MW
    assert (a > a.min()).any()  # some links are built: the start had to move

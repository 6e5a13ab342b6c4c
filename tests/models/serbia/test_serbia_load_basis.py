"""The Serbian load's energy basis: end customers' consumption plus the network losses."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor_sim.catalogue import fact, value
from corridor_sim.models.serbia.grid.network import GridSpec
from corridor_sim.models.serbia.load_basis import (
    CONSUMPTION,
    DISTRIBUTION_LOSSES,
    TRANSMISSION_LOSSES,
    load_basis_table,
    system_energy_factor,
    system_energy_twh,
    withdrawal_share,
)
from corridor_sim.models.serbia.params import PARAMS, annual_energy_twh
from corridor_sim.models.serbia.profiles import daily_shape, national_load_mw
from corridor_sim.models.serbia.run import _market_table, _unit_kinds
from corridor_sim.models.serbia.study.inputs import year_inputs
from corridor_sim.models.serbia.validation.load import fit_load_shape


def test_terms_add_up_on_the_documented_figures():
    # pinned: docs/serbia.md, "Load level"
    t = load_basis_table().set_index("term")["energy_twh"]
    c, d, t_ = (
        value(i, unit=u)
        for i, u in (
            (CONSUMPTION, "TWh"),
            (DISTRIBUTION_LOSSES, "p.u."),
            (TRANSMISSION_LOSSES, "p.u."),
        )
    )
    assert (c, d, t_) == (30.8, 0.115, 0.0244)
    w = t["withdrawal at the substations"]
    s = t["system consumption"]
    assert t["end customers' consumption"] + t["distribution losses"] == pytest.approx(w)
    assert w + t["transmission losses"] == pytest.approx(s)
    assert t["distribution losses"] == pytest.approx(d * w)  # a share of what distribution draws
    assert t["transmission losses"] == pytest.approx(t_ * s)
    assert round(w, 2) == 34.80
    assert round(s, 2) == 35.67
    assert s == pytest.approx(system_energy_twh()) == pytest.approx(annual_energy_twh(2024))
    assert load_basis_table(2029).set_index("term")["energy_twh"]["system consumption"] == (
        pytest.approx(annual_energy_twh(2029))
    )


def test_every_loss_share_is_a_ranged_catalogue_row_in_the_robustness_draws():
    from corridor_sim.models.serbia.study.robustness import ROBUSTNESS_IDS

    for fid in (DISTRIBUTION_LOSSES, TRANSMISSION_LOSSES):
        row = fact(fid, record=False)
        assert row.reference.startswith("http")
        assert row.quote
        assert row.range_reason
        assert row.low is not None
        assert row.high is not None
        assert row.low < row.value < row.high
        assert fid in ROBUSTNESS_IDS


@settings(max_examples=30, deadline=None)
@given(d=st.floats(0.0, 0.3), t=st.floats(0.0, 0.1), more=st.floats(0.001, 0.05))
def test_system_energy_grows_with_each_loss_share(d, t, more):
    base = system_energy_factor({DISTRIBUTION_LOSSES: d, TRANSMISSION_LOSSES: t})
    assert base >= 1.0
    assert system_energy_factor({DISTRIBUTION_LOSSES: d + more, TRANSMISSION_LOSSES: t}) > base
    assert system_energy_factor({DISTRIBUTION_LOSSES: d, TRANSMISSION_LOSSES: t + more}) > base
    # the substations' withdrawal is the system consumption less the transmission losses
    w = withdrawal_share({TRANSMISSION_LOSSES: t}) * base
    assert w == pytest.approx(1 / (1 - d))


def test_record_days_are_read_on_the_system_basis():
    """The shape's mean day is the system consumption's: the record days keep their GWh."""
    shape = daily_shape()
    mean_gwh = system_energy_twh() * 1e3 / 365
    assert shape[8] * mean_gwh == pytest.approx(
        value("serbia.load.winter_record_day_energy", unit="GWh/day"), rel=1e-6
    )
    x = national_load_mw(2024, rng=np.random.default_rng(0))
    assert x.sum() / 1e6 == pytest.approx(system_energy_twh())


def test_a_measured_total_load_is_fitted_without_adding_losses():
    x = national_load_mw(2024, rng=np.random.default_rng(3)) * 1.1  # stand-in total load
    fit = fit_load_shape(x)
    assert system_energy_twh(fit) == pytest.approx(x.sum() / 1e6)  # losses already in it
    assert fit[DISTRIBUTION_LOSSES] == fit[TRANSMISSION_LOSSES] == 0.0


def test_the_2024_dispatch_makes_serbia_a_net_importer_on_the_system_basis():
    """A check on an input year, not a validation: 2024's consumption and generation mix set
    the load and the plants. Pinned: docs/serbia.md, "Load level" (net import +2.23 TWh; Ember:
    +0.52 TWh, serbia.record.net_import_2024; C4: net imports rose 15 %)."""
    p = PARAMS.resolve(2024, {})
    grid = GridSpec.from_params(p)
    yi = year_inputs(p, grid, rng=np.random.default_rng(1), need_plant=False, need_none=True)
    m = _market_table(yi, 2024, _unit_kinds(grid))
    plants = m[["lignite_mw", "hydro_mw", "wind_mw", "chp_mw", "plant_mw"]].sum(axis=1)
    assert m["national_load_mw"].sum() / 1e6 == pytest.approx(system_energy_twh())
    net = m["net_import_mw"]
    np.testing.assert_allclose(net, m["national_load_mw"] - plants - m["unserved_mw"])
    assert round(plants.sum() / 1e6, 2) == 33.44
    assert round(net.sum() / 1e6, 2) == 2.23  # Serbia a net importer, as Ember and AERS say
    assert value("serbia.record.net_import_2024", unit="TWh") > 0
    # the substations see the system consumption less the transmission losses
    assert yi.inputs_none is not None
    assert yi.inputs_none.national_mw.sum() / 1e6 == pytest.approx(system_energy_twh())

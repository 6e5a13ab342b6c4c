"""Unit conversions: hand-computed values, round trips, input validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor_sim import units
from corridor_sim.catalogue import value
from corridor_sim.errors import SpecError, UnitError

POS = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)
FRACTION = st.floats(min_value=0.01, max_value=1.0)
BASIS = st.sampled_from(["bp", "serbia_lhv"])


# --------------------------------------------------------------------------- hand-computed values
def test_oil_hand_computed() -> None:
    # 1.7 Mt/yr x 1e6 t/Mt x 7.38 bbl/t / 365 d = 34,372.6 bbl/d
    assert units.mt_per_yr_to_bbl_per_day(1.7) == pytest.approx(1.7e6 * 7.38 / 365)
    assert units.mt_per_yr_to_bbl_per_day(1.7) == pytest.approx(34372.6, abs=0.1)
    # BTC design: 50 Mt/yr ~ 1 Mbbl/d at 7.3 bbl/t
    assert units.mt_per_yr_to_bbl_per_day(50, bbl_per_t=7.3) == pytest.approx(1.0e6)
    assert units.bbl_per_day_to_mt_per_yr(1.2e6, bbl_per_t=7.32) == pytest.approx(
        1.2e6 * 365 / 7.32e6
    )
    world = value("units.crude.bbl_per_t_world", unit="bbl/t")
    assert units.mt_per_yr_to_bbl_per_day(1.0, bbl_per_t=world) == pytest.approx(7.32e6 / 365)
    assert units.mt_per_yr_to_bbl_per_day(1.0, days_per_yr=366) == pytest.approx(7.38e6 / 366)


def test_defaults_come_from_the_catalogue() -> None:
    k = value("units.crude.bbl_per_t", unit="bbl/t")
    assert k == 7.38
    assert units.mt_per_yr_to_bbl_per_day(1.0) == units.mt_per_yr_to_bbl_per_day(
        1.0, bbl_per_t=k, days_per_yr=value("units.time.days_per_year", unit="d")
    )
    assert value("units.time.hours_per_year", unit="h") == 8760


def test_gas_hand_computed() -> None:
    assert units.twh_per_bcm() == pytest.approx(10.0)  # 36 PJ / 3.6 PJ/TWh
    assert units.twh_per_bcm(basis="serbia_lhv") == pytest.approx(33338.35e3 * 1e9 / 3.6e15)
    assert units.bcm_to_twh(0.4) == pytest.approx(4.0)
    assert units.bcm_to_twh(1.0, basis="serbia_lhv") == pytest.approx(9.26065, abs=1e-5)
    assert units.twh_to_bcm(35.1, basis="bp") == pytest.approx(3.51)


def test_power_hand_computed() -> None:
    assert units.mw_to_gwh_per_yr(500, capacity_factor=0.5) == pytest.approx(2190.0)
    assert units.mw_to_gwh_per_yr(240, capacity_factor=1.0, hours=8784) == pytest.approx(2108.16)
    assert units.gwh_per_yr_to_mw(1000, capacity_factor=0.48) == pytest.approx(
        1000e3 / (0.48 * 8760)
    )


def test_gas_burn_hand_computed() -> None:
    # 500 MW x 0.5 x 8760 h = 2190 GWh_e; / 0.5 = 4380 GWh = 4.38 TWh; / 10 TWh/bcm
    assert units.gas_burn_bcm_per_yr(500, capacity_factor=0.5, efficiency=0.5) == pytest.approx(
        0.438
    )
    # Serbian LHV, CCGT 0.58, CF 0.8: 3504 GWh_e / 0.58 / 9260.65 GWh/bcm = 0.6524 bcm
    burn = units.gas_burn_bcm_per_yr(500, capacity_factor=0.8, efficiency=0.58, basis="serbia_lhv")
    assert burn == pytest.approx(3504 / 0.58 / 9260.65, rel=1e-5)
    assert units.power_from_gas_mw(0.438, capacity_factor=0.5, efficiency=0.5) == pytest.approx(
        500.0
    )


def test_tonnes_and_calendar() -> None:
    assert units.mt_to_kt(1.625) == pytest.approx(1625.0)
    assert units.kt_to_mt(250) == pytest.approx(0.25)
    assert units.days_in_month(2024, 2) == 29
    assert units.days_in_month(2025, 2) == 28
    assert units.days_in_month(2026, 4) == 30
    assert units.days_in_month(2026, 12) == 31
    assert sum(units.days_in_month(2028, m) for m in range(1, 13)) == 366
    assert sum(units.days_in_month(2030, m) for m in range(1, 13)) == 365


def test_arrays_in_arrays_out() -> None:
    out = units.bcm_to_twh(np.array([0.0, 1.0, 2.5]))
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, [0.0, 10.0, 25.0])
    assert isinstance(units.bcm_to_twh(1), float)
    np.testing.assert_allclose(
        units.mw_to_gwh_per_yr([100, 200], capacity_factor=0.5), [438.0, 876.0]
    )


# --------------------------------------------------------------------------- round trips
@settings(max_examples=50, deadline=None)
@given(x=POS, k=st.floats(min_value=6.0, max_value=8.5))
def test_oil_round_trip(x: float, k: float) -> None:
    bbl = units.mt_per_yr_to_bbl_per_day(x, bbl_per_t=k)
    assert units.bbl_per_day_to_mt_per_yr(bbl, bbl_per_t=k) == pytest.approx(x, abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(x=POS, basis=BASIS)
def test_gas_round_trip(x: float, basis: str) -> None:
    assert units.twh_to_bcm(units.bcm_to_twh(x, basis=basis), basis=basis) == pytest.approx(
        x, abs=1e-9
    )


@settings(max_examples=50, deadline=None)
@given(p=POS, cf=FRACTION)
def test_power_round_trip(p: float, cf: float) -> None:
    e = units.mw_to_gwh_per_yr(p, capacity_factor=cf)
    assert units.gwh_per_yr_to_mw(e, capacity_factor=cf) == pytest.approx(p, abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(p=POS, cf=FRACTION, eff=FRACTION, basis=BASIS)
def test_gas_burn_round_trip(p: float, cf: float, eff: float, basis: str) -> None:
    gas = units.gas_burn_bcm_per_yr(p, capacity_factor=cf, efficiency=eff, basis=basis)
    back = units.power_from_gas_mw(gas, capacity_factor=cf, efficiency=eff, basis=basis)
    assert back == pytest.approx(p, abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(x=POS)
def test_tonnes_round_trip(x: float) -> None:
    assert units.kt_to_mt(units.mt_to_kt(x)) == pytest.approx(x)


@settings(max_examples=30, deadline=None)
@given(p=st.floats(min_value=1.0, max_value=2000.0), eff=st.floats(min_value=0.1, max_value=0.9))
def test_gas_burn_monotone(p: float, eff: float) -> None:
    low = units.gas_burn_bcm_per_yr(p, capacity_factor=0.3, efficiency=eff)
    high = units.gas_burn_bcm_per_yr(p, capacity_factor=0.6, efficiency=eff)
    assert math.isclose(high, 2 * low, rel_tol=1e-12)
    better = units.gas_burn_bcm_per_yr(p, capacity_factor=0.3, efficiency=eff * 1.1)
    assert better < low


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: units.mt_per_yr_to_bbl_per_day(-1.0), "x_mt_per_yr = -1.0"),
        (lambda: units.bbl_per_day_to_mt_per_yr(float("nan")), "x_bbl_per_day"),
        (lambda: units.mt_per_yr_to_bbl_per_day(1.0, bbl_per_t=0), "bbl_per_t"),
        (lambda: units.bcm_to_twh([1.0, -2.0]), "x_bcm"),
        (lambda: units.twh_to_bcm("a lot"), "x_twh"),
        (lambda: units.mw_to_gwh_per_yr(500, capacity_factor=1.5), "capacity_factor = 1.5"),
        (lambda: units.mw_to_gwh_per_yr(500, capacity_factor=0.5, hours=-1), "hours"),
        (lambda: units.gwh_per_yr_to_mw(100, capacity_factor=0.0), "capacity_factor"),
        (lambda: units.gas_burn_bcm_per_yr(500, capacity_factor=0.5, efficiency=0), "efficiency"),
        (lambda: units.power_from_gas_mw(-0.1, capacity_factor=0.5, efficiency=0.5), "gas_bcm"),
        (lambda: units.mt_to_kt(float("inf")), "x_mt"),
        (lambda: units.days_in_month(2025, 13), "month = 13"),
        (lambda: units.days_in_month(2025.0, 1), "year"),
    ],
)
def test_bad_input_raises_spec_error_naming_argument(call, match: str) -> None:
    with pytest.raises(SpecError, match=match):
        call()


def test_unknown_basis_lists_valid_ones() -> None:
    with pytest.raises(UnitError, match=r"'bp', 'serbia_lhv'"):
        units.bcm_to_twh(1.0, basis="hhv")
    with pytest.raises(UnitError, match="basis = 'hhv'"):
        units.gas_burn_bcm_per_yr(500, capacity_factor=0.5, efficiency=0.5, basis="hhv")


def test_factor_arrays_broadcast_and_none_is_named() -> None:
    # regression: bbl_per_t=[7, 8] raised a bare TypeError from float(); None read as "NaN"
    bbl = units.mt_per_yr_to_bbl_per_day(1.0, bbl_per_t=[7.0, 8.0], days_per_yr=365)
    assert bbl == pytest.approx([7e6 / 365, 8e6 / 365])
    back = units.bbl_per_day_to_mt_per_yr(bbl, bbl_per_t=[7.0, 8.0], days_per_yr=365)
    assert back == pytest.approx([1.0, 1.0])
    with pytest.raises(SpecError, match="x_mt_per_yr = None: expected a number"):
        units.mt_per_yr_to_bbl_per_day(None)
    with pytest.raises(SpecError, match="bbl_per_t"):
        units.mt_per_yr_to_bbl_per_day(1.0, bbl_per_t=[7.0, -1.0])

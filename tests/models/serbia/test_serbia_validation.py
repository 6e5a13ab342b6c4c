"""The Serbian model against public records by role: load fitted on 2015, checked on 2016.

The measured hourly load (ENTSO-E, 2015 and 2016) is not shipped: the tests that need it
skip unless the user has made it (``tools/make_serbia_load.py``) and set
``CORRIDOR_SIM_SERBIA_LOAD``. Everything else runs on a clean clone, the behaviour of the
measured-load code included (on modelled stand-in years and a file written here).
"""

from __future__ import annotations

import gzip
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from corridor_sim.catalogue import value
from corridor_sim.errors import CorridorSimError
from corridor_sim.models import serbia
from corridor_sim.models.serbia.profiles import national_load_mw
from corridor_sim.models.serbia.validation import table as vtable
from corridor_sim.models.serbia.validation.load import (
    CHECK_YEAR,
    DATA_ENV,
    FIT_YEAR,
    MeasuredLoadMissingError,
    check_table,
    fit_load_shape,
    load_check,
    measured_load_available,
    measured_load_mw,
    measured_profile_mw,
    modelled_load_mw,
)
from corridor_sim.models.serbia.validation.table import validation, validation_rows
from corridor_sim.models.toolkit.validation import VALIDATION_COLUMNS, validation_frame

needs_data = pytest.mark.skipif(
    not measured_load_available(),
    reason=(
        f"the measured hourly load of Serbia is not shipped: make it with "
        f"tools/make_serbia_load.py and set {DATA_ENV} to run this test"
    ),
)

#: A modelled year with another shape: the stand-in for a measured one where no file is needed.
_OTHER_SHAPE = {
    "serbia.load.seasonal_annual_amplitude": 0.2,
    "serbia.load.seasonal_semiannual_amplitude": 0.05,
    "serbia.load.daily_swing": 0.12,
    "serbia.load.peak_hour": 18.0,
}


def _stand_in(year: int) -> np.ndarray:
    """A modelled 'measured' year (another shape, 2015's or 2016's energy of the records)."""
    x = national_load_mw(2024, rng=np.random.default_rng(year), draw=_OTHER_SHAPE)
    return x / x.sum() * value(f"serbia.record.load_{year}", unit="TWh") * 1e6


def _stretched(year: int, factor: float, base=_stand_in):
    """`base`, with `year` stretched around its mean (same energy, other peaks)."""

    def measured(y: int) -> np.ndarray:
        x = base(y)
        return x + factor * (x - x.mean()) if y == year else x

    return measured


def _scaled(year: int, factor: float, base=_stand_in):
    """`base`, with `year` scaled (another energy)."""

    def measured(y: int) -> np.ndarray:
        return base(y) * (factor if y == year else 1.0)

    return measured


@pytest.fixture
def no_data(monkeypatch, tmp_path):
    """The measured-load file named but absent (a clean clone without it)."""
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "absent.csv.gz"))
    return tmp_path / "absent.csv.gz"


# ------------------------------------------------------------ without the measured file
def test_missing_file_raises_a_clear_error_naming_it_and_how_to_make_it(no_data):
    assert not measured_load_available()
    with pytest.raises(MeasuredLoadMissingError) as err:
        measured_load_mw(2015)
    text = str(err.value)
    for part in (DATA_ENV, str(no_data), "tools/make_serbia_load.py", "Dispa-SET", "ENTSO-E"):
        assert part in text
    assert isinstance(err.value, CorridorSimError)
    with pytest.raises(MeasuredLoadMissingError, match="load_profile = 'measured_2016'"):
        measured_profile_mw("measured_2016", annual_twh=30.8)
    for fn in (load_check, lambda: modelled_load_mw("fitted on 2015", annual_twh=1.0)):
        with pytest.raises(MeasuredLoadMissingError, match=DATA_ENV):
            fn()
    with pytest.raises(CorridorSimError, match="2020"):
        measured_load_mw(2020)  # the year is checked before the file is looked for


def _scenario(profile: str) -> SimpleNamespace:
    return SimpleNamespace(
        model="serbia",
        year=2029,
        name="t",
        overrides={},
        options={"site": "krusevac", "load_profile": profile, "both_tie_states": False},
        seed=1,
        periods=24,
        resolution="hour",
        events=(),
        network=None,
        rng=lambda: np.random.default_rng(1),
    )


def test_load_profile_option_without_the_file_stops_the_run_clearly(no_data):
    with pytest.raises(MeasuredLoadMissingError, match="make_serbia_load.py"):
        serbia.simulate(_scenario("measured_2015"))


def test_validation_without_the_file_keeps_the_backcast_and_four_predicted_days(no_data):
    rows = validation_rows()
    t = validation()
    assert tuple(t.columns) == VALIDATION_COLUMNS
    assert len(t) == len(rows) == 8
    assert set(t["role"]) == {"input", "fitted", "predicted"}
    predicted = t[(t["role"] == "predicted") & t["error_pct"].notna()]
    assert len(predicted) >= 3
    assert set(predicted["year"]) == {2024, 2025}  # 2025 sets no input of the load model
    assert not t["quantity"].str.contains("Control-area").any()
    assert (t["source"].str.len() > 0).sum() == len(t) - 1  # all but the peak hour: no record


def test_predicted_days_of_2024_and_2025():
    # pinned: docs/serbia.md, "Validation by role" (EMS's days, catalogue shape)
    t = validation_frame(vtable._backcast_rows())
    days = t[(t["role"] == "predicted") & t["error_pct"].notna()]
    assert days["year"].tolist() == [2024, 2024, 2025, 2025]
    assert days["recorded"].tolist() == [99.8, 121.8, 101.0, 95.0]
    # 3 and 10 January 2024; 3 October 2025 (early snow), 16 October 2025
    # on the system basis (losses included, load_basis); on C4 alone: 12.7, 5.4, -28.4, -21.8
    assert days["error_pct"].round(1).tolist() == [24.8, 5.8, -16.2, -8.4]


def test_round_off_between_model_and_record_is_no_error():
    t = validation()
    inputs = t[t["role"] == "input"]
    assert len(inputs) == 1
    assert (inputs["error_pct"] == 0.0).all()  # scaled to the record: round-off only
    check = check_table(_stand_in)
    assert (check.query("role == 'input'")["error_pct"] == 0.0).all()


def test_a_file_named_by_the_environment_variable_is_read(monkeypatch, tmp_path):
    path = tmp_path / "load.csv.gz"
    frames = [
        pd.DataFrame({"year": y, "hour": range(8760), "load_mw": np.round(_stand_in(y))})
        for y in (2015, 2016)
    ]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        pd.concat(frames).to_csv(fh, index=False)
    monkeypatch.setenv(DATA_ENV, str(path))
    assert measured_load_available()
    np.testing.assert_array_equal(measured_load_mw(2016), np.round(_stand_in(2016)))
    x = measured_profile_mw("measured_2015", annual_twh=30.8)
    assert x.sum() == pytest.approx(30.8e6)
    assert int(x.argmax()) == int(_stand_in(2015).argmax())
    t = validation()
    assert t["quantity"].str.contains("Control-area").any()  # measured rows with the file
    assert set(load_check()["year"]) == {FIT_YEAR, CHECK_YEAR}


# ------------------------------------------------------------ the method, on stand-in years
def test_predicted_rows_do_not_change_when_their_record_changes():
    base = validation_frame(validation_rows(_stand_in))
    pred = (base["role"] == "predicted") & (base["year"] == CHECK_YEAR)
    assert pred.sum() >= 3
    for other in (_stretched(CHECK_YEAR, 0.1), _scaled(CHECK_YEAR, 1.3)):
        moved = validation_frame(validation_rows(other))
        np.testing.assert_allclose(moved.loc[pred, "modelled"], base.loc[pred, "modelled"], rtol=0)
        peak = base["quantity"].str.contains("annual peak load") & pred
        assert (moved.loc[peak, "recorded"] > base.loc[peak, "recorded"]).all()  # it moved
    # the fitted rows do move with their record (the fit year), and so does the prediction
    refit = validation_frame(validation_rows(_stretched(FIT_YEAR, 0.1)))
    peak = base["quantity"].str.contains("annual peak load, shape fitted")
    for role in ("fitted", "predicted"):
        rows = peak & (base["role"] == role)
        assert not np.allclose(refit.loc[rows, "modelled"], base.loc[rows, "modelled"])


def test_fit_recovers_the_parameters_of_a_modelled_year():
    x = national_load_mw(2024, rng=np.random.default_rng(3), draw=_OTHER_SHAPE)
    fit = fit_load_shape(x)
    assert fit["serbia.load.daily_swing"] == pytest.approx(0.12, abs=0.005)
    assert fit["serbia.load.peak_hour"] == pytest.approx(18.0, abs=0.1)
    assert fit["serbia.load.seasonal_annual_amplitude"] == pytest.approx(0.2, abs=0.03)
    assert fit["serbia.load.annual_energy"] == pytest.approx(x.sum() / 1e6)
    with pytest.raises(CorridorSimError, match="8760"):
        fit_load_shape(x[:100])


def test_modelled_load_is_scaled_to_the_given_energy_and_checks_its_shape():
    x = modelled_load_mw("catalogue", annual_twh=10.0)
    assert x.sum() == pytest.approx(10e6)
    with pytest.raises(CorridorSimError, match="shape"):
        modelled_load_mw("flat", annual_twh=10.0)


# ------------------------------------------------------------ with the measured file
@needs_data
def test_measured_load_is_two_years_of_hours_at_the_catalogued_energy():
    for year in (2015, 2016):
        x = measured_load_mw(year)
        assert x.shape == (8760,)
        assert np.all(x > 0)
        assert x.sum() / 1e6 == pytest.approx(
            value(f"serbia.record.load_{year}", unit="TWh"), abs=5e-4
        )
    assert measured_load_mw(2016).max() == 6958  # ENTSO-E's 2016 peak of the control area
    x = modelled_load_mw("fitted on 2015", annual_twh=10.0)
    assert x.sum() == pytest.approx(10e6)
    assert check_table().shape == load_check().shape


@needs_data
def test_validation_with_the_file_predicts_2016_from_2015_alone():
    t = validation()
    predicted = t[(t["role"] == "predicted") & t["error_pct"].notna()]
    assert set(predicted["year"]) == {2024, 2025, CHECK_YEAR}
    assert (predicted["year"] == CHECK_YEAR).sum() >= 3
    assert set(t.loc[t["year"] == FIT_YEAR, "role"]) == {"fitted"}
    # pinned: docs/serbia.md, "Validation by role", measured locally with the file
    err = t.query("year == 2016").set_index("quantity")["error_pct"]
    q = "Control-area load (with Kosovo): "
    assert err[q + "annual energy, 2015's grown 1 %/yr"] == pytest.approx(2.61, abs=0.005)
    assert err[q + "annual peak load, shape fitted on 2015"] == pytest.approx(2.18, abs=0.005)
    # the catalogue shape on the system basis (losses included; on C4 alone it was 16.63 and
    # 36.69: its record days were read against too small an energy)
    assert err[q + "annual peak load, catalogue shape"] == pytest.approx(0.70, abs=0.005)
    assert err[q + "largest daily energy, shape fitted on 2015"] == pytest.approx(-3.67, abs=0.005)
    assert err[q + "largest summer day (June-August), catalogue shape"] == pytest.approx(
        18.01, abs=0.005
    )


@needs_data
def test_shape_fitted_on_2015_beats_the_catalogue_shape_on_2016():
    t = load_check().set_index(["shape", "year", "quantity"])

    def v(shape, quantity, col="modelled"):
        return t.loc[(shape, CHECK_YEAR, quantity), col]

    fit, cat = "fitted on 2015", "catalogue"
    r = "correlation of the hourly load"
    assert v(fit, r) > v(cat, r)
    # pinned: docs/serbia.md, "Validation by role", measured locally with the file
    assert v(fit, r) == pytest.approx(0.846, abs=0.0005)
    assert v(cat, r) == pytest.approx(0.652, abs=0.0005)  # 0.607 on C4 alone
    assert v(fit, "annual peak load", "error_pct") == pytest.approx(-0.42, abs=0.005)
    assert v(cat, "annual peak load", "error_pct") == pytest.approx(-1.86, abs=0.005)  # 13.67
    assert v(fit, "load duration curve: RMS error") == pytest.approx(5.45, abs=0.005)
    assert v(fit, "daily maxima: mean absolute error") == pytest.approx(5.22, abs=0.005)
    assert v(fit, "hour of the daily peak, mean day (CET)") == 16  # one cosine: too early
    assert v(fit, "hour of the daily peak, mean day (CET)", "measured") == 19


@needs_data
def test_a_day_of_january_on_the_measured_hours():
    from corridor_sim.models.serbia.params import annual_energy_twh

    res = serbia.simulate(_scenario("measured_2015"))
    hourly = res.table("hourly")
    load = hourly[hourly["site"] == "none"]["national_load_mw"].to_numpy()
    measured = measured_load_mw(2015)
    expected = measured[: len(load)] / measured.sum() * annual_energy_twh(2029) * 1e6
    np.testing.assert_allclose(load, expected, rtol=1e-9)  # the measured hours, not the model's
    assert {"load_check", "load_hourly"} <= set(res.tables)

"""The Serbian model against public records by role: load fitted on 2015, checked on 2016."""

from __future__ import annotations

import numpy as np
import pytest

from corridor_sim.catalogue import value
from corridor_sim.errors import CorridorSimError
from corridor_sim.models.serbia.profiles import national_load_mw
from corridor_sim.models.serbia.validation.load import (
    CHECK_YEAR,
    FIT_YEAR,
    check_table,
    fit_load_shape,
    load_check,
    measured_load_mw,
    modelled_load_mw,
)
from corridor_sim.models.serbia.validation.table import validation, validation_rows
from corridor_sim.models.toolkit.validation import VALIDATION_COLUMNS, validation_frame


def _stretched(year: int, factor: float):
    """The stored series, with `year` stretched around its mean (same energy, other peaks)."""

    def measured(y: int) -> np.ndarray:
        x = measured_load_mw(y)
        return x + factor * (x - x.mean()) if y == year else x

    return measured


def _scaled(year: int, factor: float):
    """The stored series, with `year` scaled (another energy)."""

    def measured(y: int) -> np.ndarray:
        return measured_load_mw(y) * (factor if y == year else 1.0)

    return measured


def test_measured_load_is_two_years_of_hours_at_the_catalogued_energy():
    for year in (2015, 2016):
        x = measured_load_mw(year)
        assert x.shape == (8760,)
        assert np.all(x > 0)
        assert x.sum() / 1e6 == pytest.approx(
            value(f"serbia.record.load_{year}", unit="TWh"), abs=5e-4
        )
    assert measured_load_mw(2016).max() == 6958  # ENTSO-E's 2016 peak of the control area
    with pytest.raises(CorridorSimError, match="2020"):
        measured_load_mw(2020)


def test_validation_table_has_every_role_and_at_least_three_predicted_rows():
    t = validation()
    assert tuple(t.columns) == VALIDATION_COLUMNS
    assert set(t["role"]) == {"input", "fitted", "predicted"}
    predicted = t[(t["role"] == "predicted") & t["error_pct"].notna()]
    assert len(predicted) >= 3
    assert set(predicted["year"]) == {CHECK_YEAR, 2024}
    # at least three predicted from a year that sets no input: 2016, never read by the fit
    assert (predicted["year"] == CHECK_YEAR).sum() >= 3
    assert set(t.loc[t["year"] == FIT_YEAR, "role"]) == {"fitted"}
    assert (t["source"].str.len() > 0).sum() == len(t) - 1  # all but the peak hour: no record


def test_predicted_rows_do_not_change_when_their_record_changes():
    base = validation_frame(validation_rows())
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


def test_round_off_between_model_and_record_is_no_error():
    t = validation()
    inputs = t[t["role"] == "input"]
    assert len(inputs) == 1
    assert (inputs["error_pct"] == 0.0).all()  # scaled to the record: round-off only
    assert (load_check().query("role == 'input'")["error_pct"] == 0.0).all()


def test_fit_recovers_the_parameters_of_a_modelled_year():
    truth = {
        "serbia.load.seasonal_annual_amplitude": 0.2,
        "serbia.load.seasonal_semiannual_amplitude": 0.05,
        "serbia.load.daily_swing": 0.12,
        "serbia.load.peak_hour": 18.0,
    }
    x = national_load_mw(2024, rng=np.random.default_rng(3), draw=truth)
    fit = fit_load_shape(x)
    assert fit["serbia.load.daily_swing"] == pytest.approx(0.12, abs=0.005)
    assert fit["serbia.load.peak_hour"] == pytest.approx(18.0, abs=0.1)
    assert fit["serbia.load.seasonal_annual_amplitude"] == pytest.approx(0.2, abs=0.03)
    assert fit["serbia.load.annual_energy"] == pytest.approx(x.sum() / 1e6)
    with pytest.raises(CorridorSimError, match="8760"):
        fit_load_shape(x[:100])


def test_2016_predicted_from_2015_alone():
    # pinned: docs/serbia.md, "Validation by role" (the validation table's predicted rows)
    t = validation().query("year == 2016").set_index("quantity")
    err = t["error_pct"]
    q = "Control-area load (with Kosovo): "
    assert err[q + "annual energy, 2015's grown 1 %/yr"] == pytest.approx(2.61, abs=0.005)
    assert err[q + "annual peak load, shape fitted on 2015"] == pytest.approx(2.18, abs=0.005)
    assert err[q + "annual peak load, catalogue shape"] == pytest.approx(16.63, abs=0.005)
    assert err[q + "largest daily energy, shape fitted on 2015"] == pytest.approx(-3.67, abs=0.005)
    base = validation().query("year == 2024 and role == 'predicted'").set_index("quantity")
    days = base["error_pct"].dropna().round(1).tolist()
    assert days == [12.7, 5.4]  # 3 and 10 January 2024 (EMS), catalogue shape
    assert err[q + "largest summer day (June-August), catalogue shape"] == pytest.approx(
        36.69, abs=0.005
    )


def test_shape_fitted_on_2015_beats_the_catalogue_shape_on_2016():
    t = load_check().set_index(["shape", "year", "quantity"])

    def v(shape, quantity, col="modelled"):
        return t.loc[(shape, CHECK_YEAR, quantity), col]

    fit, cat = "fitted on 2015", "catalogue"
    r = "correlation of the hourly load"
    assert v(fit, r) > v(cat, r)
    # pinned: docs/serbia.md, "Validation by role"
    assert v(fit, r) == pytest.approx(0.846, abs=0.0005)
    assert v(cat, r) == pytest.approx(0.607, abs=0.0005)
    assert v(fit, "annual peak load", "error_pct") == pytest.approx(-0.42, abs=0.005)
    assert v(cat, "annual peak load", "error_pct") == pytest.approx(13.67, abs=0.005)
    assert v(fit, "load duration curve: RMS error") == pytest.approx(5.45, abs=0.005)
    assert v(fit, "daily maxima: mean absolute error") == pytest.approx(5.22, abs=0.005)
    assert v(fit, "hour of the daily peak, mean day (CET)") == 16  # one cosine: too early
    assert v(fit, "hour of the daily peak, mean day (CET)", "measured") == 19


def test_modelled_load_is_scaled_to_the_given_energy_and_checks_its_shape():
    x = modelled_load_mw("fitted on 2015", annual_twh=10.0)
    assert x.sum() == pytest.approx(10e6)
    with pytest.raises(CorridorSimError, match="shape"):
        modelled_load_mw("flat", annual_twh=10.0)
    assert check_table().shape == load_check().shape

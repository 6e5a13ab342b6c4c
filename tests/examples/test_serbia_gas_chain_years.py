"""examples/serbia_gas_chain.py dispatches the plant once per year, on that year's inputs."""

from __future__ import annotations

import importlib.util
from types import SimpleNamespace

import numpy as np

from tests.helpers import ROOT

PATH = ROOT / "examples" / "serbia_gas_chain.py"


def _module():
    spec = importlib.util.spec_from_file_location("serbia_gas_chain_years", PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_variant_year_has_its_own_dispatch(monkeypatch):
    """The dispatch is keyed by year: 2025 does not reuse 2029's (a stand-in dispatch)."""
    chain = _module()
    seen = []

    def year_inputs(p, grid, **_):
        seen.append((p.year, grid.year, grid.annual_energy_twh))
        cf = 0.3 if grid.year == 2025 else 0.6
        return SimpleNamespace(with_plant=SimpleNamespace(plant_mw=np.full(8760, cf * 500.0)))

    monkeypatch.setattr(chain, "year_inputs", year_inputs)
    a = chain.plant_output_mw(2029, "ccgt")
    b = chain.plant_output_mw(2025, "ccgt")
    assert chain.plant_output_mw(2029, "ccgt") is a  # computed once per year and technology
    assert [(y, g) for y, g, _ in seen] == [(2029, 2029), (2025, 2025)]
    assert seen[0][2] > seen[1][2]  # each year's own load
    assert not np.array_equal(a, b)
    assert chain._CF[2025, "ccgt"] == 0.3
    assert chain._CF[2029, "ccgt"] == 0.6
    years = {year for year, _ in chain.VARIANTS.values()}
    assert years == {2025, 2029}

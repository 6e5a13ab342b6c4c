"""The sparse factorisation behind DCModel: KLU and SuperLU against pandapower.rundcpp."""

from __future__ import annotations

import numpy as np
import pandapower.networks as pn
import pytest
import scipy.sparse as sp

from corridor_sim.engines._shared import factor as factor_mod
from corridor_sim.engines._shared.factor import available_backends, default_backend, factorise
from corridor_sim.engines.power import DCModel, dc_flow, n_minus_1
from corridor_sim.engines.power import flow as power_flow
from corridor_sim.errors import CorridorSimError, SpecError
from tests.engines.power_nets import awkward_net, profiles, reference_run

TOL_MW = 1e-9
HAS_KLU = "klu" in available_backends()
BACKENDS = [
    pytest.param(
        "klu",
        marks=pytest.mark.skipif(not HAS_KLU, reason="PyKLU not installed (the 'fast' extra)"),
    ),
    "superlu",
]


def _case118_modified():
    net = pn.case118()
    net.line.loc[[10, 40], "in_service"] = False
    net.trafo.loc[0, "shift_degree"] = 5.0
    return net


def _flows(ref) -> np.ndarray:
    return np.r_[ref.res_line["p_from_mw"].fillna(0.0), ref.res_trafo["p_hv_mw"].fillna(0.0)]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("factory", [_case118_modified, awkward_net])
def test_dc_flow_sparse_route_matches_rundcpp(backend, factory, monkeypatch) -> None:
    monkeypatch.setattr(power_flow, "DENSE_MAX_BUS", 0)  # force the sparse solves
    net = factory()
    model = DCModel.from_net(net, factor=backend)
    assert model.lu.backend == backend
    tables = profiles(net, 4, np.random.default_rng(3))
    res = dc_flow(net, **tables, model=model)
    for hour in (0, 3):
        mine = np.r_[res.line_p_from_mw.iloc[hour], res.trafo_p_hv_mw.iloc[hour]]
        np.testing.assert_allclose(mine, _flows(reference_run(net, tables, hour)), atol=TOL_MW)


@pytest.mark.parametrize("backend", BACKENDS)
def test_n_minus_1_matches_rundcpp(backend) -> None:
    net = _case118_modified()
    tables = profiles(net, 3, np.random.default_rng(5))
    model = DCModel.from_net(net, factor=backend)
    res = n_minus_1(net, **tables, model=model, outages="lines")
    for line in (0, 57, 150):
        post = res.post_flows(("line", line))
        ref = reference_run(net, tables, 2, ("line", line))
        np.testing.assert_allclose(
            post["line"].iloc[2].to_numpy(), ref.res_line["p_from_mw"].fillna(0.0), atol=TOL_MW
        )


@pytest.mark.parametrize("backend", BACKENDS)
def test_outage_flows_n_minus_2_match_rundcpp(backend) -> None:
    net = _case118_modified()
    model = DCModel.from_net(net, factor=backend)
    lines = [3, 60]
    flows = model.outage_flows_mw(model.line_row[lines], model.p_bus_mw)
    for line in lines:
        net.line.loc[line, "in_service"] = False
    ref = reference_run(net, {}, 0)
    rows = np.r_[model.line_row, model.trafo_row]  # -1: out of service
    mine = np.where(rows >= 0, flows[rows], 0.0)
    np.testing.assert_allclose(mine, _flows(ref), atol=TOL_MW)
    if backend == "klu" and factor_mod._KLU_LIB is not None:
        lu = model.lu.refactor(sp.csc_matrix(model.bbus[model.pvpq_rows][:, model.pvpq_rows]))
        assert lu.symbolic is model.lu.symbolic  # the symbolic analysis is reused


def test_outage_that_islands_raises() -> None:
    model = DCModel.from_net(pn.case9())
    with pytest.raises(CorridorSimError, match=r"branch rows \[0\] leaves buses without a slack"):
        model.outage_flows_mw([0], model.p_bus_mw)


@pytest.mark.skipif(not HAS_KLU, reason="PyKLU not installed (the 'fast' extra)")
def test_backends_agree_on_a_large_net() -> None:
    net = pn.case1354pegase()
    klu = DCModel.from_net(net, factor="klu")
    slu = DCModel.from_net(net, factor="superlu")
    p = klu.p_bus_mw[:, None] * np.random.default_rng(1).uniform(0.5, 1.5, (klu.n_bus, 40))
    np.testing.assert_allclose(klu.solve_angles_rad(p), slu.solve_angles_rad(p), atol=1e-12)


def test_default_backend_is_klu_when_installed() -> None:
    assert default_backend() == ("klu" if HAS_KLU else "superlu")
    assert DCModel.from_net(pn.case9()).lu.backend == default_backend()


@pytest.mark.parametrize("backend", BACKENDS)
def test_refactor_requires_the_same_pattern_and_solves_in_place(backend) -> None:
    a = sp.csc_matrix(np.array([[4.0, -1.0, 0.0], [-1.0, 3.0, -1.0], [0.0, -1.0, 2.0]]))
    lu = factorise(a, backend=backend)
    b = np.asfortranarray(np.eye(3))
    x = lu.solve(b, overwrite=True)
    np.testing.assert_allclose(a @ x, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(lu.refactor(a * 2.0).solve(np.ones(3)), lu.solve(np.ones(3)) / 2)
    if backend == "klu" and factor_mod._KLU_LIB is not None:
        assert x is b
        with pytest.raises(ValueError, match="sparsity pattern"):
            lu.refactor(sp.csc_matrix(np.diag([1.0, 2.0, 3.0])))


def test_unknown_backend_is_named() -> None:
    with pytest.raises(
        SpecError, match=r"factor = 'cholmod': expected one of \('klu', 'superlu'\)"
    ):
        DCModel.from_net(pn.case9(), factor="cholmod")


def test_klu_missing_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setattr(factor_mod, "_PYKLU", False)
    assert available_backends() == ("superlu",)
    with pytest.raises(SpecError, match="PyKLU is not installed"):
        factorise(sp.eye(2, format="csc"), backend="klu")
    assert factorise(sp.eye(2, format="csc")).backend == "superlu"


@pytest.mark.skipif(not HAS_KLU, reason="PyKLU not installed (the 'fast' extra)")
def test_pyklu_class_where_its_library_exports_no_klu(monkeypatch) -> None:
    monkeypatch.setattr(factor_mod, "_KLU_LIB", None)  # e.g. PyKLU built on Windows
    a = sp.csc_matrix(np.array([[4.0, -1.0], [-1.0, 3.0]]))
    lu = factorise(a)
    assert type(lu).__name__ == "_PyKLUFactor"
    np.testing.assert_allclose(lu.solve(np.array([3.0, 2.0])), [1.0, 1.0])
    inverse = lu.refactor(a * 2).solve(np.eye(2))
    np.testing.assert_allclose(inverse @ (a * 2).toarray(), np.eye(2), atol=1e-12)

"""Every public function and class is documented: numpydoc Parameters, Returns and Examples.

For every module listed in docs/api.md, every function and class in its ``__all__`` (defined
in corridor_sim) must have a ``Parameters`` section (classes: ``Parameters`` or
``Attributes``) when it takes arguments, a ``Returns`` (or ``Yields``) section when it is a
function, and an ``Examples`` section.

:data:`KNOWN_GAPS` lists the names that did not yet when the check was written: the list
may only shrink. A name that gains its sections must leave the list (the test says so); a
new public name must come documented.
"""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

from tests.helpers import ROOT

MODULES = re.findall(
    r"^   (corridor_sim[\w.]*)$", (ROOT / "docs" / "api.md").read_text("utf-8"), re.M
)

#: Public names still without every section (the list only shrinks).
KNOWN_GAPS = frozenset(
    {
        "corridor_sim.CorridorSimError",
        "corridor_sim.StudyInterrupted",
        "corridor_sim.StudyResult",
        "corridor_sim.catalogue.Status",
        "corridor_sim.catalogue.clear_cache",
        "corridor_sim.catalogue.draw_value",
        "corridor_sim.catalogue.overrides",
        "corridor_sim.catalogue.overriding",
        "corridor_sim.catalogue.recording",
        "corridor_sim.scenarios.Event",
        "corridor_sim.scenarios.Resolution",
        "corridor_sim.models.ModelEntry",
        "corridor_sim.models.Option",
        "corridor_sim.models.OptionTable",
        "corridor_sim.models.Param",
        "corridor_sim.models.ParamTable",
        "corridor_sim.models.Parameter",
        "corridor_sim.models.available_models",
        "corridor_sim.models.get_model",
        "corridor_sim.models.oil.elements",
        "corridor_sim.models.oil.route_capacity",
        "corridor_sim.models.oil.simulate",
        "corridor_sim.models.caspian.capacity_study",
        "corridor_sim.models.caspian.elements",
        "corridor_sim.models.caspian.resolve",
        "corridor_sim.models.caspian.schedule_share",
        "corridor_sim.models.caspian.simulate",
        "corridor_sim.models.caspian.snapshots",
        "corridor_sim.models.serbia.Site",
        "corridor_sim.models.serbia.elements",
        "corridor_sim.models.serbia.preferred_site",
        "corridor_sim.models.serbia.simulate",
        "corridor_sim.models.middle_corridor.corridor_capacity",
        "corridor_sim.models.middle_corridor.elements",
        "corridor_sim.models.middle_corridor.simulate",
        "corridor_sim.models.commodity.build",
        "corridor_sim.models.commodity.simulate",
        "corridor_sim.engines.power.DCFlowResult",
        "corridor_sim.engines.power.DCModel",
        "corridor_sim.engines.power.N1Result",
        "corridor_sim.engines.power.OutageSet",
        "corridor_sim.engines.power.pandapower_quietly",
        "corridor_sim.engines.dispatch.DispatchResult",
        "corridor_sim.engines.dispatch.choose_formulation",
        "corridor_sim.engines.commodity.Arc",
        "corridor_sim.engines.commodity.CommodityNetwork",
        "corridor_sim.engines.commodity.CommoditySolution",
        "corridor_sim.engines.commodity.MaxFlowResult",
        "corridor_sim.engines.commodity.Node",
        "corridor_sim.engines.commodity.NodeKind",
        "corridor_sim.engines.commodity.default_unmet_penalty",
        "corridor_sim.plotting.figures",
        "corridor_sim.plotting.maps.commodity_map",
        "corridor_sim.plotting.maps.has_map",
        "corridor_sim.plotting.maps.map_figsize",
        "corridor_sim.plotting.basemap.Basemap",
        "corridor_sim.plotting.basemap.BasemapLayers",
        "corridor_sim.plotting.basemap.aspect_ratio",
        "corridor_sim.plotting.basemap.draw_basemap",
        "corridor_sim.plotting.basemap.map_extent",
        "corridor_sim.plotting.basemap.place_labels",
        "corridor_sim.plotting.labels.placed_labels",
        "corridor_sim.plotting.labels.place_labels",
        "corridor_sim.plotting.labels.register_background",
        "corridor_sim.plotting.style.FigureStyleWarning",
        "corridor_sim.plotting.style.cmap",
        "corridor_sim.plotting.style.figure_title",
        "corridor_sim.plotting.style.save_figure",
        "corridor_sim.plotting.style.time_axis",
        "corridor_sim.plotting.style.scenario_label",
        "corridor_sim.plotting.style.small_texts",
        "corridor_sim.plotting.style.style_context",
        "corridor_sim.export.net_to_json",
        "corridor_sim.export.pandapower_models",
        "corridor_sim.export.to_excel",
        "corridor_sim.export.to_netcdf",
        "corridor_sim.export.to_pandapower_json",
        "corridor_sim.export.to_xarray",
        "corridor_sim.units.GasBasis",
        "corridor_sim.units.bbl_per_day_to_mt_per_yr",
        "corridor_sim.units.days_in_month",
        "corridor_sim.units.days_in_year",
        "corridor_sim.units.gwh_per_yr_to_mw",
        "corridor_sim.units.kt_to_mt",
        "corridor_sim.units.mt_to_kt",
        "corridor_sim.units.power_from_gas_mw",
        "corridor_sim.units.twh_to_bcm",
        "corridor_sim.errors.ConvergenceError",
        "corridor_sim.errors.CorridorSimError",
        "corridor_sim.errors.FactError",
        "corridor_sim.errors.InfeasibleError",
        "corridor_sim.errors.OptionalDependencyError",
        "corridor_sim.errors.ResultError",
        "corridor_sim.errors.ScenarioError",
        "corridor_sim.errors.SchemaError",
        "corridor_sim.errors.SolverError",
        "corridor_sim.errors.SpecError",
        "corridor_sim.errors.UnitError",
        "corridor_sim.errors.UnknownNameError",
    }
)


def _section(doc: str, *names: str) -> bool:
    return any(re.search(rf"^{name}\n-{{3,}}", doc, re.M) for name in names)


def missing_sections(obj: object) -> list[str]:
    """The numpydoc sections `obj` lacks: ``Parameters``, ``Returns``, ``Examples``."""
    doc = inspect.getdoc(obj) or ""
    missing = []
    if inspect.isfunction(obj):
        takes = [p for p in inspect.signature(obj).parameters if p not in ("self", "cls")]
        if takes and not _section(doc, "Parameters"):
            missing.append("Parameters")
        if not _section(doc, "Returns", "Yields"):
            missing.append("Returns")
    elif not _section(doc, "Parameters", "Attributes"):
        missing.append("Parameters")
    if not _section(doc, "Examples"):
        missing.append("Examples")
    return missing


def _public() -> dict[str, object]:
    names = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.ismethod(obj):  # a model's function bound to its corridor
                obj = obj.__func__
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if str(getattr(obj, "__module__", "")).split(".")[0] != "corridor_sim":
                continue
            names[f"{module_name}.{name}"] = obj
    return names


PUBLIC = _public()


def test_every_public_name_has_parameters_returns_and_an_example() -> None:
    undocumented = {
        name: missing_sections(obj)
        for name, obj in PUBLIC.items()
        if name not in KNOWN_GAPS and missing_sections(obj)
    }
    assert not undocumented, f"public names without numpydoc sections: {undocumented}"


def test_the_list_of_gaps_only_shrinks() -> None:
    done = sorted(n for n in KNOWN_GAPS if n in PUBLIC and not missing_sections(PUBLIC[n]))
    gone = sorted(n for n in KNOWN_GAPS if n not in PUBLIC)
    assert not done, f"documented now: remove from KNOWN_GAPS: {done}"
    assert not gone, f"no longer public: remove from KNOWN_GAPS: {gone}"


@pytest.mark.parametrize(
    "name",
    [
        "corridor_sim.monte_carlo",
        "corridor_sim.diff",
        "corridor_sim.plotting.study.sweep_plot",
        "corridor_sim.plotting.study.fan_chart",
        "corridor_sim.plotting.study.tornado",
        "corridor_sim.plotting.diff.diff_bars",
    ],
)
def test_the_functions_an_analyst_reaches_first_are_documented(name: str) -> None:
    assert name not in KNOWN_GAPS
    assert missing_sections(PUBLIC[name]) == []

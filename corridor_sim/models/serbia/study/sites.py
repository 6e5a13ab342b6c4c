"""The grid study of several sites on the same hourly inputs, and the verdict between them.

Used by a scenario run (:mod:`.run`) and by the robustness study (:mod:`.study.robustness`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor_sim.models.serbia.grid.network import GridSpec
from corridor_sim.models.serbia.params import parse_site
from corridor_sim.models.serbia.study.inputs import YearInputs
from corridor_sim.models.serbia.study.site import HourlyInputs, StudyConfig, site_study

__all__ = ["attribute_violations", "best_site", "site_tables"]


def attribute_violations(tables: dict[str, pd.DataFrame], tolerance_pct: float) -> None:
    """Mark the N-1 violations a site causes, against the no-plant grid (in place).

    A violation (element, outage, hour) is the site's when the no-plant grid has none there
    or one lower by more than `tolerance_pct` (``serbia.study.aggravation_pct``). Adds the
    column ``caused_by_site`` to ``n1_violations`` and, to ``site_comparison``,
    ``n1_site_violation_hours`` (anywhere), ``n1_area_violation_hours`` (on elements of the
    plant's area, ``in_area``), ``n1_secure`` (none in the area), ``worst_area_n1_loading_pct``
    and ``worst_area_n1_element`` (the area's highest N-1 loading), ``worst_site_n1_loading_pct``,
    ``worst_site_n1_element`` and ``worst_site_n1_outage``. Without a "none" site every
    violation counts.
    """
    v = tables["n1_violations"]
    keys = ["element", "element_id", "outage", "outage_id", "hour"]
    base = v[v["site"] == "none"].set_index(keys)["loading_pct"]
    has_base = "none" in set(tables["site_comparison"]["site"])
    before = base.reindex(pd.MultiIndex.from_frame(v[keys])).to_numpy()
    caused = (v["site"] != "none") & (
        ~has_base | np.isnan(before) | (v["loading_pct"].to_numpy() > before + tolerance_pct)
    )
    v["caused_by_site"] = caused.to_numpy()
    comp = tables["site_comparison"]
    hours, area_hours, worst, element, outage = [], [], [], [], []
    for site in comp["site"]:
        mine = v[(v["site"] == site) & v["caused_by_site"]]
        hours.append(int(mine["hour"].nunique()))
        area_hours.append(int(mine.loc[mine["in_area"], "hour"].nunique()))
        top = mine.sort_values("loading_pct", ascending=False).head(1)
        worst.append(float(top["loading_pct"].iloc[0]) if len(top) else float("nan"))
        element.append(str(top["element"].iloc[0]) if len(top) else "")
        outage.append(str(top["outage"].iloc[0]) if len(top) else "")
    loads = tables["loadings"]
    area = loads[loads["in_area"]].sort_values("worst_n1_loading_pct", ascending=False)
    top_area = area.drop_duplicates("site").set_index("site")
    comp["worst_area_n1_loading_pct"] = comp["site"].map(top_area["worst_n1_loading_pct"])
    comp["worst_area_n1_element"] = comp["site"].map(top_area["element"]).fillna("")
    comp["n1_site_violation_hours"] = hours
    comp["n1_area_violation_hours"] = area_hours
    comp["n1_secure"] = [h == 0 for h in area_hours]
    comp["worst_site_n1_loading_pct"] = worst
    comp["worst_site_n1_element"] = element
    comp["worst_site_n1_outage"] = outage


def best_site(comparison: pd.DataFrame) -> str:
    """Pick the site the grid takes best: N-1 security in its area, headroom, then the rest.

    Ranked by the N-1 violation hours the site causes in its area, the highest N-1 loading
    in the area (to 0.1 %), the violation hours it causes elsewhere, then the losses.
    Violations the grid has without the plant do not count against a site
    (:func:`attribute_violations`). ``"none"`` only when no plant site was studied.
    """
    plants = comparison[comparison["site"] != "none"]
    if plants.empty:
        return "none"
    if "n1_area_violation_hours" not in plants:  # no attribution: every violation counts
        ranked = plants.assign(w=plants["worst_n1_loading_pct"].round(1)).sort_values(
            ["n1_violation_hours", "w", "losses_mwh"]
        )
        return str(ranked["site"].iloc[0])
    ranked = plants.assign(w=plants["worst_area_n1_loading_pct"].round(1)).sort_values(
        ["n1_area_violation_hours", "w", "n1_site_violation_hours", "losses_mwh"]
    )
    return str(ranked["site"].iloc[0])


def _slice(inputs: HourlyInputs, n: int) -> HourlyInputs:
    return HourlyInputs(inputs.national_mw[:n], inputs.unit_mw.iloc[:n], inputs.plant_mw[:n])


def site_tables(
    sites: list[str], yi: YearInputs, *, grid: GridSpec, n_hours: int, events: list, ac_cases: int
) -> dict[str, pd.DataFrame]:
    """Run the grid study of every site; stack each table over the sites in order."""
    parts: dict[str, list[pd.DataFrame]] = {}
    config = StudyConfig.default(ac_cases=ac_cases)
    for s in sites:
        inputs = yi.inputs_none if s == "none" else yi.inputs_plant
        assert inputs is not None  # year_inputs builds the inputs of every site studied
        out = site_study(
            parse_site(s),
            year=grid.year,
            inputs=_slice(inputs, n_hours),
            events=events,
            config=config,
            spec=grid,
        )
        for key, frame in out.items():
            parts.setdefault(key, []).append(frame)
    return {k: pd.concat(v, ignore_index=True) for k, v in parts.items()}

"""The oil route's figures under their earlier name.

They live in :mod:`corridor_sim.models.oil.figures`.
"""

from corridor_sim.models.oil.figures import (
    figures,
    monthly_flow_stack,
    route_map,
    storage_levels,
    sweep_curve,
)

__all__ = ["figures", "monthly_flow_stack", "route_map", "storage_levels", "sweep_curve"]

"""The serbia model's figures under their earlier name.

They live in :mod:`corridor_sim.models.serbia.figures`.
"""

from corridor_sim.models.serbia.figures import *  # noqa: F403
from corridor_sim.models.serbia.figures import __all__  # noqa: F401

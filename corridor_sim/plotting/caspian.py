"""The caspian model's figures under their earlier name.

They live in :mod:`corridor_sim.models.caspian.figures`.
"""

from corridor_sim.models.caspian.figures import *  # noqa: F403
from corridor_sim.models.caspian.figures import __all__  # noqa: F401

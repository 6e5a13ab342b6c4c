"""``python -m corridor_sim.cli``: the ``corridor-sim`` command."""

from corridor_sim.cli import main

raise SystemExit(main())

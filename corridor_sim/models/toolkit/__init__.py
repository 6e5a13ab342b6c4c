"""The shared toolkit of the corridor models, public for models in other packages too.

A model outside corridor_sim (registered through the ``corridor_sim.models`` entry point
group) builds on the same pieces as the built-in ones:

- :mod:`.caspian` — the Caspian sea lanes' seasons (which months the shared weather rows
  ``caspian_sea.weather.availability_*`` cover), for the oil tankers and the ferries;
- :mod:`.calendar` — periods as time: months cut into slices at event days, snapshots;
- :mod:`.commodity` — what every commodity-network model does around the engine: events as
  per-slice availability, networks split into slices, standard tables by month, node
  coordinates from the catalogue, the map's node table.
- :mod:`.reuse` — :class:`~corridor_sim.models.toolkit.reuse.BuildCache`: what a model
  builds once per worker process (a network) and hands out as copies, checked against the
  catalogue rows the build read.

``toolkit`` is not a model: :func:`corridor_sim.models.available_models` skips it.
"""

"""Pieces shared by the corridor models (not a model: packages starting with _ are not found).

- :mod:`.caspian` — the Caspian sea lanes' seasons (which months the shared weather rows
  ``caspian_sea.weather.availability_*`` cover), for the oil tankers and the ferries;
- :mod:`.calendar` — periods as time: months cut into slices at event days, snapshots;
- :mod:`.commodity` — what every commodity-network model does around the engine: events as
  per-slice availability, networks split into slices, standard tables by month, node
  coordinates from the catalogue, the map's node table.
"""

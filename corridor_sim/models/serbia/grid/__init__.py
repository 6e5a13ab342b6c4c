"""Serbia's 400/220 kV grid as built: stored extract, public changes, equivalents, the net.

Readable alone, bottom up:

* :mod:`.stored` -- the stored files of ``data/`` (the ENTSO-E map extract in PyPSA-Eur and
  the hand-added changes, licence in ``data/README.md``): :func:`~.stored.read_tables`,
  :func:`~.stored.load_shares`, :func:`~.stored.polyline_km`;
* :mod:`.equivalents` -- line types by voltage and the neighbours' equivalents;
* :mod:`.tables` -- the grid of a year as element tables (:func:`~.tables.grid_tables`);
* :mod:`.network` -- the pandapower net of a year and site (:func:`~.network.build_grid`,
  :class:`~.network.GridSpec`, :func:`~.network.grid_elements`).

The model's front door is :func:`corridor_sim.models.serbia.build`; this package imports
nothing from the market dispatch, the site study or the gas chain.
"""

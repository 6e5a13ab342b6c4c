"""The economic dispatch of Serbia's plants and the 500 MW plant on the grid.

* :mod:`.params` -- the plant's technology and the market's prices, declared once and
  added to :data:`corridor_sim.models.serbia.params.PARAMS`;
* :mod:`.dispatch` -- :func:`~.dispatch.market_dispatch` on the DC-OPF engine with the tie
  lines monitored, :class:`~.dispatch.MarketSpec`, :func:`~.dispatch.power_price_series`.

Depends on the grid (:mod:`corridor_sim.models.serbia.grid`) and the shared hourly profiles;
the site study (:mod:`corridor_sim.models.serbia.study`) runs on its outcome.
"""

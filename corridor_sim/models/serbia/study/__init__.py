"""The site study: which site loads the grid least and survives N-1, and how robustly.

* :mod:`.inputs` -- one year's hourly inputs (load, schedules, the market dispatch with and
  without the plant), :func:`~.inputs.year_inputs`;
* :mod:`.site` -- one site over every hour (DC flow, streaming N-1, AC checks),
  :func:`~.site.site_study`;
* :mod:`.tables` -- its result tables;
* :mod:`.sites` -- several sites on the same inputs and the verdict, :func:`~.sites.best_site`;
* :mod:`.robustness` -- a Monte Carlo over the catalogue's ranges.

Depends on the grid and the market dispatch, never on the gas chain.
"""

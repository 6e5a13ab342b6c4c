"""The plant's gas: its supply routes and prices, the daily chain and what the plant needs.

* :mod:`.route` -- the annual/monthly route balance (:class:`~.route.GasSpec`,
  :func:`~.route.gas_balance`, :func:`~.route.gas_mcm_from_mwh`);
* :mod:`.run` -- the gas tables of a scenario run;
* :mod:`.params` -- the chain's parameters (:data:`~.params.GAS_PARAMS`,
  :class:`~.params.ChainSpec`);
* :mod:`.chain` -- the daily chain as a commodity network (:func:`~.chain.chain_network`);
* :mod:`.needs` -- the new contract and capacity the plant needs (bisections on the chain);
* :mod:`.study` -- the gas study per case (:func:`~.study.gas_study`);
* :mod:`.tariffs` -- the gas price by route: hub price plus the route's transport tariffs;
* :mod:`.supply` -- the three supply routes as they are (Balkan Stream, Azerbaijani, Greek
  LNG): their legs, room by day, dates and tariffs (:func:`~.supply.supply_legs`);
* :mod:`.sizing` -- every route sized by the same daily chain LP: the contract and the daily
  capacity the plant needs on it, with and without storage, and which leg binds
  (:func:`~.sizing.route_needs`);
* :mod:`.figures` -- its figures.

Depends only on the shared parameters and the commodity engine, never on the grid.
"""

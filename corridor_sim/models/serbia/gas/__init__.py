"""The plant's gas: the route from Azerbaijan, the daily chain and what the plant needs of it.

* :mod:`.route` -- the annual/monthly route balance (:class:`~.route.GasSpec`,
  :func:`~.route.gas_balance`, :func:`~.route.gas_mcm_from_mwh`);
* :mod:`.run` -- the gas tables of a scenario run;
* :mod:`.params` -- the chain's parameters (:data:`~.params.GAS_PARAMS`,
  :class:`~.params.ChainSpec`);
* :mod:`.chain` -- the daily chain as a commodity network (:func:`~.chain.chain_network`);
* :mod:`.needs` -- the new contract and capacity the plant needs (bisections on the chain);
* :mod:`.study` -- the gas study per case (:func:`~.study.gas_study`);
* :mod:`.figures` -- its figures.

Depends only on the shared parameters and the commodity engine, never on the grid.
"""

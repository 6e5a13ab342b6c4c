"""The Serbian model against public records, by role (the result's ``validation`` table).

* :mod:`.load` -- the load model against ENTSO-E's measured hourly load of 2015 and 2016
  (a file the user makes with ``tools/make_serbia_load.py``, named by
  ``CORRIDOR_SIM_SERBIA_LOAD``; not shipped, see ``data/README.md``): the shape fitted on
  2015, 2016 predicted from 2015 alone (tables ``load_check`` and ``load_hourly``), and the
  measured hours as the site study's load (option ``load_profile``);
* :mod:`.table` -- every row of the ``validation`` table: the 2024 load backcast (input,
  fitted, and two January 2024 days EMS reported, predicted), two October 2025 days EMS
  reported (predicted) and, with the measured file, 2015 (fitted) and 2016 (predicted);
* :mod:`.figures` -- ``serbia_load_validation`` (with the measured file): the held-out
  year, measured against both shapes.
"""

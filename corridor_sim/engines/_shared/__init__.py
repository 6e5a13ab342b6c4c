"""Machinery the engines share, private to them.

The HiGHS wrapper, the sparse factorisation, the DC model of a pandapower net, input
checks, tidy tables and result displays.
"""

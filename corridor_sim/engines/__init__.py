"""Solvers that know networks, not corridors: ``commodity`` (flow LP) and ``power`` (DC flow, N-1, dispatch)."""

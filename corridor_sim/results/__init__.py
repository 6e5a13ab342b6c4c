"""Result container and table helpers."""

from corridor_sim.results.result import SUMMARY_COLUMNS, Result, summary_frame

__all__ = ["SUMMARY_COLUMNS", "Result", "summary_frame"]

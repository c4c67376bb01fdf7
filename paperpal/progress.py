"""Progress reports at a pace a display can take.

A sync or an indexing run of 10,000 items calls its ``on_progress(done, total, label)`` thousands of
times; a progress bar needs a few updates a second. :func:`throttled` passes on at most one call per
interval, and always the last step.
"""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic

INTERVAL_S = 0.1  # at most this often


def throttled(report: Callable[[int, int | None, str | None], object], interval: float = INTERVAL_S):
    """``report(done, total, label)`` at most every ``interval`` seconds, and always the last step (``done >=
    total``); the calls in between are dropped."""
    last = [0.0]

    def call(done: int, total: int | None = None, label: str | None = None) -> None:
        now = monotonic()
        if now - last[0] >= interval or (total and done >= total):
            last[0] = now
            report(done, total, label)

    return call
